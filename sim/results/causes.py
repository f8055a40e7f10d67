"""Why orders miss their promise: one cause per missed order, from the logs (docs/kpis.md).

The orders judged are those of ``urban_10min`` and ``rural_same_day`` (the catalogue's zone
promises) and of ``professional_same_day``, but those whose deadline falls after the run ends,
met or not (:func:`sim.results.promises.undecided`). An order misses when
it does not meet its promise by its **deadline** ``D``: urban, placing plus
``targets.urban_response_min`` (the counting event of ``targets.urban_response_event``); rural
and professional, its same-day deadline.
Each missed order gets the first cause that applies, in this fixed precedence:

1. ``no_volunteer``: a catalogue order placed when no volunteer of the teams that answer
   catalogue orders in its town (village, paired, town teams, and the county's or a
   sub-center's when seated there; not the proxy points, mediation rooms or professional
   organisations) was on duty in that hour (the town stands for the order's first tiers: its
   village teams and its town's teams);
2. ``all_busy``: a catalogue order placed when volunteers were on duty there but all of them
   were busy (serving orders, crewing batches, at planned activities, or absent: an
   extension's ``take_volunteers``), team by team: a volunteer still finishing a job after
   their shift ended is busy but no longer on duty, and leaves the others of the town free
   (:func:`free_in_town`); (professional orders are served county-wide after the review:
   rules 1 and 2 do not apply to them);
3. ``administrator``: a professional order whose review by the administrator had not ended by
   ``D`` (including orders cancelled while waiting for it);
4. ``acceptance``: volunteers were alerted by ``D`` (``dispatch.alerts``) or one was reserved
   by then, but none had accepted by ``D``: alerts ignored, or accepted too slowly (an order
   the citizen cancelled by ``D`` is rule 8's, the patience's, even if it had been alerted);
5. ``accepted_late``: accepted by ``D`` and the volunteer arrived later, though the trip
   itself (acceptance to arrival: the turnout and the road or ferry) was no longer than the
   time from placing to ``D``: had a volunteer accepted at once, the trip would have fitted;
6. ``travel``: accepted by ``D`` and the volunteer arrived later, the trip alone longer than
   the time from placing to ``D`` (road or ferry; or the arrival never logged);
7. ``service``: arrived by ``D``, but the service ended later;
8. ``cancelled``: the citizen cancelled by ``D`` while waiting for a volunteer;
9. ``not_assigned``: free volunteers were on duty in the town, yet none was alerted or reserved
   by ``D`` (the tier timeouts, skills, distance, or still waiting at the horizon).

The causes of an order's misses therefore add up to the misses exactly.

Each headline promise with a target is broken down too, over its own orders and by its own
deadline (:func:`promise_misses`): the urban promise at each reading (at arrival, a miss
accepted in time is ``accepted_late`` or ``travel``: too late for its trip, or the turnout and
the drive alone over the promise), the rural promise by its same-day
deadline and by midnight, and never overnight (an order still open at its first midnight),
with how many of each promise's misses were placed after the same-day cut-off.
"""

from __future__ import annotations

import numpy as np

from sim.config.channels import CHANNELS
from sim.config.geography import ZONES
from sim.results.logs import RunLog, TownChanges, apart_from_town_duty
from sim.results.promises import (
    TIME_BANDS,
    first_midnight,
    hour_placed,
    midnight_verdicts,
    never_overnight,
    other_reading,
    placed_after_cutoff,
    time_band,
    undecided,
    zone_promise_orders,
    zone_verdicts,
)
from sim.world.build import World

CAUSES = (
    "no_volunteer",
    "all_busy",
    "administrator",
    "acceptance",
    "accepted_late",
    "travel",
    "service",
    "cancelled",
    "not_assigned",
)
# the miss table's count, beside the causes, of cancelled misses still waiting at their village
AT_VILLAGE = "cancelled_at_village"
# the promises' table's count, beside the causes, of missed orders placed at or after the
# same-day cut-off (targets.same_day_cutoff)
AFTER_CUTOFF = "placed_after_cutoff"
# the miss table's count, beside the causes, of not_assigned misses that are professional
# orders: reviewed, then waiting for an organisation with a free member (their lever differs)
PROFESSIONAL_NOT_ASSIGNED = "not_assigned_professional"
# the group of a judged order in the table: its zone, or "professional"
GROUPS = (*ZONES, "professional")
# the ``when`` table's columns beside ``hours``: each promise's missed orders and judged
# orders placed on a Saturday or Sunday (run.start_weekday: day 0's weekday, 0 = Monday)
WEEKEND_MISSED, WEEKEND_ORDERS = "weekend_missed", "weekend_orders"


