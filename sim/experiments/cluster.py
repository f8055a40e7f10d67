"""Replications on a Dask distributed cluster (optional extra: ``pip install -e '.[cluster]'``).

The cluster runs exactly the work a local pool would: replication ``i`` with child ``i`` of the
root seed, each worker building the world once per scenario. Results come back ordered by
replication index, so a cluster run is byte-identical to a local one. Example::

    python run.py run scenarios/pingyang.yaml --reps 40 --scheduler tcp://10.0.0.5:8786
"""

from __future__ import annotations

from sim.config.errors import UserError
from sim.config.scenario import Scenario
from sim.experiments.content import content_key

_WORLDS: dict[str, object] = {}


def scenario_key(scenario: Scenario) -> str:
    """A fingerprint of a scenario's content, data files and engine (for caching its world on
    a worker): :func:`sim.experiments.content.content_key`."""
    return content_key(scenario)


def _task(scenario: Scenario, key: str, seed: int, index: int, keep_log: bool):
    """Run one replication on a worker (the world is cached per scenario per worker)."""
    from sim.experiments.pilot import prepare_world
    from sim.experiments.replicate import run_one

    world = _WORLDS.get(key)
    if world is None:
        world = _WORLDS[key] = prepare_world(scenario)
    return run_one(world, seed, index, keep_log)


def run_on_cluster(
    scenario: Scenario, indices: list[int], seed: int, keep_logs: bool, address: str, on_done=None
) -> list:
    """Replications ``indices`` on the Dask scheduler at ``address``, in index order."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UserError(
            "--scheduler needs the cluster extra; expected it installed: pip install -e '.[cluster]'"
        ) from None
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise UserError(
            f"--scheduler {address}: cannot reach the Dask scheduler ({exc}); "
            "expected a running scheduler address like tcp://HOST:8786"
        ) from None
    try:
        key = scenario_key(scenario)
        futures = [client.submit(_task, scenario, key, seed, i, keep_logs, pure=False) for i in indices]
        results = {}
        for future in as_completed(futures):
            result = future.result()
            results[result.index] = result
            if on_done:
                on_done()
        return [results[i] for i in indices]
    finally:
        client.close()
