"""The hub's per-socket queue: a client too slow to keep up is closed, not buffered forever."""

from __future__ import annotations

import asyncio

from crmflow.live.hub import QUEUE_SIZE, Subscriber


def test_a_full_queue_closes_the_socket_with_1013() -> None:
    async def scenario() -> Subscriber:
        sub = Subscriber(1, 2, asyncio.get_running_loop())
        for index in range(QUEUE_SIZE + 5):
            sub.offer({"type": "notification", "n": index})
        return sub

    sub = asyncio.run(scenario())
    assert sub.closing is not None and sub.closing[0] == 1013
    assert sub.queue.qsize() == 1  # only the close request is left for the sender
    assert sub.queue.get_nowait() == {"type": "_close"}
    sub.offer({"type": "notification"})  # ignored once closing
    assert sub.queue.empty()
