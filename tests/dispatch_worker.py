"""A reminder dispatcher process for tests/test_replicas.py: one replica of the bot's sending
side on a PostgreSQL database, with a fake sender that appends each reminder id to a file.

    python -m tests.dispatch_worker URL OUT_FILE NOW_UNIX_SECONDS SEND_SECONDS [GO_FILE]

It recovers like a starting bot, prints what the recovery dropped, waits for GO_FILE to exist
(so that several workers start sending together), then dispatches until nothing is due. Each
send is one ``write`` of a line to a file opened for appending, so lines from several processes
never mix, and a send that was written is a send that happened.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.core.records import Delivery
from bot.services.dispatcher import Dispatcher
from bot.storage.postgres import PostgresStore


def wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.002)


async def main(url: str, out: str, now_s: int, send_seconds: float, go: str | None) -> None:
    now = datetime.fromtimestamp(now_s, UTC)
    fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    store = await PostgresStore.open(url, pool_size=4)
    recovered = await store.recover(now)
    print(f"recovered {recovered.unconfirmed}", flush=True)
    if go is not None:
        await asyncio.to_thread(wait_for, Path(go))

    async def send(delivery: Delivery) -> None:
        await asyncio.sleep(send_seconds)  # the Bot API's answer takes a while
        os.write(fd, f"{delivery.reminder_id}\n".encode())

    report = await Dispatcher(store, send, lambda: now).run_once()
    print(f"sent {report.sent}", flush=True)
    await store.close()
    os.close(fd)


if __name__ == "__main__":
    go = sys.argv[5] if len(sys.argv) > 5 else None
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), go))