def placed_when(log: RunLog, world: World) -> tuple[np.ndarray, np.ndarray]:
    """(weekend, hour) per order: whether it was placed on a Saturday or Sunday (the day of
    ``t_placed`` counted from ``run.start_weekday``, as the rosters and the office count it),
    and the hour of the day it was placed (0-23), so that a promise's misses can be told by
    when they are placed: the hours to staff, or too late in the day for any staffing."""
    day = np.floor(log.orders.t_placed / 1440.0).astype(np.int64)
    weekend = (day + world.scenario.run.start_weekday) % 7 >= 5
    return weekend, hour_placed(log)


def changes_up_to(
    changes: TownChanges, town: np.ndarray, t: np.ndarray, span: float, rises_after: bool
) -> np.ndarray:
    """The sum of ``changes`` of ``town`` at or before minutes ``t`` (one query per element);
    with ``rises_after``, a positive change only before ``t`` (a volunteer taken at ``t`` is
    still free for an order placed then, as an order's busy interval starts after its
    assignment's minute). ``span``: more than the horizon (keys ``town x span + minutes`` put
    every town on one sorted axis)."""
    if not len(changes):
        return np.zeros(len(t))
    keys = changes.town.astype(np.int64) * span + changes.t
    first = town.astype(np.int64) * span  # each town's sum starts from 0 at its first key
    out = np.zeros(len(t))
    rises = changes.change > 0
    for pick, side in ((rises, "left" if rises_after else "right"), (~rises, "right")):
        order = np.argsort(keys[pick], kind="stable")
        ranked = keys[pick][order]
        cum = np.concatenate([[0.0], np.cumsum(changes.change[pick][order].astype(float))])
        out += (
            cum[np.searchsorted(ranked, first + t, side=side)]
            - cum[np.searchsorted(ranked, first, side="left")]
        )
    return out


