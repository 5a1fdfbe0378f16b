"""The C allocator's arenas are capped (bot/native_memory.py): each arena keeps what a burst
freed in it, and glibc otherwise gives up to eight per core to threads that allocate at once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.native_memory import MALLOC_ARENAS

# Threads alive at once, each allocating; then glibc's own account of its arenas.
PROBE = """
import ctypes, ctypes.util, os, sys, tempfile, threading
from bot.native_memory import limit_malloc_arenas
if sys.argv[1] == "capped":
    assert limit_malloc_arenas()
barrier = threading.Barrier(7)
def work():
    keep = [bytearray(4096) for _ in range(64)]
    barrier.wait()
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(6)]
for t in threads:
    t.start()
barrier.wait()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
path = os.path.join(tempfile.mkdtemp(), "malloc_info.xml")
stream = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, ctypes.c_void_p(stream))
libc.fclose(ctypes.c_void_p(stream))
barrier.wait()
for t in threads:
    t.join()
print(open(path).read().count("<heap nr="))
"""


def arenas(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_threads_allocating_at_once_share_the_capped_arenas() -> None:
    assert arenas("default") > MALLOC_ARENAS  # what the cap prevents
    assert arenas("capped") <= MALLOC_ARENAS
