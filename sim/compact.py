"""Compact per-order columns: NumPy arrays as ``array.array`` (8 bytes a time, 1-4 an index,
no Python object per value, list-like indexing in the model's hot paths; the logs are NumPy
views of them)."""

from __future__ import annotations

from array import array

import numpy as np


def typed(code: str, values: np.ndarray, dtype) -> array:
    """A numpy array as a compact ``array(code)`` (same values, list-like indexing), copied
    straight from its buffer (no intermediate bytes object)."""
    out = array(code)
    out.frombytes(np.ascontiguousarray(values, dtype=dtype).view(np.uint8))
    return out


def floats(values: np.ndarray) -> array:
    """A float64 numpy array as a compact ``array('d')``."""
    return typed("d", values, np.float64)


def float_array(n: int) -> tuple[array, np.ndarray]:
    """A zero-filled ``array('d')`` of n floats and a writable numpy view of it."""
    values = array("d", [0.0]) * n
    return values, np.frombuffer(values, dtype=np.float64)


def ints(values: np.ndarray) -> array:
    """An integer numpy array as a compact ``array('i')``."""
    return typed("i", values, np.intc)
