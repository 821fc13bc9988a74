"""Walls around a forked process (query workers, server processes), set up right after the fork (Linux only).

- ``die_with_parent``: the kernel kills the worker when the process that forked it ends, so a crashed
  server leaves no query running.
- ``forbid_network``: a seccomp filter makes ``socket()`` fail for every family but AF_UNIX (the worker
  talks to the server over a Unix socket pair). With it, no SERVICE clause can reach any host even if the
  guard in ``server.sparql.federation`` were fooled. Used only when the SERVICE allow-list is empty.
- ``limit_memory``: caps the address space, so a query that builds a huge intermediate result fails in
  its own worker (which is replaced) instead of pushing the machine out of memory.
- ``drop_inherited``: a process forked from a running server inherits every descriptor it holds (its
  clients' connections, the listening socket); this points all but the ones named at ``/dev/null``.

Each returns False where the platform does not allow it; the caller goes on without that wall.
``run_forked`` runs a forked child's main function and ends the child, never falling back into the parent's
code.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import faulthandler
import os
import platform
import resource
import signal
import struct
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
EACCES = 13
AF_UNIX = 1
# (audit arch, number of the socket syscall) per machine.
_SOCKET_SYSCALL = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def die_with_parent() -> bool:
    parent = os.getppid()
    if _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:  # the parent ended before the request took effect
        os._exit(1)
    return True


def forbid_network() -> bool:
    arch = _SOCKET_SYSCALL.get(platform.machine())
    if arch is None:
        return False
    audit_arch, nr_socket = arch

    def op(code: int, jt: int, jf: int, k: int) -> bytes:
        return struct.pack("HBBI", code, jt, jf, k)

    ld_w_abs, jeq_k, ret_k = 0x20, 0x15, 0x06
    program = b"".join(
        [
            op(ld_w_abs, 0, 0, 4),  # A = seccomp_data.arch
            op(jeq_k, 1, 0, audit_arch),
            op(ret_k, 0, 0, SECCOMP_RET_ALLOW),  # an unexpected ABI: leave it alone
            op(ld_w_abs, 0, 0, 0),  # A = seccomp_data.nr
            op(jeq_k, 0, 3, nr_socket),
            op(ld_w_abs, 0, 0, 16),  # A = low half of args[0], the address family
            op(jeq_k, 1, 0, AF_UNIX),
            op(ret_k, 0, 0, SECCOMP_RET_ERRNO | EACCES),
            op(ret_k, 0, 0, SECCOMP_RET_ALLOW),
        ]
    )
    filters = ctypes.create_string_buffer(program, len(program))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = SockFprog(len(program) // 8, ctypes.cast(filters, ctypes.c_void_p))
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return bool(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0)


def limit_memory(extra_bytes: int) -> bool:
    """Let the address space grow by at most ``extra_bytes`` beyond what the worker maps now."""
    try:
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = mapped + extra_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        return True
    except (OSError, ValueError):
        return False


def drop_inherited(*keep: int) -> None:
    """Point every descriptor above stderr but ``keep`` at ``/dev/null``.

    A zygote forked again after one died comes from the running server process and inherited its clients'
    connections: while it (and every worker it forked) held them, a connection the server closed stayed
    open and its client waited for an end that never came (tests/test_faults.py). The descriptors are
    replaced rather than closed: Python objects inherited with the fork may still close "their" number
    later, which must not hit a socket this process opened since under the same number.
    """
    null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
    for fd in sorted(int(name) for name in os.listdir("/proc/self/fd")):
        if fd <= 2 or fd == null or fd in keep:
            continue
        try:
            os.fstat(fd)  # the listing's own descriptor is gone by now
        except OSError:
            continue
        os.dup2(null, fd, inheritable=False)
    os.close(null)


def run_forked(main: Callable[[], None]) -> None:
    """Run a forked child's main function, then leave without running the parent's exit handlers."""
    # A worker that hits its memory limit aborts, by design; a fault handler inherited from the parent
    # (pytest enables one) would print a traceback of the parent's stack for it.
    faulthandler.disable()
    code = 0
    try:
        main()
    except BaseException as e:  # noqa: BLE001 - a forked child must never fall back into the parent's code
        print(f"process {os.getpid()} stopped: {e!r}", file=sys.stderr, flush=True)
        code = 1
    os._exit(code)
