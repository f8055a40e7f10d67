"""The order table: every order of a replication and its state, one typed column per field.

The table is the one owner of per-order state: the order life cycle (:mod:`.lifecycle`) writes
it, the dispatcher (:mod:`.dispatcher`) reads the columns it ranks by, and the order log
(:mod:`sim.model.run_log`) is made from it after the run. Columns are compact typed arrays
(8 bytes a time, 1-4 an index, no Python object per value), indexed like lists by order id
(orders are numbered in placement order). Times are minutes from 00:00 of day 0; NaN = not
(yet) happened. Times few orders have (the county tier, the administrator's review, a
cancellation, a hand-up) and the batch of a batched order are kept by order in dicts.
"""

from __future__ import annotations

import math
from array import array

import numpy as np

from sim.config import distributions
from sim.config.channels import CHANNELS
from sim.config.geography import ZONES
from sim.model.compact import as_numpy, float_array, floats, int_code, ints, typed
from sim.model.demand import Arrivals
from sim.world.build import World

NAN = float("nan")
# an order's state
WAITING, ASSIGNED, CANCELLED, AT_ADMIN = 0, 1, 2, 3
COUNTY_TIER = 3
CATALOGUE = CHANNELS.index("catalogue")


class OrderTable:
    """Per-order columns of one replication (see the module's docstring)."""

    def __init__(self, world: World, arrivals: Arrivals, owned: bool):
        """Columns from the drawn arrivals: durations (minutes) from each order's uniforms.
        ``owned``: the arrivals were drawn for this replication alone, so each column of
        uniforms is dropped once turned into durations (less memory at the set-up's peak)."""
        w, a = world, arrivals
        n = self.n = len(a)
        places = a.place
        # what the order is: where, which item, how many volunteers, which skill
        self.t_placed = floats(a.time)
        if owned:
            a.time = None
        self.place = ints(places, len(w.places) - 1)
        self.item = ints(a.item, len(w.items) - 1)
        # (the log's town column is made in this one's buffer: its type holds towns too)
        self.skill = ints(w.item_skill[a.item], max(len(w.skills), len(w.towns.code)) - 1)
        self.need = ints(w.item_volunteers[a.item], int(w.item_volunteers.max(initial=0)))
        self.zone = typed("b", w.places.zone[places])
        self.professional = typed("b", w.item_professional[a.item])
        self.channel = typed("b", w.item_channel[a.item])  # index into CHANNELS
        offered = np.zeros((len(w.place_skills), max(1, len(w.skills))), dtype=bool)
        for place, place_skills in enumerate(w.place_skills):
            offered[place, list(place_skills)] = True
        # ordinary: a catalogue order whose village scope offers its skill, which
        # OrderLifecycle.place matches at once (its fast path; cleared for the orders their
        # village team hands up, :func:`sim.model.hand_up.handed_up_orders`)
        catalogue = w.item_channel[a.item] == CATALOGUE
        self.ordinary = typed("b", offered[places, w.item_skill[a.item]] & catalogue)
        # how long things take for this order (minutes), filled in place through numpy views
        self.service, service = float_array(n)
        for k, item in enumerate(w.items):
            mask = a.item == k
            if mask.any():
                service[mask] = distributions.quantile(item.service, a.u_service[mask])
        if owned:
            a.u_service = None
        self.patience, patience = float_array(n)
        for z, zone in enumerate(ZONES):
            mask = w.places.zone[places] == z
            if mask.any():
                patience[mask] = distributions.quantile(w.scenario.demand.patience[zone], a.u_patience[mask])
        if w.scenario.admin.patience is not None:  # citizens with a professional need
            mask = w.item_professional[a.item]
            if mask.any():
                patience[mask] = distributions.quantile(w.scenario.admin.patience, a.u_patience[mask])
        for channel, dist in enumerate(w.channel_patience):  # a channel's own patience, if any
            if dist is not None:
                mask = w.item_channel[a.item] == channel
                if mask.any():
                    patience[mask] = distributions.quantile(dist, a.u_patience[mask])
        if not w.channel_cancels.all():  # channels whose orders are never cancelled
            patience[~w.channel_cancels[w.item_channel[a.item]]] = np.inf
        if owned:
            a.u_patience = None
        self.accept_delay, accept = float_array(n)
        accept[:] = distributions.quantile(w.scenario.demand.acceptance_delay, a.u_accept)
        if owned:
            a.u_accept = a.place = a.item = None
        del places
        # what happens to it
        self.state = array("b", [WAITING]) * n
        self.tier = array("b", [1]) * n  # the tier it waits at now
        self.tier_max = array("b", [1]) * n
        self.t_tier2 = array("d", [NAN]) * n  # when it reached tier 2 (town)
        self.t_assigned = array("d", [NAN]) * n
        self.t_arrived = array("d", [NAN]) * n
        self.t_released = array("d", [NAN]) * n  # its volunteers back home
        self.team = array(int_code(len(w.teams) - 1), [-1]) * n
        self.t_tier3: dict[int, float] = {}
        self.t_review_start: dict[int, float] = {}
        self.t_review_end: dict[int, float] = {}
        self.t_cancelled: dict[int, float] = {}
        # appointments: when the citizen booked (``t_placed`` is then the time asked for)
        self.t_booked: dict[int, float] = {}
        if a.booked is not None:
            booked = np.flatnonzero(~np.isnan(a.booked))
            self.t_booked = dict(zip(booked.tolist(), a.booked[booked].tolist()))
            if owned:
                a.booked = None
        # professional orders: the team the administrator selected, and those waiting at its desk
        self.directed: dict[int, int] = {}
        self.at_desk: set[int] = set()
        # the village team declined the order at placement (dispatch.hand_up): minutes
        self.t_handed_up: dict[int, float] = {}
        # batched delivery (events[].delivery): the batch of each batched order (a row of the
        # replication's batch log), and the event (index in ``events``) whose platform held each
        # order uploaded to one, batched or not (left there at the event's end, or at the run's)
        self.batch: dict[int, int] = {}
        self.platform_event: dict[int, int] = {}
        # the promise a waiting order is ranked by
        self._urban_promise = w.scenario.targets.urban_response_min
        # per item: minutes to its deadline (its own, else its channel's); NaN: the same-day rule
        due_after = w.channel_due_min[w.item_channel]
        own = ~np.isnan(w.item_due_min)
        due_after[own] = w.item_due_min[own]
        self._due_after = due_after.tolist()
        self._cutoff, self._day_end = w.cutoff_min, w.day_end_min
        self._world = w  # (its same-day deadline rule, for the log's deadlines)

    def __len__(self) -> int:
        return self.n

    def deadline(self, order: int) -> float:
        """The promise a waiting order is ranked by (minutes): placement plus the urban response
        time for an urban catalogue order; placement plus its item's time where the item or its
        channel has its own deadline (``World.item_due_min``, ``World.channel_due_min``); else
        its same-day deadline (as :meth:`sim.world.build.World.same_day_deadline`, for one
        order: the same float operations)."""
        placed = self.t_placed[order]
        channel = self.channel[order]
        if channel == CATALOGUE and self.zone[order] == 0:
            return placed + self._urban_promise
        due_after = self._due_after[self.item[order]]
        if due_after == due_after:  # not NaN: the item's (its channel's) own deadline
            return placed + due_after
        day = float(math.floor(placed / 1440.0))
        return (day + ((placed - day * 1440.0) >= self._cutoff)) * 1440.0 + self._day_end

    def deadlines(self, out: np.ndarray | None = None) -> np.ndarray:
        """Every order's deadline (minutes, into ``out`` if given): its item's or channel's own
        where there is one, else the same-day deadline (the log's ``t_deadline``)."""
        placed = np.frombuffer(self.t_placed, dtype=np.float64)
        due = self._world.same_day_deadline(placed, out=out)
        due_after = np.asarray(self._due_after)
        if not np.isnan(due_after).all():
            own_due = due_after[as_numpy(self.item)]  # (one scratch column: the log's peak)
            own = ~np.isnan(own_due)
            own_due += placed
            np.copyto(due, own_due, where=own)
        return due

    def drop_working_state(self) -> None:
        """Free the columns only the run needed (the run is over)."""
        self.ordinary = None
