"""The pairing pilot run, and building a world that needs one.

The pairing strategies ``need`` and ``optimal`` (:mod:`sim.world.pairing`) choose villages by
their unmet demand in a pilot run of the scenario without pairing. Building a world never
simulates, so the pilot is an experiment of its own: :func:`pilot_unmet` runs it and
:func:`prepare_world` passes its result to :func:`sim.world.build.build_world`.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.config.errors import UserError
from sim.config.scenario import Scenario
from sim.experiments.content import content_key
from sim.model.replication import simulate
from sim.results.promises import zone_promise_orders, zone_verdicts
from sim.world.build import World, build_world
from sim.world.pairing import NEEDS_PILOT

_PILOT_CACHE: dict[str, np.ndarray] = {}
# the pilot's seed: the scenario's root seed with a spawn key of its own, two words long, so
# that no replication's (one word, its index: :func:`sim.model.rng.replication_seeds`) equals it
PILOT_SPAWN_KEY = (0xFFFFFFFF, 0x70696C74)  # ("pilt")


def pilot_seed(seed: int) -> np.random.SeedSequence:
    """The pilot run's seed sequence for the root seed ``seed``: its own random numbers, not
    replication 0's. A pilot on replication 0's numbers would fit the pairing to that
    replication's own demand whenever the run is as long as the pilot (``pairing.pilot_days``),
    and so flatter replication 0 of a ``need`` or ``optimal`` pairing."""
    return np.random.SeedSequence(np.random.SeedSequence(seed).entropy, spawn_key=PILOT_SPAWN_KEY)


def pilot_unmet(scenario: Scenario) -> np.ndarray:
    """Unmet catalogue orders per week of every place in a pilot run of the scenario with no
    pairing: ``pairing.pilot_days`` measured days, one replication seeded from the scenario's
    seed by a key of its own (:func:`pilot_seed`; deterministic; writes no files; cached by the
    pilot scenario's content key, data files' bytes included:
    :func:`sim.experiments.content.content_key`, so a long-lived process, such as a cluster
    worker, never serves the pilot of an edited data file). Unmet = placed in the window and
    missing its promise."""
    pilot = dataclasses.replace(
        scenario,
        pairing=dataclasses.replace(scenario.pairing, strategy="none"),
        run=dataclasses.replace(scenario.run, days=scenario.pairing.pilot_days, reps=1),
    )
    key = content_key(pilot)
    if key not in _PILOT_CACHE:
        world = build_world(pilot)
        log = simulate(world, pilot_seed(scenario.run.seed))
        o = log.orders
        start, end = log.window_min
        catalogue = zone_promise_orders(log)
        met, decided = zone_verdicts(log, world)
        missed = (o.t_placed >= start) & (o.t_placed < end) & catalogue & ~met & decided
        weeks = (end - start) / (7 * 1440.0)
        _PILOT_CACHE[key] = np.bincount(o.place[missed], minlength=world.n_places) / weeks
    return _PILOT_CACHE[key].copy()


def prepare_world(scenario: Scenario) -> World:
    """The world of ``scenario``, with the pilot run first when its pairing strategy needs one
    (the usual way from a scenario to a world)."""
    unmet = pilot_unmet(scenario) if scenario.pairing.strategy in NEEDS_PILOT else None
    return build_world(scenario, unmet)


def world_as_planned(scenario: Scenario, planned: str | None) -> World:
    """The world of ``scenario`` (:func:`prepare_world`), built from the bytes the run was
    planned on: ``planned`` is the scenario's :func:`sim.experiments.content.content_key` when
    the run began, and a world whose files have changed since is refused (a worker, or a
    later round of ``--precision``, reads the data files again)."""
    world = prepare_world(scenario)
    if planned is not None and content_key(scenario) != planned:
        raise UserError(
            f"{scenario.source}: a file of the scenario changed while it ran (its replications "
            "are simulated on the bytes the run began with); expected the scenario and its data "
            "files left as they were: rerun"
        )
    return world
