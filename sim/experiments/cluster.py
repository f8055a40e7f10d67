"""Replications on a Dask distributed cluster (optional extra: ``pip install -e '.[cluster]'``).

The cluster runs exactly the work a local pool would: replication ``i`` with child ``i`` of the
root seed, each worker building the world once per scenario. Results come back ordered by
replication index, so a cluster run is byte-identical to a local one. Dask trusts its network
(anyone reaching the scheduler can run code on the workers; results are unpickled here): use a
scheduler bound to a private interface or TLS (docs/experiments.md). Example::

    python run.py run scenarios/pingyang.yaml --reps 40 --scheduler tcp://10.0.0.5:8786

An extended experiment (``extend``, ``rule``: docs/extending.md) sends them pickled with each
task; a worker unpickles them by module and name, so their module must be installed on every
worker (a function of the client's ``__main__`` is not): a worker that cannot load them says so.
The cached worlds are those of the scenario alone: an extension acts on each replication, never
on the world, so the same world serves plain and extended tasks.
"""

from __future__ import annotations

import re
from collections import OrderedDict

from sim.config.errors import UserError
from sim.config.scenario import Scenario
from sim.experiments.content import content_key, engine_digest
from sim.experiments.replicate import Extension

MAX_WORLDS = 4  # worlds kept per worker (least recently used dropped): a long-lived worker
# serving many scenarios must not grow without bound
_WORLDS: OrderedDict[str, object] = OrderedDict()
_ADDRESS = re.compile(
    r"(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?):([0-9]{1,5})"
)


def check_address(address: str) -> str:
    """``address`` when it is ``tcp://HOST:PORT`` or ``tls://HOST:PORT`` (HOST a name, an IPv4
    address or a bracketed IPv6 one; PORT 1..65535); UserError naming ``--scheduler`` otherwise."""
    match = _ADDRESS.fullmatch(address.strip()) if isinstance(address, str) else None
    if not match or not 1 <= int(match[3]) <= 65535:
        raise UserError(
            f"--scheduler {str(address)[:60]!r} is not a scheduler address; expected tcp://HOST:PORT "
            "or tls://HOST:PORT (e.g. tcp://10.0.0.5:8786; see docs/experiments.md on trust)"
        )
    return address.strip()


def scenario_key(scenario: Scenario) -> str:
    """A fingerprint of a scenario's content, data files and engine (for caching its world on
    a worker): :func:`sim.experiments.content.content_key`."""
    return content_key(scenario)


def _task(
    scenario: Scenario,
    key: str,
    seed: int,
    index: int,
    keep_log: bool,
    engine: str | None = None,
    ext: Extension | None = None,
):
    """Run one replication on a worker (the world is cached per scenario per worker). ``engine``
    is the client's :func:`sim.experiments.content.engine_digest`: a worker running other code
    would give other numbers under the same seeds, so it refuses instead. ``ext``: the
    experiment's extension, if any (:func:`sim.experiments.replicate.extension`)."""
    from sim.experiments.pilot import world_as_planned
    from sim.experiments.replicate import run_one

    if engine is not None and engine != engine_digest():
        raise UserError(
            f"--scheduler: a Dask worker runs Red Vest {engine_digest()}; expected the client's "
            f"{engine} (install the same version on every worker; docs/experiments.md)"
        )
    if ext is not None:
        try:
            ext.fresh()
        except Exception as exc:
            raise UserError(
                f"--scheduler: a Dask worker cannot load {ext.label} ({type(exc).__name__}: {exc}); "
                "expected their module installed on every worker (docs/extending.md)"
            ) from None
    world = _WORLDS.get(key)
    if world is None:  # (from this worker's files: refused unless they are the client's bytes)
        world = _WORLDS[key] = world_as_planned(scenario, key)
        while len(_WORLDS) > MAX_WORLDS:
            _WORLDS.popitem(last=False)
    _WORLDS.move_to_end(key)
    return run_one(world, seed, index, keep_log, ext)


def run_on_cluster(
    scenario: Scenario,
    indices: list[int],
    seed: int,
    keep_logs: bool,
    address: str,
    on_done=None,
    ext: Extension | None = None,
) -> list:
    """Replications ``indices`` on the Dask scheduler at ``address``, in index order (with the
    experiment's extension ``ext``, if any)."""
    address = check_address(address)
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UserError(
            "--scheduler needs the cluster extra; expected it installed: pip install -e '.[cluster]'"
        ) from None
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise UserError(
            f"--scheduler {address}: cannot reach the Dask scheduler ({exc}); "
            "expected a running scheduler address like tcp://HOST:8786"
        ) from None
    try:
        key = scenario_key(scenario)
        engine = engine_digest()
        futures = [
            client.submit(_task, scenario, key, seed, i, keep_logs, engine, ext, pure=False) for i in indices
        ]
        results = {}
        for future in as_completed(futures):
            result = future.result()
            results[result.index] = result
            if on_done:
                on_done()
        return [results[i] for i in indices]
    finally:
        client.close()
