"""Query workers: processes that each hold the store and are killed when their query runs out of time.

A worker's store is the server's in-memory store, inherited with the fork (each worker comes to hold
its own copy, as pyoxigraph writes to it while reading), or the version's on-disk store opened read-only by
the worker itself, so that every process reads the same files and the page cache holds them once
(``server.graph.versions``).

pyoxigraph has no timeout and holds the GIL while it evaluates, so a thread can neither stop a query nor
keep the server answering during one. Queries therefore run in processes::

    server ──control socket──> zygote  (forked once, right after the store is loaded; one thread)
      │                          └── fork ──> worker 1..n  (the store's pages shared copy-on-write)
      └──── one Unix socket pair per worker: a pickled Job in; an Outcome and the serialised body out

The zygote forks each worker and passes its socket back to the server (SCM_RIGHTS), so a worker is never
forked from the server process, whose threads, event loop and sockets it must not inherit. When a query
passes its deadline the server kills that worker (SIGKILL through a pidfd, so a reused pid is never hit):
the kernel frees everything it held, and a fresh worker is forked in the background while the others go on
answering. Measured round trip for ``ASK {}`` through a worker: 0.38 ms on a quiet moment of the shared
2-core machine, 1.6 ms under a load average of 7 (in process: 0.12 ms) - the cost is the two process
wake-ups, so it matters for tiny queries only; ``Engine.run`` answers DESCRIBE of IRIs in process.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import pickle
import select
import signal
import socket
import struct
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from server.errors import QueryTimeout, Unavailable, WorkerDied
from server.settings import Settings
from server.sparql import sandbox
from server.sparql.evaluation import Job, Outcome, execute

_FRAME = struct.Struct("!IQ")  # header length, body length
# How a worker gets its store, called in the worker (``Published.store_opener``): the in-memory store it
# inherited from the server, or a read-only handle of its own on the on-disk store.
StoreOpener = Callable[[], ox.Store]
# Seconds a worker whose query passed its time limit may still finish before it is killed: a query that
# overran by milliseconds keeps its worker instead of costing a fork.
RECLAIM_GRACE = 0.1


def _recv_exactly(sock: socket.socket, n: int) -> bytes | None:
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:])
        if k == 0:
            return None
        got += k
    return bytes(buf)


def _worker_main(sock: socket.socket, open_store: StoreOpener, settings: Settings) -> None:
    """Answer jobs until the server closes the socket."""
    sandbox.die_with_parent()
    if not settings.service_allowlist:
        sandbox.forbid_network()
    sandbox.limit_memory(settings.worker_memory_mb * 1024 * 1024)
    store = open_store()  # an on-disk store's own read-only handle; an in-memory one, inherited
    while True:
        head = _recv_exactly(sock, _FRAME.size)
        if head is None:
            return
        header_len, _ = _FRAME.unpack(head)
        header = _recv_exactly(sock, header_len)
        if header is None:
            return
        try:
            # Unpickling is safe here: the job comes from the server that forked us, over a socket pair.
            outcome, body = execute(store, pickle.loads(header))  # noqa: S301
        except MemoryError:
            raise  # the worker ends; the server reports it (Unavailable) and forks another
        except Exception:  # a bug of ours: the server raises it to its error handler, which logs it
            outcome, body = Outcome(None, error="internal", message=traceback.format_exc()), b""
        reply = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        sock.sendmsg([_FRAME.pack(len(reply), len(body)), reply, body])


def _zygote_main(control: socket.socket, open_store: StoreOpener, settings: Settings) -> None:
    """Fork a worker for every byte received on ``control``; send back its pid and socket."""
    sandbox.die_with_parent()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps killed workers
    while control.recv(1):
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            control.close()
            ours.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            sandbox.run_forked(functools.partial(_worker_main, theirs, open_store, settings))
        theirs.close()
        socket.send_fds(control, [struct.pack("!i", pid)], [ours.fileno()])
        ours.close()


def _spawn_fresh_zygote(
    ours: socket.socket, theirs: socket.socket, open_store: StoreOpener, settings: Settings
) -> int:
    """Start a zygote in a new interpreter (``server.sparql.zygote``) instead of a fork of this process.

    For on-disk stores: RocksDB keeps process-wide state (its default environment and its background
    threads), and a process forked from one that used RocksDB inherits the state without the threads;
    measured here, a store opened for writing in such a child waited forever for a flush no thread would
    run. The fresh zygote never opens a store; each worker it forks opens its own, the first in its line.
    """
    theirs.set_inheritable(True)
    root = str(Path(__file__).resolve().parent.parent.parent)  # where the `server` package is
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))}
    argv = [sys.executable, "-m", "server.sparql.zygote", str(theirs.fileno())]
    pid = os.posix_spawn(sys.executable, argv, env)
    setup = pickle.dumps((open_store, settings), protocol=pickle.HIGHEST_PROTOCOL)
    ours.sendall(_FRAME.pack(0, len(setup)) + setup)
    return pid


class Zygote:
    """The server's handle on a zygote: its pid, control socket and pidfd.

    Its workers die with it (``sandbox.die_with_parent``), a moment after it: a worker is counted alive
    only while its zygote is too, so no query is sent to a worker that is about to end. The pidfd stays
    open for the pool's life (a worker may still look at it); zygotes end rarely.
    """

    def __init__(self, pid: int, control: socket.socket) -> None:
        self.pid = pid
        self.control = control
        self.pidfd = os.pidfd_open(pid)


class Worker:
    """The server's handle on one worker process."""

    def __init__(self, pid: int, sock: socket.socket, zygote: Zygote) -> None:
        self.pid = pid
        self.sock = sock
        self.zygote = zygote
        self.pidfd = os.pidfd_open(pid)  # taken while the worker surely lives
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def call(self, job: Job) -> tuple[Outcome, bytes]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_unix_connection(sock=self.sock)
        header = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.write(_FRAME.pack(len(header), 0) + header)
        header_len, body_len = _FRAME.unpack(await self.reader.readexactly(_FRAME.size))
        # Unpickling is safe here: the bytes come from our own forked worker over a private socket pair.
        outcome: Outcome = pickle.loads(await self.reader.readexactly(header_len))  # noqa: S301
        body = await self.reader.readexactly(body_len) if body_len else b""
        return outcome, body

    def alive(self) -> bool:
        """False once the process or its zygote has ended (a pidfd turns readable); one syscall."""
        ready, _, _ = select.select([self.pidfd, self.zygote.pidfd], [], [], 0)
        return not ready

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        os.close(self.pidfd)
        if self.writer is not None:
            with contextlib.suppress(RuntimeError):  # its event loop has already closed
                self.writer.close()
        self.sock.close()


