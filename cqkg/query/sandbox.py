"""Take a query worker off the network: a process of its own in an empty network namespace.

An isolated worker has no interface but a loopback that is down: every connection
it tries, by any library, fails at once with "network unreachable", whatever a
query asks. This is what makes SSRF through ``SERVICE`` impossible rather than
merely checked: it does not depend on reading the query the way the engine does.

Linux only: ``unshare(CLONE_NEWNET)``, as root, else inside a new user namespace
(``CLONE_NEWUSER``, allowed to unprivileged users on most distributions).
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1


def isolate_network() -> str | None:
    """Move this process into an empty network namespace; return None, or why it could not be done."""
    libc = _libc()
    if libc is None or not hasattr(libc, "unshare"):
        return "no unshare() on this system"
    reasons = []
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return None if is_isolated() else "unshare() succeeded but the network is still reachable"
        reasons.append(os.strerror(ctypes.get_errno()))
    return "unshare() refused: " + "; ".join(reasons)


def is_isolated() -> bool:
    """True if this process cannot reach even the loopback address."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.settimeout(0.5)
    try:
        probe.connect(("127.0.0.1", 9))
    except ConnectionRefusedError:
        return False  # loopback is up: something answered "refused"
    except OSError:
        return True
    else:
        return False
    finally:
        probe.close()


def die_with_parent() -> None:
    """Ask Linux to kill this process when the one that started it ends (so no query outlives its server)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "prctl"):
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # elsewhere the worker still ends when its pipe closes


def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
