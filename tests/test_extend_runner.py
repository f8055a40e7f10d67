"""Extensions through the experiment runner: run_replications(..., extend=, rule=).

The extensions are module-level, as worker processes need them (they reach the workers
pickled, by module and name)."""

from __future__ import annotations

import functools
import json

import pytest

from sim.config.load import load_scenario
from sim.config.teams import TEAM_LEVELS
from sim.experiments import cluster, pilot, runner
from sim.experiments.runner import run_replications
from sim.model.dispatch_rules import NearestFirst
from sim.world.build import build_world
from tests.conftest import TINY, local_dask_cluster
from tests.test_pairing_strategies import scenario_with

SCENARIO = load_scenario(TINY)
NAMES = build_world(SCENARIO).teams.name
A1 = NAMES.index("village:A1")
CENTER = NAMES.index("county:center")


def team_away(rep, team):
    """All of ``team``'s volunteers are away for the whole run."""
    rep.take_volunteers(team, 100)


def away_from_first_order(rep, team):
    """A ``placed`` hook: from the first order placed at ``team``'s home on, its volunteers are
    away (the hook reads the replication's order table and acts on the replication)."""
    home = rep.world.teams.home[team]

    def placed(order):
        if not getattr(rep, "team_gone", False) and rep.orders.place[order] == home:
            rep.team_gone = rep.env.now
            rep.take_volunteers(team, 100)

    rep.hooks.placed.append(placed)


SEEN: list[tuple] = []  # what record_hooks saw (in this process: jobs=1)


def record_hooks(rep):
    """Record, per replication, each order a ``placed`` hook sees and the time it sees it."""
    seen = []
    SEEN.append((rep, seen))
    rep.hooks.placed.append(lambda order: seen.append((order, rep.env.now)))


class CountyCenterFirst(NearestFirst):
    """At the county tier, the county center's volunteers before anyone nearer."""

    def team_key(self, d, team, place):
        is_center = d.world.teams.level[team] == TEAM_LEVELS.index("county")
        return (0 if is_center else 1, d.nominal(d.home[team], place), team)


def kpis(results):
    return [json.dumps(r.kpis) for r in results]


def served_by(results, team):
    return [int((r.log.orders.team == team).sum()) for r in results]


def test_extend_runs_on_every_replication_and_takes_effect():
    plain = run_replications(SCENARIO, 3, 7, progress=False)
    away = run_replications(SCENARIO, 3, 7, progress=False, extend=functools.partial(team_away, team=A1))
    assert min(served_by(plain, A1)) > 0
    assert served_by(away, A1) == [0, 0, 0]
    # A1's orders go up a tier instead: more escalations in every replication
    assert all(a.kpis["escalation_rate"] > p.kpis["escalation_rate"] for p, a in zip(plain, away))


def test_a_rule_dispatches_every_replication():
    plain = run_replications(SCENARIO, 3, 7, progress=False)
    center = run_replications(SCENARIO, 3, 7, progress=False, rule=CountyCenterFirst())
    # at the county tier Alpha's station and the county center share a seat: nearest first
    # takes the station (the lower team id) unless it is busy, the rule the center
    alpha = NAMES.index("town:Alpha")
    assert all(c > p for p, c in zip(served_by(plain, CENTER), served_by(center, CENTER)))
    assert all(c < p for p, c in zip(served_by(plain, alpha), served_by(center, alpha)))


def test_hooks_from_extend_see_their_own_replication():
    SEEN.clear()
    results = run_replications(SCENARIO, 2, 7, progress=False, extend=record_hooks)
    assert len(SEEN) == 2 and SEEN[0][0] is not SEEN[1][0]
    for (_, seen), result in zip(SEEN, results):
        placed = result.log.orders.t_placed
        assert [order for order, _ in seen] == sorted(range(len(placed)), key=lambda o: (placed[o], o))
        assert all(now == placed[order] for order, now in seen)


def test_jobs_do_not_change_an_extended_run():
    extend = functools.partial(away_from_first_order, team=A1)
    one = run_replications(SCENARIO, 4, 3, jobs=1, progress=False, extend=extend, rule=CountyCenterFirst())
    two = run_replications(SCENARIO, 4, 3, jobs=2, progress=False, extend=extend, rule=CountyCenterFirst())
    assert kpis(one) == kpis(two)
    plain = run_replications(SCENARIO, 4, 3, jobs=2, progress=False)
    assert kpis(two) != kpis(plain)
    # the hook acted in the workers: A1 served little once its first order was placed
    assert sum(served_by(two, A1)) < sum(served_by(plain, A1))


class Counting(NearestFirst):
    """A rule with state: counts the teams it ranked (each replication must start at zero)."""

    def __init__(self):
        self.ranked = 0

    def team_key(self, d, team, place):
        self.ranked += 1
        return (self.ranked % 3, team)


def test_each_replication_gets_its_own_copy_of_the_rule():
    # replication 1 alone is replication 1 of a run of two, though the rule keeps state
    both = run_replications(SCENARIO, 2, 5, progress=False, rule=Counting())
    alone = run_replications(SCENARIO, 1, 5, first=1, progress=False, rule=Counting())
    assert kpis(both)[1:] == kpis(alone)


def closure_extension():
    def extend(rep):
        team_away(rep, A1)

    return extend