class WorkerPool:
    """``settings.query_workers`` workers; a request waits for a free one within its own time limit."""

    def __init__(self, open_store: StoreOpener, settings: Settings, fresh_zygote: bool = False) -> None:
        self.open_store = open_store
        self.settings = settings
        self.fresh_zygote = fresh_zygote
        self.idle: list[Worker] = []
        self.waiters: deque[asyncio.Future[Worker]] = deque()
        self.busy = 0
        self.timeouts = 0
        self.restarts = 0
        self.replacing = 0  # killed workers whose replacements are being forked
        self.reclaimed = 0  # workers kept after their query overran, as it finished within RECLAIM_GRACE
        self._spawn_lock = threading.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._zygote: Zygote | None = None
        self._zygotes: list[Zygote] = []  # every one started, their pidfds closed with the pool
        self._watched: Zygote | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    @property
    def size(self) -> int:
        return self.settings.query_workers

    @property
    def _zygote_pid(self) -> int:
        return self._zygote.pid if self._zygote is not None else 0

    def ready(self) -> int:
        """Workers alive now, idle or busy (an idle one that died is counted out at once)."""
        return sum(1 for worker in self.idle if worker.alive()) + self.busy

    def start(self) -> None:
        self._start_zygote()
        self.idle = [self._spawn() for _ in range(self.settings.query_workers)]

    def _start_zygote(self) -> None:
        ours, theirs = socket.socketpair()
        if self.fresh_zygote:
            pid = _spawn_fresh_zygote(ours, theirs, self.open_store, self.settings)
        else:
            pid = os.fork()
            if pid == 0:
                sandbox.drop_inherited(theirs.fileno())  # ours too, and whatever the server held
                sandbox.run_forked(functools.partial(_zygote_main, theirs, self.open_store, self.settings))
        theirs.close()
        self._zygote = Zygote(pid, ours)
        self._zygotes.append(self._zygote)

    def _spawn(self) -> Worker:
        """Ask the zygote for one more worker (blocking; a few milliseconds)."""
        with self._spawn_lock:
            if self._closed:
                raise Unavailable("The query workers have been shut down.")
            try:
                return self._ask_zygote()
            except (OSError, Unavailable):
                # The zygote is gone (the kernel's out-of-memory killer, say): fork another and ask again.
                self._stop_zygote()
                self._start_zygote()
                return self._ask_zygote()

    def _ask_zygote(self) -> Worker:
        zygote = self._zygote
        if zygote is None:
            raise Unavailable("The query workers have been shut down.")
        zygote.control.sendall(b"w")
        msg, fds, _, _ = socket.recv_fds(zygote.control, 4, 1)
        if len(msg) != 4 or not fds:
            raise Unavailable("Could not start a query worker; the server needs a restart.")
        return Worker(struct.unpack("!i", msg)[0], socket.socket(fileno=fds[0]), zygote)

    def _stop_zygote(self) -> None:
        zygote, self._zygote = self._zygote, None
        if zygote is None:
            return
        zygote.control.close()
        try:
            signal.pidfd_send_signal(zygote.pidfd, signal.SIGKILL)
            os.waitpid(zygote.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass

    def _watch_zygote(self) -> None:
        """On the event loop: when the zygote ends, replace its idle workers at once (they end with it)
        instead of when a query next picks one."""
        zygote = self._zygote
        if zygote is None or zygote is self._watched or self._closed:
            return
        self._loop = asyncio.get_running_loop()
        if self._watched is not None:
            self._loop.remove_reader(self._watched.pidfd)
        self._loop.add_reader(zygote.pidfd, self._zygote_ended, zygote)
        self._watched = zygote

    def _zygote_ended(self, zygote: Zygote) -> None:
        if self._loop is not None and self._watched is zygote:
            self._loop.remove_reader(zygote.pidfd)
            self._watched = None
        for worker in [w for w in self.idle if w.zygote is zygote]:
            self.idle.remove(worker)
            self._replace(worker)

    async def run(self, job: Job, timeout: float, limit: float | None = None) -> tuple[Outcome, bytes]:
        """Run ``job`` in a worker within ``timeout`` seconds (``limit``: the query's whole time limit,
        for the message).

        Past the deadline the client is answered at once, but the worker is given RECLAIM_GRACE seconds
        more to finish before it is killed: a query that overran by a little keeps its worker (a 10 ms
        limit cost a worker fork per request). A query whose client has gone (the awaiting task is
        cancelled) kills its worker at once. No worker is used at all once the time is already up.
        """
        limit = timeout if limit is None else limit
        self._watch_zygote()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        worker = await self._acquire(deadline, limit)
        remaining = deadline - loop.time()
        if remaining <= 0:
            self._release(worker)
            self.timeouts += 1
            raise self._timeout(limit)
        self.busy += 1
        call = asyncio.ensure_future(worker.call(job))
        try:
            result = await asyncio.wait_for(asyncio.shield(call), remaining)
        except TimeoutError:
            self.timeouts += 1
            self._reclaim_later(worker, call)
            raise self._timeout(limit) from None
        except BaseException as e:  # client gone, worker died: the worker's state is unknown
            self.busy -= 1
            call.cancel()
            self._replace(worker)
            if isinstance(e, (ConnectionError, asyncio.IncompleteReadError)):
                raise WorkerDied(
                    "The query worker ended while running this query: it crashed or ran out of memory (a "
                    "worker may use worker_memory_mb MB), so the query was not answered. A fresh worker is "
                    "taking its place; try a smaller or simpler query."
                ) from None
            raise
        self.busy -= 1
        self._release(worker)
        return result

    @staticmethod
    def _timeout(limit: float) -> QueryTimeout:
        return QueryTimeout(
            f"The query ran longer than its time limit of {limit:g} s and was stopped. Simplify it, add a "
            "LIMIT, or ask the operator about the server's timeout setting."
        )

    def _reclaim_later(self, worker: Worker, call: asyncio.Future[tuple[Outcome, bytes]]) -> None:
        async def reclaim() -> None:
            try:
                await asyncio.wait_for(call, RECLAIM_GRACE)
            except BaseException:  # still running (or it died): stop it
                self.busy -= 1
                self._replace(worker)
                return
            self.busy -= 1
            self.reclaimed += 1
            self._release(worker)

        task = asyncio.get_running_loop().create_task(reclaim())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _acquire(self, deadline: float, timeout: float) -> Worker:
        while True:
            worker = self.idle.pop() if self.idle else await self._wait(deadline, timeout)
            if worker.alive():
                return worker
            # It died while idle or as it was handed over from a finished query (the zygote ended, or the
            # OOM killer chose it): replaced, and the next one is taken or waited for.
            self._replace(worker)

    async def _wait(self, deadline: float, timeout: float) -> Worker:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Worker] = loop.create_future()
        self.waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter, max(deadline - loop.time(), 0))
        except BaseException as e:  # a worker handed over at the last moment goes back first
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())
            else:
                waiter.cancel()
            if not isinstance(e, TimeoutError):
                raise
            self.timeouts += 1
            raise QueryTimeout(
                f"No query worker became free within the time limit of {timeout:g} s; the server is busy, "
                "try again shortly."
            ) from None

    def _release(self, worker: Worker) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self.idle.append(worker)

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        self.restarts += 1
        self.replacing += 1
        task = asyncio.get_running_loop().create_task(self._respawn())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _respawn(self) -> None:
        try:
            if self._closed:
                return
            worker = await asyncio.to_thread(self._spawn)
        except (OSError, Unavailable) as e:
            print(f"could not replace a query worker: {e}", file=sys.stderr, flush=True)
            return
        finally:
            self.replacing -= 1
        if self._closed:
            worker.kill()
        else:
            self._watch_zygote()  # the worker may come from a zygote started for it
            self._release(worker)

    def close(self) -> None:
        self._closed = True
        for worker in self.idle:
            worker.kill()
        self.idle.clear()
        if self._watched is not None and self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._watched.pidfd)
        self._watched = None
        with self._spawn_lock:
            self._stop_zygote()
            for zygote in self._zygotes:
                os.close(zygote.pidfd)
            self._zygotes.clear()
