"""Dispatch as alerts (``dispatch.alerts``): waves of alerts, acceptance and turnout.

The platform pushes an order to the phones of the free on-duty volunteers in its scope (the
escalation ladder's tier: its village, then its town, then the county), nearest first, in waves
of ``wave_size`` volunteers. Each alerted volunteer accepts with ``accept_probability`` after a
delay drawn from ``demand.acceptance_delay`` (alert -> acceptance), or ignores the alert. The
first volunteer to accept takes the order (the response); they leave after a turnout
(accept -> leave, ``turnout_day`` or ``turnout_night``) and travel. A wave nobody accepts is
followed, ``wave_interval_min`` later, by the next wave: the next ``wave_size`` volunteers in
the nearest-first list, then, once everyone in scope has been alerted, the nearest again
(re-alerts). The ladder's escalation timers run as without alerts: an order that escalates
starts a new series of waves in its wider scope at once (the lower tiers' volunteers are in the
wider scope under ``dispatch.keep_lower_scope`` and are alerted again). An alerted volunteer
who has decided to accept keeps that decision when the order escalates, as long as their team
may still take it (:meth:`sim.model.dispatcher.Dispatcher.may_take`): the alert is still on
their phone and the order still open. Only the acceptances of volunteers the wider scope leaves
out lapse (``keep_lower_scope: false``, or a ``handover`` scope's tier without them).

A wave is resolved when it is sent, without a SimPy event per volunteer: which alerted
volunteers accept (Bernoulli each) and after how long are drawn at once, and one SimPy timeout
is booked for the earliest acceptance (or for the next wave when nobody accepts). Alerted
volunteers are not reserved: they stay free for other orders until one of them accepts. If
the accepting volunteer's team has no free volunteer left at the acceptance (another order took
them meanwhile), the next acceptance of the same wave counts; with none left, the next wave
goes out when it is due (at once if its time has passed).

The draws are counter-based (:func:`sim.model.rng.counter_uniform`, SplitMix64), keyed by
(order, wave, place in the wave) and the order's turnout, where the order is its identity, not
its id: its place, its channel and its rank among that place's orders of that channel in the
time the citizens placed them, an appointment when it was booked
(:func:`sim.model.rng.order_keys`, under the stream names ``alerts/<place code>``). The same
citizen's order draws the same uniforms in its n-th wave, and the same turnout uniform, whatever
else happens in the run and whatever orders other channels or other places have: scenarios that
differ in staffing, in a channel's orders (no pairing projects), in appointments or in a surge
elsewhere share their random numbers (common random numbers) as far as their waves coincide.

Which volunteers: a team counts its free volunteers (the model tracks counts, not people); an
order that needs k volunteers is accepted by one of them, who brings k-1 free teammates (the
team must have k free at the acceptance). Station and center staff (team levels ``town``,
``county``, ``subcenter``) accept at the full probability only for orders within
``staff_reach_min`` minutes of nominal travel, and at ``beyond_reach_factor`` times it beyond.

A volunteer who comes free or on duty while an order waits takes it from the platform's list
(:meth:`sim.model.dispatcher.Dispatcher.find_order`, as without alerts) after the order's own
acceptance delay: they are looking at the app.

The turnout replaces the travel model's set-off time (``geography.travel.setup_min``) on the
way out: the volunteer arrives after the acceptance, the turnout and the drive.

Reduction: with ``accept_probability`` 1 (beyond the staff's reach too), a wave as large as
the scope, a fixed zero acceptance delay and turnouts equal to the set-off time, the first
wave's nearest volunteer accepts at once and the model makes the same assignments as without
alerts (``tests/test_alerts.py``).
"""

from __future__ import annotations

import math
from array import array
from operator import itemgetter
from typing import TYPE_CHECKING

from scipy import special

from sim.config import distributions
from sim.config.spec import Dist
from sim.config.teams import TEAM_LEVELS
from sim.model.compact import typed
from sim.model.orders import COUNTY_TIER, WAITING
from sim.model.rng import counter_uniform, order_keys

if TYPE_CHECKING:
    from sim.model.replication import Replication

STAFF_LEVELS = ("town", "county", "subcenter")
NIGHT_FROM, NIGHT_TO = 22 * 60.0, 7 * 60.0  # turnout_night applies 22:00-07:00


NAN = float("nan")
by_time = itemgetter(0)  # (minutes, team): sort by the minutes alone, a stable sort
# the counters added to an order's key: 2 * slot + which in the low 12 bits, the wave above them
# (waves 1 to 65,535: below 2**28), and the turnout's beyond every wave's
WAVE_SHIFT = 12
TURNOUT_COUNTER = 1 << 28


