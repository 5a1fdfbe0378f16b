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
from bot.native_memory import tune_malloc
if sys.argv[1] == "capped":
    assert tune_malloc()
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


def run_probe(probe: str, mode: str) -> str:
    """What ``probe`` prints in a fresh interpreter (the allocator's settings are per process)."""
    done = subprocess.run(
        [sys.executable, "-c", probe, mode], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def arenas(mode: str) -> int:
    return int(run_probe(PROBE, mode))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_threads_allocating_at_once_share_the_capped_arenas() -> None:
    assert arenas("default") > MALLOC_ARENAS  # what the cap prevents
    assert arenas("capped") <= MALLOC_ARENAS


# After a large block is freed (a model's array), blocks a little smaller are made and freed
# between small ones that stay: with glibc's moving threshold they come from the arena and
# what they held stays resident; above the fixed threshold each has pages of its own.
THRESHOLD_PROBE = """
import sys
from bot.native_memory import tune_malloc
if sys.argv[1] == "tuned":
    assert tune_malloc()
def resident_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20
big = bytearray(28 << 20)
del big
before = resident_mb()
blocks, keep = [], []
for _ in range(10):
    blocks.append(bytearray(2 << 20))
    keep.append(bytearray(64))
del blocks
print(resident_mb() - before)
"""


def kept_after_free(mode: str) -> float:
    return float(run_probe(THRESHOLD_PROBE, mode))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_blocks_over_the_fixed_mmap_threshold_go_back_when_freed() -> None:
    assert kept_after_free("default") > 15  # 20 MB of blocks stay resident after their free
    assert kept_after_free("tuned") < 5
