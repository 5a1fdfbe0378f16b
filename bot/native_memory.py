"""Handing memory that loading freed back to the system.

Loading a model (the encoder's graph, the meaning layer's head, the language identifier)
frees large scratch buffers that glibc's allocator keeps for reuse; the bot's resident size
then counts memory it no longer uses.
"""

from __future__ import annotations

import ctypes
import ctypes.util


def return_freed_memory() -> None:
    """``malloc_trim(0)``: free pages go back to the system, so the resident size is what the
    process uses. A no-op where the C library has no malloc_trim (musl, macOS)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
