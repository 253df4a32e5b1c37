"""Background services: the reminder dispatcher and the knowledge-base reloader (no Telegram)."""
