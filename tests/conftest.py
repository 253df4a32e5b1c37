"""Shared fixtures: the fake Telegram Bot API server (see tests/fake_telegram.py)."""

from tests.fake_telegram import fake_telegram

__all__ = ["fake_telegram"]
