"""What one replication leaves behind: the order log and the state log (columnar numpy).

Every observable fact of a run is here; KPIs are computed from these after the run. Times are
minutes from 00:00 of day 0; NaN means "did not happen before the horizon".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.config.teams import TEAM_LEVELS

CLOSED, CANCELLED, OPEN = 0, 1, 2
# team levels left out of the on-duty counts by town (RunLog.on_duty_by_town): the forces of
# channels of their own, which never answer catalogue orders
TOWN_DUTY_APART = ("proxy_point", "mediation_room", "professional")
OUTCOMES = ("closed", "cancelled", "open")


def apart_from_town_duty(levels: np.ndarray) -> np.ndarray:
    """Whether teams of ``levels`` (indices into ``TEAM_LEVELS``, -1 for none) are left out of
    the on-duty counts by town (:data:`TOWN_DUTY_APART`): what the state log, the miss causes'
    rule 2 and its check leave out alike."""
    return np.isin(levels, [TEAM_LEVELS.index(level) for level in TOWN_DUTY_APART])


@dataclass
class RareTimes:
    """A time few orders have (the administrator's review, the county tier, a cancellation), as
    (order, minutes) pairs sorted by order: 12 bytes an order that has it, instead of 8 bytes
    an order, NaN for most, in a full column."""

    n: int  # orders in the log
    order: np.ndarray  # int32 order ids, ascending
    minutes: np.ndarray  # float64 minutes from 00:00 of day 0, none after the horizon

    def dense(self) -> np.ndarray:
        """The full column (a new read-only float64 array of ``n`` values, 8 bytes each):
        minutes for the orders that have the time, NaN for the rest. Read-only, because
        writing to it would change nothing in the log."""
        out = np.full(self.n, np.nan)
        out[self.order] = self.minutes
        out.flags.writeable = False
        return out


@dataclass
class RareIds:
    """An index few orders have (the batch of a batched order), as (order, value) pairs sorted
    by order."""

    n: int  # orders in the log
    order: np.ndarray  # int32 order ids, ascending
    value: np.ndarray  # int32

    def dense(self) -> np.ndarray:
        """The full column (a new read-only int32 array of ``n`` values): the value for the
        orders that have one, -1 for the rest."""
        out = np.full(self.n, -1, dtype=np.int32)
        out[self.order] = self.value
        out.flags.writeable = False
        return out


def _rare(name: str, doc: str) -> property:
    """A read-only column made on access from the order log's :class:`RareTimes` ``name``."""
    return property(lambda log: log.rare[name].dense(), doc=doc)


# the order log's columns, in the order of the log's fields (the CSV export's times follow it)
COLUMNS = (
    "id",
    "place",
    "town",
    "zone",
    "item",
    "professional",
    "channel",
    "volunteers",
    "tier_max",
    "t_booked",
    "t_placed",
    "t_review_start",
    "t_review_end",
    "t_handed_up",
    "t_tier2",
    "t_tier3",
    "t_alerted",
    "t_assigned",
    "t_accepted",
    "t_arrived",
    "t_closed",
    "t_released",
    "t_cancelled",
    "t_deadline",
    "team",
    "team_level",
    "outcome",
    "batch",
    "platform_event",
)
RARE_TIMES = (
    "t_booked",
    "t_review_start",
    "t_review_end",
    "t_handed_up",
    "t_tier3",
    "t_alerted",
    "t_cancelled",
)


@dataclass
class OrderLog:
    """One row per order placed before the horizon. Every column reads as a NumPy array of
    ``len(log)`` values; the times few orders have are kept as :class:`RareTimes` in ``rare``
    and made into full, read-only columns (NaN for the rest) each time they are read: read one
    once where it is used several times."""

    id: np.ndarray
    place: np.ndarray
    town: np.ndarray
    zone: np.ndarray  # 0 urban, 1 rural
    item: np.ndarray
    professional: np.ndarray  # bool
    channel: np.ndarray  # index into sim.config.channels.CHANNELS
    volunteers: np.ndarray
    tier_max: np.ndarray  # highest tier reached (1 village, 2 town, 3 county)
    t_placed: np.ndarray  # placed; for an appointment, the time asked for (the order is due from it)
    t_tier2: np.ndarray  # reached tier 2 (its town's teams); professional orders: NaN
    t_assigned: np.ndarray  # a volunteer is reserved
    t_accepted: np.ndarray  # the volunteer accepts: the response
    t_arrived: np.ndarray
    t_closed: np.ndarray  # service done, order closed (点单销号)
    t_released: np.ndarray  # volunteer back home and free again
    t_deadline: np.ndarray  # same-day deadline (end of day, or of next day after the cut-off)
    team: np.ndarray  # serving team, -1 if none
    team_level: np.ndarray  # index into TEAM_LEVELS, -1 if none
    outcome: np.ndarray  # CLOSED, CANCELLED or OPEN at the horizon
    rare: dict[str, RareTimes]  # the times in RARE_TIMES
    batched: RareIds  # the batch (a row of the run's batch log) of each batched order
    held: RareIds  # the batched event (index in events) whose platform held each order it held

    t_booked = _rare("t_booked", "appointments: when the citizen booked (t_placed is the time asked for)")
    t_review_start = _rare("t_review_start", "professional orders: the administrator starts the review")
    t_review_end = _rare("t_review_end", "professional orders: the review ends")
    t_handed_up = _rare("t_handed_up", "its village team could not provide it and handed it up to tier 2")
    batch = property(
        lambda log: log.batched.dense(), doc="the batch of a batched order (its batch log row); -1 for others"
    )
    platform_event = property(
        lambda log: log.held.dense(),
        doc="the batched event whose platform held the order (index in events), batched or left "
        "there at the event's end; -1 for orders dispatched alone",
    )
    t_tier3 = _rare("t_tier3", "reached tier 3 (the county), or left the administrator's review")
    t_alerted = _rare(
        "t_alerted", "dispatch as alerts: the order's first wave of alerts (NaN: never alerted)"
    )
    t_cancelled = _rare("t_cancelled", "the citizen cancelled the order")

    def __len__(self) -> int:
        return len(self.id)

    def columns(self) -> dict[str, np.ndarray]:
        """The log as a mapping of column name to array, in :data:`COLUMNS` order."""
        return {name: getattr(self, name) for name in COLUMNS}


@dataclass
class ActivityLog:
    """One row per planned group activity."""

    team: np.ndarray
    t_start: np.ndarray
    t_end: np.ndarray
    participants: np.ndarray
    pulled: np.ndarray  # on-duty volunteers taken out of the order pool


@dataclass
class BatchLog:
    """One row per batch trip of a batched surge event (``events[].delivery``): the crew of
    ``volunteers`` of ``team`` takes ``orders`` orders at ``t_start`` (the collection), arrives
    at ``place``, closes them all at ``t_closed`` and is back at ``t_released`` (minutes; NaN
    after the horizon)."""

    event: np.ndarray  # index into the scenario's events
    place: np.ndarray
    team: np.ndarray
    volunteers: np.ndarray
    orders: np.ndarray
    t_start: np.ndarray
    t_arrived: np.ndarray
    t_closed: np.ndarray
    t_released: np.ndarray

    def __len__(self) -> int:
        return len(self.team)

    @classmethod
    def empty(cls) -> BatchLog:
        """A log without batches."""
        ints, times = np.zeros(0, dtype=np.int64), np.zeros(0)
        return cls(ints, ints, ints, ints, ints, times, times, times, times)


@dataclass
class TownChanges:
    """Changes of a count of volunteers, in time order, by town, over the teams
    ``on_duty_by_town`` counts (few rows: a handful a day and town): ``RunLog.away``, the
    volunteers an extension takes out of the order pool (+: an absence) and gives back (-;
    activities and batch crews are in their own logs); ``RunLog.beyond_duty``, those still busy beyond
    their team's on-duty count (+ as a shift ends under busy volunteers, or an extension takes
    busy ones; - as they come back, or a new shift's count rises over them). With them, a
    town's free volunteers at a minute follow exactly from its on-duty count and its orders'
    busy intervals (:func:`sim.results.causes.free_in_town`)."""

    town: np.ndarray  # int32
    t: np.ndarray  # float64 minutes
    change: np.ndarray  # int32 volunteers

    def __len__(self) -> int:
        return len(self.town)

    @classmethod
    def empty(cls) -> TownChanges:
        """No change."""
        return cls(np.zeros(0, dtype=np.int32), np.zeros(0), np.zeros(0, dtype=np.int32))


@dataclass
class RunLog:
    """Everything one replication produced."""

    orders: OrderLog
    activities: ActivityLog
    on_duty_by_level: np.ndarray  # (levels, hours) int32 volunteers on duty at each hour
    # (towns, hours) int32: the teams that answer catalogue orders (not the proxy points,
    # mediation rooms or professional organisations: TOWN_DUTY_APART)
    on_duty_by_town: np.ndarray
    horizon_min: float
    window_min: tuple[float, float]  # orders placed in [start, end) are measured
    batches: BatchLog = field(default_factory=BatchLog.empty)  # batched events' trips
    away: TownChanges = field(default_factory=TownChanges.empty)  # out of the order pool
    beyond_duty: TownChanges = field(default_factory=TownChanges.empty)  # busy after their shift
