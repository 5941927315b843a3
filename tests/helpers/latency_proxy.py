"""A TCP proxy that delays every chunk, as a far-away server (Binder) does.

Each direction forwards what it reads ``delay`` seconds later, in order, but
never waits for one chunk's delivery before reading the next (a queue of
(due time, bytes) per direction), so a 75 ms delay each way is a 150 ms round
trip without serialising the traffic the way a sleep in the kernel would.
Runs its own asyncio loop in a thread; :func:`delaying_proxy` gives its port.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator

CHUNK = 64 * 1024


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(OSError):
            writer.close()

    sender = asyncio.ensure_future(deliver())
    try:
        while True:
            data = await reader.read(CHUNK)
            queue.put_nowait((time.monotonic() + delay, data))
            if not data:
                break
    except OSError:
        queue.put_nowait((time.monotonic(), b""))
    with contextlib.suppress(OSError):
        await sender


async def _serve(upstream: int, delay: float, ready: asyncio.Future[int]) -> None:
    async def connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
        except OSError:
            writer.close()
            return
        # Swallowed: asyncio's stream callback reports a cancelled handler as an error.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(
                _pump(reader, up_writer, delay),
                _pump(up_reader, writer, delay),
                return_exceptions=True,
            )

    server = await asyncio.start_server(connect, "127.0.0.1", 0)
    ready.set_result(server.sockets[0].getsockname()[1])
    async with server:
        await server.serve_forever()


@contextlib.contextmanager
def delaying_proxy(upstream: int, *, delay: float = 0.075) -> Iterator[int]:
    """A proxy to ``127.0.0.1:upstream`` adding ``delay`` s each way; yields its port."""
    loop = asyncio.new_event_loop()
    ready: asyncio.Future[int] = loop.create_future()
    task: list[asyncio.Task[None]] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        task.append(loop.create_task(_serve(upstream, delay, ready)))
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(task[0])
        # Let the connections' tasks finish being cancelled before the loop closes.
        leftover = asyncio.all_tasks(loop)
        for pending in leftover:
            pending.cancel()
        loop.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
        loop.close()

    thread = threading.Thread(target=run, name="delaying-proxy", daemon=True)
    thread.start()
    while not ready.done():
        time.sleep(0.01)
    try:
        yield ready.result()
    finally:
        loop.call_soon_threadsafe(task[0].cancel)
        thread.join(timeout=10)