def busy_in_town(log: RunLog, world: World, town: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Volunteers of the teams of ``town`` that answer catalogue orders (as
    ``on_duty_by_town``) busy at minutes ``t`` (one query per element), each from its start,
    before ``t``, to its end, after ``t``: reserved for an order until back, crewing a batch,
    or pulled into an activity; and out of the order pool otherwise (``log.away``: an
    absence an extension takes)."""
    o, b, a = log.orders, log.batches, log.activities
    alone = (o.team >= 0) & ~np.isnan(o.t_assigned) & ~apart_from_town_duty(o.team_level)
    if len(b):
        alone &= o.batch < 0  # (a batch's crew counts once, by its row)
    crews = ~apart_from_town_duty(world.teams.level[b.team])  # of the teams counted by town
    counted = ~apart_from_town_duty(world.teams.level[a.team])
    team = np.concatenate([o.team[alone], b.team[crews], a.team[counted]]).astype(np.int64)
    start = np.concatenate([o.t_assigned[alone], b.t_start[crews], a.t_start[counted]])
    end = np.concatenate([o.t_released[alone], b.t_released[crews], a.t_end[counted]])
    people = np.concatenate([o.volunteers[alone], b.volunteers[crews], a.pulled[counted]]).astype(float)
    span = log.horizon_min + 2.0  # keys: town * span + minutes, one sorted axis for all towns
    end = np.where(np.isnan(end), log.horizon_min + 1.0, end)
    home = world.teams.town[team].astype(np.int64)

    def weight_up_to(keys: np.ndarray, query: np.ndarray, strict: bool) -> np.ndarray:
        order = np.argsort(keys, kind="stable")
        cum = np.concatenate([[0.0], np.cumsum(people[order])])
        return cum[np.searchsorted(keys[order], query, side="left" if strict else "right")]

    query = town.astype(np.int64) * span + t
    started = weight_up_to(home * span + start, query, strict=True)
    ended = weight_up_to(home * span + end, query, strict=False)
    return started - ended + changes_up_to(log.away, town, t, span, rises_after=True)


def on_duty_in_town(log: RunLog, town: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Volunteers of ``town``'s teams that answer catalogue orders on duty at minutes ``t`` (one
    query per element): ``log.on_duty_by_town`` in the hour of ``t`` (the last hour's after
    the horizon)."""
    hour = np.minimum((t // 60).astype(np.int64), log.on_duty_by_town.shape[1] - 1)
    return log.on_duty_by_town[town, hour].astype(float)


def free_in_town(log: RunLog, world: World, town: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Free volunteers of ``town``'s teams that answer catalogue orders at minutes ``t`` (one
    query per element), team by team as the dispatcher counts them: each team's on-duty count
    less its busy volunteers, a team with more busy than on duty (a shift ended while they
    served) counting none. That is the town's on-duty count in the hour, less its busy
    volunteers (:func:`busy_in_town`), plus those busy beyond their team's on-duty count
    (``log.beyond_duty``), which the busy count holds but the on-duty count does not."""
    on_duty = on_duty_in_town(log, town, t)
    # (at or before t: a shift change comes first in its minute, a release at t has ended)
    beyond = changes_up_to(log.beyond_duty, town, t, log.horizon_min + 2.0, rises_after=False)
    return on_duty - busy_in_town(log, world, town, t) + beyond


def professional_verdicts(log: RunLog) -> tuple[np.ndarray, np.ndarray]:
    """(judged, met) per order for ``professional_same_day``: a professional order placed in
    the measured window whose same-day deadline falls inside the run, and closed by that
    deadline (minutes)."""
    o = log.orders
    start, end = log.window_min
    judged = (o.t_placed >= start) & (o.t_placed < end) & (o.channel == CHANNELS.index("professional"))
    with np.errstate(invalid="ignore"):
        return judged & ~undecided(log, o.t_deadline), o.t_closed <= o.t_deadline


def miss_causes(log: RunLog, world: World) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(judged, missed, cause) per order of the measured window: whether the order is judged
    (see the module's doc), whether it missed, and the index into :data:`CAUSES` of its
    cause (-1 for orders that did not miss)."""
    o = log.orders
    tg = world.scenario.targets
    start, end = log.window_min
    inside = (o.t_placed >= start) & (o.t_placed < end)
    catalogue = inside & zone_promise_orders(log)
    professional, closed_in_time = professional_verdicts(log)
    met, decided = zone_verdicts(log, world)
    catalogue &= decided  # (the run cannot judge undecided orders)
    judged = catalogue | professional
    missed = (catalogue & ~met) | (professional & ~closed_in_time)
    deadline = np.where(catalogue & (o.zone == 0), o.t_placed + tg.urban_response_min, o.t_deadline)
    return judged, missed, assign_causes(log, world, missed, deadline)


def assign_causes(log: RunLog, world: World, missed: np.ndarray, deadline: np.ndarray) -> np.ndarray:
    """Per order: the index into :data:`CAUSES` of the first rule (the module's doc) that
    applies to a ``missed`` order by its ``deadline`` (minutes), -1 for the others."""
    o = log.orders
    cause = np.full(len(o), -1, dtype=np.int8)
    idx = np.flatnonzero(missed)
    if len(idx) == 0:
        return cause
    d = deadline[idx]
    town = o.town[idx]
    on_duty = on_duty_in_town(log, town, o.t_placed[idx])
    free = free_in_town(log, world, town, o.t_placed[idx])

    def by(col: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return col[idx] <= d  # NaN (did not happen) is False

    review_end = o.t_review_end
    reached_late = by(o.t_accepted) & ~by(o.t_arrived)  # accepted by D, arrived after it
    with np.errstate(invalid="ignore"):  # (NaN, never arrived, is not a trip that fitted)
        trip_fitted = o.t_arrived[idx] - o.t_accepted[idx] <= d - o.t_placed[idx]
    scoped = o.channel[idx] != CHANNELS.index("professional")
    rules = [
        scoped & (on_duty <= 0),
        scoped & (free <= 0),
        (o.channel[idx] == CHANNELS.index("professional")) & ~by(review_end),
        (by(o.t_assigned) | by(o.t_alerted)) & ~by(o.t_accepted) & ~by(o.t_cancelled),
        reached_late & trip_fitted,
        reached_late,
        by(o.t_arrived) & ~by(o.t_closed),
        by(o.t_cancelled),
        np.ones(len(idx), dtype=bool),
    ]
    chosen = np.full(len(idx), -1, dtype=np.int8)
    for k, rule in enumerate(rules):
        chosen[(chosen < 0) & rule] = k
    cause[idx] = chosen
    return cause


def promise_misses(log: RunLog, world: World) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per headline promise with a target (its KPI's name): (judged, missed, deadline) per
    order, the orders its KPI counts in the measured window, those that miss it and when it
    falls due for each (minutes), so that each promise's misses get causes by its own
    deadline (:func:`assign_causes`):

    - ``urban_10min`` and the promise's other reading (``urban_10min_arrival``, or
      ``urban_10min_acceptance`` when the scenario counts arrivals): the urban catalogue
      orders at each event, due ``targets.urban_response_min`` after placing; at arrival the
      misses accepted in time are ``accepted_late`` (too late for their trip) or ``travel``
      (the turnout and the drive alone longer than the promise);
    - ``rural_same_day``: the rural ones by their same-day deadline; ``rural_by_midnight``: by
      midnight of the day placed;
    - ``open_overnight_per_1000``: the orders held to a same-day promise (catalogue and
      professional), a miss being one still open at its first midnight, its deadline;
    - ``professional_same_day``: the professional orders by their same-day deadline (closed
      by it, as the KPI counts);
    - ``urban_10min_day``, ``_evening``, ``_night``: ``urban_10min``'s orders by the time of day
      they were placed (:data:`sim.results.promises.TIME_BANDS`)."""
    o = log.orders
    tg = world.scenario.targets
    start, end = log.window_min
    inside = (o.t_placed >= start) & (o.t_placed < end)
    catalogue = inside & zone_promise_orders(log)
    urban, rural = catalogue & (o.zone == 0), catalogue & (o.zone == 1)
    midnight = first_midnight(log)
    other = other_reading(tg.urban_response_event)
    out = {}
    for name, event in (("urban_10min", tg.urban_response_event), (f"urban_10min_{other}", other)):
        met, decided = zone_verdicts(log, world, event)
        out[name] = (urban & decided, ~met, o.t_placed + tg.urban_response_min)
    judged, missed, due = out["urban_10min"]  # its orders by the band of the time placed
    band = time_band(log)
    for k, name in enumerate(TIME_BANDS):
        out[f"urban_10min_{name}"] = (judged & (band == k), missed, due)
    met, decided = zone_verdicts(log, world)
    out["rural_same_day"] = (rural & decided, ~met, o.t_deadline)
    met, decided = midnight_verdicts(log)
    out["rural_by_midnight"] = (rural & decided, ~met, midnight)
    overnight, held = never_overnight(log, world)
    out["open_overnight_per_1000"] = (inside & held, overnight, midnight)
    professional, closed_in_time = professional_verdicts(log)
    out["professional_same_day"] = (professional, ~closed_in_time, o.t_deadline)
    return {name: (judged, judged & missed, due) for name, (judged, missed, due) in out.items()}


def cancelled_at_village(log: RunLog, cause: np.ndarray) -> np.ndarray:
    """Per order: a ``cancelled`` miss (``cause``, from :func:`miss_causes`) of a catalogue-scope
    order the citizen cancelled while it still waited at its village (tier 1: its town not yet
    asked, ``t_tier2`` later or never). With rules 1 and 2 passed, its town had volunteers on
    duty and not all busy when it was placed: asking the town sooner (a shorter village
    timeout, ``dispatch.timeouts_min``) is a lever besides more village volunteers on duty."""
    o = log.orders
    with np.errstate(invalid="ignore"):
        town_asked = o.t_tier2 <= o.t_cancelled  # NaN (never asked) is False
    professional = o.channel == CHANNELS.index("professional")
    return (cause == CAUSES.index("cancelled")) & ~professional & ~town_asked


def miss_cause_table(results, world: World) -> dict | None:
    """The misses by cause, per group (urban, rural, professional), per town (its catalogue
    orders held to their zone's promise, as ``town.*`` KPIs count) and per headline promise
    (:func:`promise_misses`, each by its own deadline), as order counts summed over the
    replications: ``{"replications": k, "causes": [...], "groups": {name: {"orders",
    "missed", <cause>..., "cancelled_at_village"}}, "towns": {pinyin: {...}}, "promises":
    {kpi: {..., "placed_after_cutoff"}}, "promises_before_cutoff": {kpi: {...}}}`` (divide by
    ``replications`` for a replication's; ``cancelled_at_village``: of the ``cancelled``, those
    still waiting at their village, :func:`cancelled_at_village`; ``not_assigned_professional``:
    of the ``not_assigned``, the professional orders; ``placed_after_cutoff``: of
    the missed, those placed at or after ``targets.same_day_cutoff``;
    ``promises_before_cutoff``: each promise's orders placed before it, the ones a later
    evening roster or the cut-off rule does not concern; ``when``: each promise's misses by
    when they were placed, ``{kpi: {"weekend_missed", "weekend_orders", "hours": [24]}}``,
    those placed on a Saturday or Sunday, its judged orders placed then, and its misses by
    hour of the day placed, :func:`placed_when`); None when the replications' logs were not
    kept."""
    if not results or any(r.log is None for r in results):
        return None
    reps = len(results)
    pinyin = list(world.towns.pinyin)
    n_groups, n_towns, n_causes = len(GROUPS), len(pinyin), len(CAUSES)
    names = ["orders", "missed", *CAUSES, AT_VILLAGE, PROFESSIONAL_NOT_ASSIGNED, AFTER_CUTOFF]
    groups = np.zeros((n_groups, len(names)))
    towns = np.zeros((n_towns, len(names)))
    promises: dict[str, np.ndarray] = {}
    before: dict[str, np.ndarray] = {}
    when: dict[str, dict] = {}

    def add(
        table: np.ndarray, key: np.ndarray, rows: np.ndarray, missed, cause, at_village, late, pro
    ) -> None:
        size = len(table)
        table[:, 0] += np.bincount(key[rows], minlength=size)
        table[:, 1] += np.bincount(key[rows & missed], minlength=size)
        for c in range(n_causes):
            table[:, 2 + c] += np.bincount(key[rows & missed & (cause == c)], minlength=size)
        table[:, 2 + n_causes] += np.bincount(key[rows & missed & at_village], minlength=size)
        waiting = pro & (cause == CAUSES.index("not_assigned"))
        table[:, 3 + n_causes] += np.bincount(key[rows & missed & waiting], minlength=size)
        table[:, 4 + n_causes] += np.bincount(key[rows & missed & late], minlength=size)

    for r in results:
        o = r.log.orders
        judged, missed, cause = miss_causes(r.log, world)
        professional = o.channel == CHANNELS.index("professional")
        group = np.where(professional, len(ZONES), o.zone)
        at_village = cancelled_at_village(r.log, cause)
        late = placed_after_cutoff(r.log, world)
        # a town's rows count its zone-promise orders, as its compliance KPIs do (professional
        # orders are served county-wide: they have their own group, not a town's)
        add(groups, group, judged, missed, cause, at_village, late, professional)
        add(towns, o.town, judged & ~professional, missed, cause, at_village, late, professional)
        one = np.zeros(len(o), dtype=np.int64)  # (a promise's table has one row)
        weekend, hour = placed_when(r.log, world)
        for name, (held, failed, due) in promise_misses(r.log, world).items():
            counts = when.setdefault(name, {WEEKEND_MISSED: 0, WEEKEND_ORDERS: 0, "hours": np.zeros(24)})
            counts[WEEKEND_MISSED] += int((failed & weekend).sum())
            counts[WEEKEND_ORDERS] += int((held & weekend).sum())
            counts["hours"] += np.bincount(hour[failed], minlength=24)
            why = assign_causes(r.log, world, failed, due)
            waited = cancelled_at_village(r.log, why)
            for table, mask in ((promises, held), (before, held & ~late)):
                row = table.setdefault(name, np.zeros((1, len(names))))
                add(row, one, mask, failed, why, waited, late, professional)

    def rows(table: np.ndarray, keys: list[str], columns: list[str]) -> dict:
        return {
            key: {name: int(row[names.index(name)]) for name in columns}
            for key, row in zip(keys, table)
            if row[0] > 0
        }

    def per_promise(tables: dict[str, np.ndarray], columns: list[str]) -> dict:
        return {key: row for name, t in tables.items() for key, row in rows(t, [name], columns).items()}

    table_names = names[:-1]  # (the groups' and towns' rows: without the late count)
    return {
        "replications": reps,
        "causes": list(CAUSES),
        "groups": rows(groups, list(GROUPS), table_names),
        "towns": rows(towns, pinyin, table_names),
        "promises": per_promise(promises, names),
        "promises_before_cutoff": per_promise(before, table_names),
        "when": {
            name: {**counts, "hours": [int(n) for n in counts["hours"]]}
            for name, counts in when.items()
            if promises[name][0, 0] > 0
        },
    }
