"""The Telegram edge: typed bot state, thin handlers, and the reminder sender."""
