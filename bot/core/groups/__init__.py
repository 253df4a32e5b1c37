"""Group chats: when the bot speaks, how often, and the admins' settings panel."""
