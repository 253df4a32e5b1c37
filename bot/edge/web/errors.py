"""Why the web server or the webhook could not start, without importing the server itself."""

from __future__ import annotations


class ListenError(Exception):
    """The server cannot listen on its address; the message is one plain sentence."""


class WebhookRefused(Exception):  # noqa: N818 (names the situation)
    """Telegram refused setWebhook (e.g. an address it cannot use); one plain sentence."""
