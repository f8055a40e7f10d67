"""What a scenario's results depend on, as one key: for caches that must never serve stale results.

The key covers the fully resolved scenario (every default filled, ``extends`` and overrides
applied), the bytes of every data file it names, and the engine (its version, a digest of its
source, and the versions of Python and of the libraries that shape the numbers). A changed base
scenario, data file, engine or library therefore changes the key; where the scenario file lies
does not.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import sim
from sim.config.scenario import Scenario

# the libraries whose versions shape a run's numbers (NumPy's generators may change their
# distributions between releases; SimPy orders the events; SciPy computes the intervals)
RESULT_LIBRARIES = ("numpy", "simpy", "scipy")


@functools.cache
def engine_digest() -> str:
    """The engine's version and a digest of its source (every ``sim/**/*.py``), of Python's
    version and of :data:`RESULT_LIBRARIES`' versions: a run under other libraries may give
    other numbers for the same seed."""
    root = Path(sim.__file__).parent
    digest = hashlib.sha256(sim.__version__.encode())
    digest.update(platform.python_version().encode())
    for name in RESULT_LIBRARIES:
        digest.update(f"{name}={metadata.version(name)}".encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{sim.__version__}+{digest.hexdigest()[:16]}"


def _file_digests(value: Any, out: dict[str, str]) -> None:
    """SHA-256 of every data file named (by an absolute path) anywhere in ``value``."""
    if isinstance(value, dict):
        for v in value.values():
            _file_digests(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _file_digests(v, out)
    elif isinstance(value, str) and os.path.isabs(value) and os.path.isfile(value):
        out[value] = hashlib.sha256(Path(value).read_bytes()).hexdigest()


def content_key(scenario: Scenario) -> str:
    """SHA-256 of everything that determines a scenario's results (see the module docstring)."""
    data = dataclasses.asdict(scenario)
    for where in ("source", "base_dir"):  # where the file lies does not change results
        data.pop(where, None)
    files: dict[str, str] = {}
    _file_digests(data, files)
    text = json.dumps(
        {"scenario": data, "files": files, "engine": engine_digest()}, sort_keys=True, default=repr
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
