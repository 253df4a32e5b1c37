"""The web server: Telegram's webhook, /healthz, /readyz and /metrics (loaded only if served)."""
