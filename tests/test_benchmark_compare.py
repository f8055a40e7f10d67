"""benchmarks/compare.py imports a git revision's engine beside the working tree's: the copy
must be a whole package of its own (none of its modules may import the working tree's)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import compare  # noqa: E402


@pytest.mark.skipif(
    shutil.which("git") is None or not (REPO / ".git").exists(),
    reason="needs git and the repository's history",
)
def test_a_revisions_engine_is_imported_as_its_own_package(tmp_path, monkeypatch):
    compare.extract_engine("HEAD", tmp_path)
    text = (tmp_path / "sim_base" / "model" / "replication.py").read_text(encoding="utf-8")
    assert "from sim." not in text and "from sim import" not in text
    monkeypatch.syspath_prepend(str(tmp_path))
    simulate, world = compare.engine("sim_base", REPO / "tests" / "data" / "tiny.yaml", 3.0)
    assert simulate.__module__ == "sim_base.model.replication"
    assert not [
        name
        for name, module in sys.modules.items()
        if name.startswith("sim_base")
        and any(
            getattr(value, "__module__", "").startswith("sim.")
            for value in vars(module).values()
            if isinstance(value, type)
        )
    ]
    own_simulate, own_world = compare.engine("sim", REPO / "tests" / "data" / "tiny.yaml", 3.0)
    base = simulate(world, 5).orders  # (not compared with the working tree's: it may differ)
    assert len(base) > 0 and np.all(np.diff(base.t_placed) >= 0)
    # a revision of the flat layout (before the sub-packages) still loads
    flat = tmp_path / "flat"
    if subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", "210c26b^{commit}"]).returncode:
        pytest.skip("the flat layout's revision is not in this clone's history")
    compare.extract_engine("210c26b", flat, package="sim_flat")
    monkeypatch.syspath_prepend(str(flat))
    old_simulate, _ = compare.engine("sim_flat", REPO / "tests" / "data" / "tiny.yaml", 3.0)
    assert old_simulate.__module__ == "sim_flat.model"
    rates = compare.interleaved({"a": (simulate, world), "b": (own_simulate, own_world)}, 2, 1, 5)
    assert [len(v) for v in rates.values()] == [2, 2] and min(map(min, rates.values())) > 0
