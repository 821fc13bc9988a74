"""``python -m server.sparql.zygote FD``: a query-worker zygote in a fresh interpreter (on-disk stores).

The server starts it with one end of a socket pair as file descriptor ``FD`` and first sends, framed as
the workers' replies are, the pickled ``(open_store, settings)``; from then on it is the same zygote as a
forked one (``server.sparql.workers``). Why a fresh interpreter: ``workers._spawn_fresh_zygote``.
"""

from __future__ import annotations

import pickle
import socket
import sys

from server.sparql.workers import _FRAME, _recv_exactly, _zygote_main


def main(fd: int) -> None:
    control = socket.socket(fileno=fd)
    head = _recv_exactly(control, _FRAME.size)
    if head is None:
        return
    _, length = _FRAME.unpack(head)
    setup = _recv_exactly(control, length)
    if setup is None:
        return
    # Unpickling is safe here: the bytes come from the server process that started us, over our socket pair.
    open_store, settings = pickle.loads(setup)  # noqa: S301
    _zygote_main(control, open_store, settings)


if __name__ == "__main__":
    main(int(sys.argv[1]))
