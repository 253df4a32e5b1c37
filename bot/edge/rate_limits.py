"""Rate limits that no group member can turn against the group.

python-telegram-bot's AIORateLimiter counts every call that names a group chat against that
group's bucket (20 a minute), reads such as getChatMember included. A member spamming /settings
or forged settings buttons made the bot's next real messages to the group wait, a red-flag
notice among them. Reads post nothing into the group, so they skip the group bucket here (the
overall 30-a-second limit and the RetryAfter handling still apply to them).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

__all__ = ["READS", "GroupSafeRateLimiter"]

JSONDict = dict[str, Any]  # python-telegram-bot's own alias lives in a private module

# Bot API methods that read about a chat and send nothing to it.
READS = frozenset({"getChatMember", "getChatAdministrators", "getChat", "getChatMemberCount"})


class GroupSafeRateLimiter(AIORateLimiter):
    """AIORateLimiter, except that reads about a group do not use the group's message bucket."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if endpoint in READS and "chat_id" in data:
            # The same request without the chat: counted in the overall limit only.
            data = {key: value for key, value in data.items() if key != "chat_id"}
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
