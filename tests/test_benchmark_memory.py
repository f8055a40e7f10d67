"""benchmarks/scale.py's memory baseline: after clean_baseline, the next peak counts what the
next work touches, not a peak reached before it (the old figure was shifted by the world build)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import scale  # noqa: E402

MB = 2**20


def touched(megabytes: int) -> np.ndarray:
    """An array of ``megabytes`` MB whose every page is resident."""
    return np.ones(megabytes * MB // 8)


def test_a_clean_baseline_forgets_earlier_peaks_and_sees_the_next_work():
    before = touched(64)  # an earlier peak, 64 MB above what follows
    del before
    base = scale.clean_baseline()
    if base is None:
        pytest.skip("no malloc_trim or /proc/self/clear_refs here (not Linux with glibc)")
    assert scale._rss_bytes() - base < 16 * MB  # the 64 MB peak is forgotten
    work = touched(32)
    grown = scale._rss_bytes() - base
    assert 32 * MB <= grown < 48 * MB  # and the next work is counted in full
    del work


def test_a_clean_baseline_hands_back_freed_heap_memory_between_live_memory():
    # 32 MB in 64 KB arrays (under glibc's mmap threshold: from the heap), each followed by a
    # small array that stays alive, so that freeing them leaves holes the heap cannot shrink
    # past; only malloc_trim hands those pages back
    chunks, pins = [], []
    for _ in range(512):
        chunks.append(np.ones(64 * 1024 // 8))
        pins.append(np.ones(100))
    before = scale._status("VmRSS")
    del chunks
    base = scale.clean_baseline()
    if base is None or before is None:
        pytest.skip("no malloc_trim or /proc/self/clear_refs here (not Linux with glibc)")
    assert before - base > 16 * MB
    del pins
