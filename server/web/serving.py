"""Running the HTTP server: one uvicorn process, or several sharing one listening socket.

One Python process answers HTTP on one core: uvicorn's request handling is Python, and pyoxigraph holds
the GIL while it works, whereas ``oxigraph serve`` answers on every core with Rust threads. To use the
other cores, :func:`serve` forks ``settings.server_processes`` server processes *after* the dataset is
loaded, so they share the store's memory copy-on-write (as the query workers do), and they all accept on
one socket that the supervisor bound first (a port in use is one clear error, and no second server can
join the port unnoticed, as it could with SO_REUSEPORT). The supervisor then only watches:

- a server process that ends (a crash, the kernel's out-of-memory killer) is replaced; more than
  ``MAX_RESTARTS`` ends within ``RESTART_WINDOW`` seconds stop the server with exit 1 instead of looping.
  uvicorn's configuration is loaded once, before the first fork, so that a replacement does not import
  its protocol, lifespan and event-loop modules again: that took 0.39 s of the 0.7 s from a SIGKILL to a
  replacement answering (tests/test_faults.py);
- SIGTERM or SIGINT stops them all: the supervisor closes its copy of the listening socket, each process
  gets SIGTERM, stops accepting and finishes the requests it holds, answering each with ``Connection:
  close`` (``server.web.http_protocol``); after ``GRACE`` seconds the rest are killed;
- SIGHUP is passed on to every server process, which then looks for a newly published version at once
  (each also watches ``build/current`` itself: ``server.web.live``).

Every process speaks HTTP through ``server.web.http_protocol.BoundedHttp``: bounded request heads,
head and body timeouts, and a cap on open connections (the open-files limit is raised to fit it first).

Each server process keeps its own result cache and query workers (``settings.query_workers`` each);
``/metrics`` sums the numbers of all of them (``server.web.metrics.Board``). Memory: the store is shared, but
each query worker comes to hold its own copy (see ``Settings.query_workers``): at 100,000 projects the
store took 1.2 GB, and two server processes with two workers each 5.1 GB in all (the sum of their PSS).

Measured (``wrk -t2 -c8``, DESCRIBE of one project with a changing comment so nothing is cached,
10,000 synthetic projects, the shared 2-core machine): 1 process 5,400-5,800 requests/s, 2 processes
8,800-9,200; the benchmark in ``bench/benchmark.py`` runs the default, one process per CPU.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import os
import signal
import socket
import sys
import time
from typing import TYPE_CHECKING, Any

from server.graph.versions import Published
from server.settings import Settings
from server.sparql import sandbox
from server.web.http_protocol import fit_open_files, protocol_class
from server.web.metrics import Board, Metrics

if TYPE_CHECKING:
    from fastapi import FastAPI

GRACE = 10.0  # seconds a stopping server process may take to finish its requests
MAX_RESTARTS, RESTART_WINDOW = 5, 60.0
BACKLOG = 2048  # uvicorn's own default
_WATCHED = {signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP}


def serve(settings: Settings, published: Published | None) -> int:
    """Serve until stopped; the exit code for the command line. ``published`` is opened here, before the
    fork, for the server processes to share (an in-memory store); None lets each open its own."""
    import uvicorn

    from server.web.app import create_app

    app = create_app(settings, published)  # a bad saved query stops the server here, before any fork
    settings = settings.replace(max_connections=fit_open_files(settings.max_connections))
    processes = settings.server_processes
    if processes == 1:
        uvicorn.Server(uvicorn_config(app, settings, host=settings.host, port=settings.port)).run()
        return 0
    try:
        listener = bind(settings.host, settings.port)
    except OSError as e:
        print(f"error: cannot listen on {settings.host}:{settings.port}: {e.strerror or e}", file=sys.stderr)
        return 1
    return Supervisor(listener, app, processes, settings).run()


def uvicorn_config(app: FastAPI, settings: Settings, **options: Any) -> Any:
    """uvicorn's configuration: our bounded protocol, and a graceful stop that ends within GRACE."""
    import uvicorn

    return uvicorn.Config(
        app,
        http=protocol_class(settings),
        timeout_graceful_shutdown=int(GRACE),
        log_level="warning",
        ws="none",  # no route speaks WebSocket; "auto" imported a WebSocket library in every process
        **options,
    )


def bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(BACKLOG)
    return sock


class Supervisor:
    """Forks the server processes, replaces one that ends, and stops them all on SIGTERM or SIGINT."""

    def __init__(self, listener: socket.socket, app: FastAPI, processes: int, settings: Settings) -> None:
        self.listener = listener
        self.app = app
        self.settings = settings
        self.config = uvicorn_config(app, settings)
        self.config.load()  # imports what every server process needs, once, before they fork
        self.config.get_loop_factory()
        self.board = Board(processes)
        self.processes = processes
        self.children: dict[int, int] = {}  # pid -> slot on the metrics board
        self.ends: collections.deque[float] = collections.deque(maxlen=MAX_RESTARTS + 1)

    def run(self) -> int:
        # Signals wait in a queue for sigtimedwait below instead of interrupting whatever runs.
        signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so a blocked SIGCHLD stays pending
        signal.pthread_sigmask(signal.SIG_BLOCK, _WATCHED)
        for slot in range(self.processes):
            self._start(slot)
        print(
            f"{self.processes} server processes (pids {', '.join(map(str, self.children))})",
            file=sys.stderr,
            flush=True,
        )
        while True:
            info = signal.sigtimedwait(_WATCHED, 5.0)
            if info is not None and info.si_signo in (signal.SIGTERM, signal.SIGINT):
                self._stop_all()
                return 0
            if info is not None and info.si_signo == signal.SIGHUP:  # look for a new version now
                for pid in self.children:
                    _signal(pid, signal.SIGHUP)
                continue
            if not self._reap_and_replace():
                self._stop_all()
                return 1

    def _start(self, slot: int) -> None:
        pid = os.fork()
        if pid == 0:
            sandbox.run_forked(functools.partial(self._server_process, slot))
        self.children[pid] = slot

    def _server_process(self, slot: int) -> None:
        import uvicorn

        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # until the app's lifespan handles it (server.web.live)
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        sandbox.die_with_parent()
        self.app.state.metrics = Metrics(self.board, slot)
        uvicorn.Server(self.config).run(sockets=[self.listener])

    def _reap_and_replace(self) -> bool:
        """Replace every server process that has ended; False once they end too often to go on."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return True
            if pid == 0:
                return True
            slot = self.children.pop(pid, None)
            if slot is None:
                continue
            now = time.monotonic()
            self.ends.append(now)
            if len(self.ends) > MAX_RESTARTS and now - self.ends[0] < RESTART_WINDOW:
                print(
                    f"error: server process {pid} ended ({_describe_status(status)}), the {len(self.ends)}th "
                    f"end within {RESTART_WINDOW:g} s; stopping (see the messages above)",
                    file=sys.stderr,
                    flush=True,
                )
                return False
            print(
                f"server process {pid} ended ({_describe_status(status)}); starting another",
                file=sys.stderr,
                flush=True,
            )
            self._start(slot)

    def _stop_all(self) -> None:
        self.listener.close()  # with the children's copies closed too, the port stops accepting
        for pid in self.children:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        while self.children and time.monotonic() < deadline:
            signal.sigtimedwait({signal.SIGCHLD}, max(deadline - time.monotonic(), 0.01))
            while self.children:
                try:
                    pid, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    self.children.clear()
                    break
                if pid == 0:
                    break
                self.children.pop(pid, None)
        for pid in self.children:
            _signal(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        self.children.clear()


def _signal(pid: int, signo: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signo)


def _describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
