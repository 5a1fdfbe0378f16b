"""Keeping the C allocator's share of the bot's resident size to what the bot uses.

Loading a model (the encoder's graph, the meaning layer's head, the language identifier)
frees large scratch buffers that glibc's allocator keeps for reuse; the bot's resident size
then counts memory it no longer uses. And glibc gives threads that allocate at the same time
arenas of their own (up to eight per core), each keeping what a burst freed in it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache
from typing import Any

#: mallopt's parameter for the most arenas (glibc's malloc.h).
M_ARENA_MAX = -8
#: Arenas for the whole process: the event loop's, and one its helper threads (the model, the
#: database, executors) share. bench/flood.py, four 10k floods, once idle: 232 MB with two,
#: 242 MB with glibc's default (sixteen on two cores); 3,209 and 3,331 messages a second.
MALLOC_ARENAS = 2


@lru_cache(maxsize=1)
def _libc() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def return_freed_memory() -> None:
    """``malloc_trim(0)``: free pages go back to the system, so the resident size is what the
    process uses. A no-op where the C library has no malloc_trim (musl, macOS)."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Caps glibc's arenas (``mallopt(M_ARENA_MAX)``); whether the C library took it. Counts
    from then on: call it before the process starts threads."""
    mallopt = getattr(_libc(), "mallopt", None)
    return mallopt is not None and bool(mallopt(M_ARENA_MAX, arenas))