@pytest.mark.parametrize(
    ("extend", "rule", "reason"),
    [
        (
            lambda rep: team_away(rep, A1),
            None,
            r"extend=tests\.test_extend_runner\.<lambda> .*\(it is a lambda\)",
        ),
        (closure_extension(), None, r"\(closure_extension\.<locals>\.extend is defined inside a function\)"),
        (functools.partial(lambda rep, team: None, team=A1), None, r"extend=functools\.partial\("),
        (None, type("Local", (NearestFirst,), {})(), r"rule=tests\.test_extend_runner\.Local"),
    ],
)
def test_an_extension_that_cannot_reach_workers_is_refused_before_anything_runs(
    extend, rule, reason, monkeypatch, no_simulation
):
    def no_world(scenario):
        raise AssertionError("a world was built before the extension was refused")

    monkeypatch.setattr(pilot, "prepare_world", no_world)  # (runner builds through world_as_planned)
    for jobs in (1, 2):  # refused whatever the number of workers
        with pytest.raises(TypeError, match=reason) as info:
            run_replications(SCENARIO, 2, 1, jobs=jobs, progress=False, extend=extend, rule=rule)
        message = str(info.value)
        assert "\n" not in message and "a lambda or a function defined inside another is refused" in message


def test_run_to_precision_passes_the_extension_on():
    results = runner.run_to_precision(
        SCENARIO,
        7,
        10.0,
        3,
        names=["urban_10min"],
        progress=False,
        extend=functools.partial(team_away, team=A1),
    )
    assert served_by(results, A1) == [0, 0, 0]


def test_plain_and_extended_runs_never_share_results(tmp_path, monkeypatch):
    # one process, one world, plain -> extended -> plain: nothing carries over either way
    world = build_world(SCENARIO)
    away = functools.partial(team_away, team=A1)
    first = run_replications(SCENARIO, 2, 7, progress=False, world=world)
    extended = run_replications(SCENARIO, 2, 7, progress=False, world=world, extend=away)
    again = run_replications(SCENARIO, 2, 7, progress=False, world=world)
    assert kpis(first) == kpis(again) != kpis(extended)
    # a cluster worker's world cache (keyed by the scenario's content) serves both: the
    # extension travels with each task, never with the cached world
    monkeypatch.setattr(cluster, "_WORLDS", type(cluster._WORLDS)())
    key = cluster.scenario_key(SCENARIO)
    ext = runner.extension(away, None)
    on_worker = [
        cluster._task(SCENARIO, key, 7, 0, False),
        cluster._task(SCENARIO, key, 7, 0, False, None, ext),
        cluster._task(SCENARIO, key, 7, 0, False),
    ]
    assert len(cluster._WORLDS) == 1
    assert kpis(on_worker) == [kpis(first)[0], kpis(extended)[0], kpis(first)[0]]
    # the pairing pilot builds the world and runs the scenario as written: an extended run's
    # world is the same whether the pilot is cached (by a plain run) or not
    need = scenario_with(tmp_path, [("A1", "A1"), ("A1", "A2")], "need", 1)
    monkeypatch.setattr(pilot, "_PILOT_CACHE", {})
    cold = run_replications(need, 2, 3, progress=False, extend=away)
    run_replications(need, 1, 3, progress=False)
    warm = run_replications(need, 2, 3, progress=False, extend=away)
    assert kpis(cold) == kpis(warm)


def test_a_dask_cluster_runs_the_extension_as_local_workers_do():
    extend = functools.partial(away_from_first_order, team=A1)
    local = run_replications(SCENARIO, 3, 5, jobs=1, progress=False, extend=extend, rule=CountyCenterFirst())
    with local_dask_cluster() as dask:
        remote = run_replications(
            SCENARIO,
            3,
            5,
            progress=False,
            scheduler=dask.scheduler_address,
            extend=extend,
            rule=CountyCenterFirst(),
        )
    assert kpis(remote) == kpis(local)
    assert kpis(local) != kpis(run_replications(SCENARIO, 3, 5, progress=False))


def test_a_results_folder_of_an_extended_run_says_so_and_compare_refuses_it(tmp_path, capsys):
    # kpis.json records the extension; a folder that holds an extended run's results cannot
    # stand in for the scenario as written in compare (it would pass for the plain scenario)
    from sim.cli.main import main
    from sim.reporting.report import write_results
    from sim.reporting.saved import save_run

    world = build_world(SCENARIO)
    extend = functools.partial(team_away, team=A1)
    results = run_replications(SCENARIO, 2, 7, jobs=1, world=world, extend=extend, progress=False)
    write_results(tmp_path / "extended", SCENARIO, world, results, 7)
    save_run(tmp_path / "extended", SCENARIO, 7, 2, {"fixed": 2})
    summary = json.loads((tmp_path / "extended" / "kpis.json").read_text(encoding="utf-8"))
    assert summary["extension"].startswith("extend=") and "team_away" in summary["extension"]
    briefing = (tmp_path / "extended" / "briefing.md").read_text(encoding="utf-8")
    assert (
        "An extended run" in briefing and "team\\_away, team=0)): the model with this extension" in briefing
    )
    plain = run_replications(SCENARIO, 2, 7, jobs=1, world=world, progress=False)
    write_results(tmp_path / "plain", SCENARIO, world, plain, 7)
    save_run(tmp_path / "plain", SCENARIO, 7, 2, {"fixed": 2})
    assert "extension" not in json.loads((tmp_path / "plain" / "kpis.json").read_text(encoding="utf-8"))
    capsys.readouterr()  # (the reports' progress lines)
    status = main(
        ["compare", str(tmp_path / "plain"), str(tmp_path / "extended"), "--out", str(tmp_path / "c")]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1
    assert "kpis.json: extension: the results of a run extended with extend=" in err[0]
