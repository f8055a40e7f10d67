"""Compact per-order columns: NumPy arrays as ``array.array`` (8 bytes a time, 1-4 an index,
no Python object per value, list-like indexing in the model's hot paths; the logs are NumPy
views of them)."""

from __future__ import annotations

from array import array

import numpy as np


def append(column: array, values: np.ndarray) -> None:
    """Append numpy ``values`` to a compact column, converted to its type, straight from their
    buffer (no intermediate bytes object, no Python number per value)."""
    column.frombytes(np.ascontiguousarray(values, dtype=column.typecode).view(np.uint8))


def as_numpy(column: array) -> np.ndarray:
    """A numpy view of a compact column: the same buffer and type, no copy."""
    return np.frombuffer(column, dtype=column.typecode)


def typed(code: str, values: np.ndarray) -> array:
    """A numpy array as a compact ``array(code)`` (same values, list-like indexing)."""
    out = array(code)
    append(out, values)
    return out


def floats(values: np.ndarray) -> array:
    """A float64 numpy array as a compact ``array('d')``."""
    return typed("d", values)


def float_array(n: int) -> tuple[array, np.ndarray]:
    """A zero-filled ``array('d')`` of n floats and a writable numpy view of it."""
    values = array("d", [0.0]) * n
    return values, np.frombuffer(values, dtype=np.float64)


def int_code(largest: int) -> str:
    """The smallest signed ``array`` typecode ('b', 'h', 'i' or 'q') holding -1 to ``largest``:
    an index column costs 1 or 2 bytes a value where the world is small enough."""
    for code in "bhiq":
        if largest < 2 ** (8 * array(code).itemsize - 1):
            return code
    raise OverflowError(f"{largest} does not fit in 64 bits")


def ints(values: np.ndarray, largest: int) -> array:
    """Integers (none above ``largest``) as a compact array of the smallest type holding them."""
    if len(values) and int(values.max()) > largest:  # a cast would wrap it silently
        raise OverflowError(f"{int(values.max())} is above the largest expected, {largest}")
    return typed(int_code(largest), values)
