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

#: mallopt's parameters (glibc's malloc.h): the most arenas; the size from which a block gets
#: pages of its own (mmap), handed back to the system when freed.
M_ARENA_MAX = -8
M_MMAP_THRESHOLD = -3
#: Arenas for the whole process: the event loop's, and one its helper threads (the model, the
#: database, executors) share. bench/flood.py, four 10k floods, once idle: 232 MB with two,
#: 242 MB with glibc's default (sixteen on two cores); 3,209 and 3,331 messages a second.
MALLOC_ARENAS = 2
#: glibc raises its mmap threshold to the size of each large block freed (up to 32 MB), so
#: after a model load frees a 28 MB array, blocks up to that size come from the arenas instead,
#: where what is freed between blocks still in use stays resident. Fixed at 1 MiB: loading the
#: language identifier after the retrained model cost 35 MB instead of 20, and
#: bench/flood.py's bot started at 225 MB instead of 209 (four 10k floods: 271 MB at the
#: highest instead of 247).
MMAP_THRESHOLD = 1 << 20


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


def tune_malloc(arenas: int = MALLOC_ARENAS) -> bool:
    """Caps glibc's arenas (``mallopt(M_ARENA_MAX)``) and fixes its mmap threshold (see
    ``MMAP_THRESHOLD``); whether the C library took both. Counts from then on: call it before
    the process starts threads and loads its models."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    capped = bool(mallopt(M_ARENA_MAX, arenas))
    fixed = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    return capped and fixed
