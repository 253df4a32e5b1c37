"""Stretch reminders without I/O: time arithmetic across zones, the message, the replies."""
