"""Dask safely: the scheduler address is validated before anything runs, and a worker's cache
of worlds is bounded and keyed by the scenario's content (data files included)."""

from __future__ import annotations

import dataclasses

import pytest

from sim.cli.main import main
from sim.config.errors import UserError
from sim.experiments import cluster
from tests.conftest import TINY, variant


@pytest.mark.parametrize(
    "address",
    [
        "foo://x",
        "tcp://",
        "tcp://host",
        "tcp://host:0",
        "tcp://host:99999",
        "tcp://ho st:1",
        "http://h:80",
        "",
    ],
)
def test_bad_scheduler_addresses_are_refused_in_one_line(capsys, address):
    with pytest.raises(SystemExit) as exc:
        main(["run", str(TINY), f"--scheduler={address}"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1
    assert "argument --scheduler:" in err and "expected tcp://HOST:PORT or tls://HOST:PORT" in err
    with pytest.raises(UserError):
        cluster.run_on_cluster(None, [0], 1, False, address)


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "tls://head.example:8786", "tcp://[::1]:8786"])
def test_good_scheduler_addresses_pass(address):
    assert cluster.check_address(address) == address


def test_the_worker_world_cache_is_bounded_and_keyed_by_content(tmp_path, monkeypatch):
    built = []
    monkeypatch.setattr("sim.experiments.pilot.prepare_world", lambda s: built.append(s.name) or s.name)
    monkeypatch.setattr("sim.experiments.replicate.run_one", lambda world, seed, index, keep, ext=None: world)
    monkeypatch.setattr(cluster, "_WORLDS", type(cluster._WORLDS)())
    base = variant(tmp_path, {})
    scenarios = [dataclasses.replace(base, name=f"s{i}") for i in range(cluster.MAX_WORLDS + 3)]
    for s in scenarios:
        assert cluster._task(s, cluster.scenario_key(s), 1, 0, False) == s.name
    assert len(cluster._WORLDS) == cluster.MAX_WORLDS
    cluster._task(scenarios[-1], cluster.scenario_key(scenarios[-1]), 1, 0, False)
    assert built.count(scenarios[-1].name) == 1  # served from the cache
    # a data file's bytes are part of the key: an edited towns CSV is a new world
    towns = tmp_path / "towns.csv"
    towns.write_text((TINY.parent / "towns.csv").read_text(encoding="utf-8"), encoding="utf-8")
    copy = dataclasses.replace(base, geography=dataclasses.replace(base.geography, towns_csv=str(towns)))
    before = cluster.scenario_key(copy)
    towns.write_text(towns.read_text(encoding="utf-8").replace(",20000,", ",20001,"), encoding="utf-8")
    assert cluster.scenario_key(copy) != before