def scalar_quantile(dist: Dist):
    """A function of one uniform returning ``dist``'s quantile there (minutes), as
    :func:`sim.config.distributions.quantile` gives it, without an array per call."""
    lo, hi = 1e-12, 1 - 1e-12
    if dist.kind == "fixed" or (dist.kind in ("lognormal", "gamma") and dist.cv <= 0):
        value = float(dist.mean)
        return lambda u: value
    if dist.kind == "uniform":
        low, width = dist.low, dist.high - dist.low
        return lambda u: low + width * min(max(u, lo), hi)
    if dist.kind == "exponential":
        mean = dist.mean
        return lambda u: -mean * math.log1p(-min(max(u, lo), hi))
    if dist.kind == "lognormal" and dist.mean > 0:
        sigma2 = math.log1p(dist.cv**2)
        mu, sigma = math.log(dist.mean) - sigma2 / 2, math.sqrt(sigma2)
        return lambda u: math.exp(mu + sigma * float(special.ndtri(min(max(u, lo), hi))))
    return lambda u: float(distributions.quantile(dist, u))


class Alerts:
    """The alert waves of one replication (see the module's docstring)."""

    def __init__(self, rep: Replication):
        cfg = rep.scenario.dispatch.alerts
        self.env = rep.env
        self.orders = rep.orders
        self.dispatcher = rep.dispatcher
        self.lifecycle = rep.lifecycle
        self.world = rep.world
        self.p = cfg.accept_probability
        self.size = cfg.wave_size
        self.interval = cfg.wave_interval_min  # minutes between waves
        self.reach = cfg.staff_reach_min  # minutes: staff farther than this answer less
        self.far_p = cfg.accept_probability * cfg.beyond_reach_factor
        delay = rep.scenario.demand.acceptance_delay
        self.no_delay = delay.kind == "fixed" and delay.mean == 0.0
        self.delay = scalar_quantile(delay)
        staff = {TEAM_LEVELS.index(level) for level in STAFF_LEVELS}
        self.staff = [int(level) in staff for level in rep.world.teams.level]
        # each order's key for its counter-based draws (waves and turnout), from its identity
        # (one 8-byte column; a draw hashes it with a counter when it is made)
        n = len(rep.orders)
        self.order_key = typed("Q", order_keys(rep.streams, "alerts", rep.world.places.code, rep.orders))
        self.turnout_day = scalar_quantile(cfg.turnout_day)
        self.turnout_night = scalar_quantile(cfg.turnout_night)
        # the turnout replaces the travel model's set-off time on the way out (a travel matrix
        # has none: its minutes are the drive)
        travel = rep.world.travel
        self.setoff = travel.setup if travel.matrix is None else 0.0
        # per order: the series of waves (bumped at each tier it enters), the waves sent in the
        # current tier and in all, the first alert, and the pending acceptances of its last wave
        # (compact columns: 2 bytes a count; the wave counts wrap round at 65,536, see draw)
        self.series = array("h", [0]) * n
        self.in_tier = array("H", [0]) * n
        self.waves = array("H", [0]) * n
        self.t_alerted = array("d", [NAN]) * n
        self.pending: dict[int, list[tuple[float, int]]] = {}  # (minutes, team), of the live series
        self.next_wave: dict[int, float] = {}
        self._on_answer = self._answer
        self._on_next_wave = self._wave_due

    # ------------------------------------------------------------------ entry point
    def wave(self, order: int) -> int | None:
        """The order entered a tier (placed or escalated): start its series of waves there.
        Returns the team that accepted at once (zero acceptance delay; its acceptance is now),
        else None (the order waits in its tier's queue; a timer brings the answer). The
        acceptances its earlier waves drew, still to come, carry over to the new series for
        the teams that may still take the order; the others lapse."""
        may_take = self.dispatcher.may_take
        carried = [(when, team) for when, team in self.pending.get(order, ()) if may_take(order, team)]
        self.series[order] += 1
        self.in_tier[order] = 0
        self._forget(order)
        return self._send(order, carried)

    def turnout(self, order: int, accepted: float) -> float:
        """Minutes from accepting ``order`` at ``accepted`` (minutes) to leaving: its night
        turnout from 22:00 to 07:00, its day turnout otherwise. It replaces the travel model's
        set-off time (``geography.travel.setup_min``) on the way out: the trip out takes the
        drive after it (:attr:`setoff` less than the travel model's trip)."""
        u = counter_uniform(self.order_key[order] + TURNOUT_COUNTER)
        minute = accepted % 1440.0
        if minute >= NIGHT_FROM or minute < NIGHT_TO:
            return self.turnout_night(u)
        return self.turnout_day(u)

    def draw(self, order: int, wave: int, slot: int, which: int) -> float:
        """The uniform of ``order``'s ``wave``-th wave (1, 2, ...), for the volunteer at
        ``slot`` in it (0 nearest): ``which`` 0 decides whether they accept (below the accept
        probability), 1 their delay (its quantile of ``demand.acceptance_delay``). The counter
        added to the order's key packs ``2 * slot + which`` in 12 bits
        (``dispatch.alerts.wave_size`` is at most 2,048) and the wave above them: each of an
        order's draws has its own counter (the wave count kept wraps round after 65,535 waves,
        136 days of 3-minute waves: the next is numbered 0, and the ones after it draw the
        first waves' uniforms again)."""
        return counter_uniform(self.order_key[order] + (wave << WAVE_SHIFT) + 2 * slot + which)

    def drop_working_state(self) -> None:
        """Free what only the run needed (the order log keeps ``t_alerted``)."""
        self.series = self.in_tier = self.order_key = None
        self.pending = self.next_wave = None

    # ------------------------------------------------------------------ waves
    def _scope(self, order: int, first: int, want: int) -> list[int]:
        """The able teams with free volunteers in the order's current scope, nearest first by
        the dispatch rule (``first``, the dispatcher's own pick, heads the list). A town's
        teams are walked in their static nearest-first order (``World.tier2_nearest``, under
        the nearest-first rule) only until they hold ``want`` free volunteers, and the county's
        towns, nearest seat first, likewise: the wave needs no farther ones."""
        d, o = self.dispatcher, self.orders
        place, skill, need, tier = o.place[order], o.skill[order], o.need[order], o.tier[order]
        barred = d.barred(order)
        spare, skills, in_free = d.spare, d.skills, d.in_free

        def able(team: int) -> bool:
            return spare[team] >= need and skill in skills[team] and team not in barred

        teams: set[int] = set()
        if tier == 1 or d.keep_lower:
            teams.update(t for t in d.tier1_teams[place] if able(t))
        if d.town_tier_serves(tier):
            if d.tier2_nearest is not None:
                have = spare[first]
                for team in d.tier2_nearest[place]:
                    if team != first and in_free[team] and able(team):
                        teams.add(team)
                        have += spare[team]
                        if have >= want:
                            break
            else:
                teams.update(t for t in d.free_teams.get(d.place_town[place], ()) if able(t))
        if tier >= COUNTY_TIER:
            # the county's towns nearest seat first, each town's able teams whole, until they
            # hold ``want`` free volunteers (with those found so far): a province-sized county
            # is not collected and ranked whole for every wave
            teams_at = self.world.tier3_teams_at
            have = spare[first] + sum(spare[t] for t in teams if t != first)
            for town in d.towns_to_search(d.place_town[place], skill):
                for t in teams_at.get((town, skill), ()):
                    if t not in teams and in_free[t] and able(t):
                        teams.add(t)
                        have += spare[t]
                if have >= want:
                    break
        teams.discard(first)
        if len(teams) <= 1:
            return [first, *teams]
        key = d.rule.team_key
        return [first, *sorted(teams, key=lambda t: key(d, t, place))]

    def _send(self, order: int, carried: list[tuple[float, int]] | None = None) -> int | None:
        """Send the order's next wave now; return the team that accepted at once, if any.
        ``carried``: acceptances (minutes, team) of an earlier series still to come, which
        join this wave's (:meth:`wave`); they lapse when nobody in scope is free now (the
        order waits in its tier's queue, as without alerts)."""
        d, o, now = self.dispatcher, self.orders, self.env.now
        first = d.find_team(order)
        if first is None:
            return None  # nobody free in scope: the order waits for a volunteer or its escalation
        if self.t_alerted[order] != self.t_alerted[order]:  # NaN: its first wave
            self.t_alerted[order] = now
        sent = self.waves[order] = (self.waves[order] + 1) & 0xFFFF
        k = self.in_tier[order]
        self.in_tier[order] = (k + 1) & 0xFFFF
        spare, size = d.spare, self.size
        # the volunteers alerted: places [k * size, (k + 1) * size) of the nearest-first list,
        # wrapping round once everyone in scope has been alerted
        if spare[first] >= (k + 1) * size:  # the nearest team alone fills the wave
            alerted = [first] * size
        else:
            ranked = self._scope(order, first, (k + 1) * size)
            volunteers = [team for team in ranked for _ in range(spare[team])]
            n = len(volunteers)
            start = (k * size) % n if n > size else 0
            alerted = [volunteers[(start + j) % n] for j in range(min(size, n))]
        place, home, staff, draw = o.place[order], d.home, self.staff, self.draw
        accepted: list[tuple[int, int]] = []  # (place in the wave, team)
        for slot, team in enumerate(alerted):
            p = self.p
            if staff[team] and d.nominal(home[team], place) > self.reach:
                p = self.far_p
            if p >= 1.0 or draw(order, sent, slot, 0) < p:
                accepted.append((slot, team))
        series = self.series[order]
        due = now + self.interval
        if not accepted and not carried:
            self.lifecycle.at(due, self._on_next_wave, (order, series))
            return None
        if self.no_delay and accepted:
            o.accept_delay[order] = 0.0
            return accepted[0][1]  # the nearest acceptor, now
        # (minutes, place in the wave, team): the earliest first, ties to the nearest
        delay = self.delay
        answers = sorted((now + delay(draw(order, sent, slot, 1)), slot, team) for slot, team in accepted)
        # the carried acceptances first among those of the same minute (they were alerted earlier)
        pending = sorted([*(carried or ()), *((when, team) for when, _, team in answers)], key=by_time)
        self.pending[order] = pending
        self.next_wave[order] = due
        self.lifecycle.at(pending[0][0], self._on_answer, (order, series))
        return None

    def _forget(self, order: int) -> None:
        """Drop the order's pending acceptances and its next wave's time (its wave series is
        over: it was taken, it left the queues, or a new series starts)."""
        self.pending.pop(order, None)
        self.next_wave.pop(order, None)

    def _live(self, order: int, series: int) -> bool:
        """Whether a timer of the order's wave series ``series`` still matters: the order
        waits, and has not started a new series (escalated) since."""
        return self.orders.state[order] == WAITING and self.series[order] == series

    def _answer(self, event) -> None:
        """An alerted volunteer accepts now: their team takes the order if it still has enough
        free volunteers (else the wave's next acceptance, or the next wave)."""
        order, series = event.value
        if not self._live(order, series):
            if self.orders.state[order] != WAITING:
                self._forget(order)
            return
        pending = self.pending[order]
        _, team = pending.pop(0)
        if self._can_take(order, team):
            self._take(order, team)
            return
        if pending:
            self.lifecycle.at(pending[0][0], self._on_answer, (order, series))
            return
        del self.pending[order]
        self.lifecycle.at(self.next_wave.pop(order), self._on_next_wave, (order, series))

    def _can_take(self, order: int, team: int) -> bool:
        """Whether ``team``, one of whose volunteers accepts ``order`` now, has the free
        volunteers it needs (and is not barred from it: :meth:`sim.model.dispatcher.Dispatcher.barred`)."""
        d = self.dispatcher
        return d.spare[team] >= self.orders.need[order] and team not in d.barred(order)

    def _take(self, order: int, team: int) -> None:
        """``team`` takes ``order`` at its acceptance, now."""
        self._forget(order)
        self.orders.accept_delay[order] = 0.0  # the acceptance is now: the assignment
        self.lifecycle.assign(order, team)

    def take_acceptance_due(self, order: int) -> bool:
        """Let an acceptance of the order's live wave that falls due now take it, before the
        escalation timer of the same minute moves it up: an order accepted within its tier's
        timeout is not escalated. (SimPy runs the events of one minute in the order they were
        booked: the first wave's answer, booked at the tier's entry, comes before that timer
        anyway; a later wave's, booked after it, would come after.) The first due acceptor
        whose team has the free volunteers takes it; returns whether one did (if not, the
        escalation starts a new series of waves, and the due acceptances lapse)."""
        pending = self.pending.get(order)
        now = self.env.now
        while pending and pending[0][0] <= now:
            _, team = pending.pop(0)
            if self._can_take(order, team):
                self._take(order, team)
                return True
        return False

    def _wave_due(self, event) -> None:
        """The next wave of a series is due: send it (the order may be taken at once)."""
        order, series = event.value
        if not self._live(order, series):
            return
        team = self._send(order)
        if team is not None:
            self.lifecycle.assign(order, team)
