"""What one replication leaves behind: the order log and the state log (columnar numpy).

Every observable fact of a run is here; KPIs are computed from these after the run. Times are
minutes from 00:00 of day 0; NaN means "did not happen before the horizon".
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

CLOSED, CANCELLED, OPEN = 0, 1, 2
OUTCOMES = ("closed", "cancelled", "open")


@dataclass
class OrderLog:
    """One row per order placed before the horizon."""

    id: np.ndarray
    place: np.ndarray
    town: np.ndarray
    zone: np.ndarray  # 0 urban, 1 rural
    item: np.ndarray
    professional: np.ndarray  # bool
    volunteers: np.ndarray
    tier_max: np.ndarray  # highest tier reached (1 village, 2 town, 3 county)
    t_placed: np.ndarray
    t_review_start: np.ndarray  # professional orders: administrator starts the review
    t_review_end: np.ndarray
    t_tier2: np.ndarray  # reached tier 2 (its town's teams); professional orders: NaN
    t_tier3: np.ndarray  # reached tier 3 (the county), or left the administrator's review
    t_assigned: np.ndarray  # a volunteer is reserved
    t_accepted: np.ndarray  # the volunteer accepts: the response
    t_arrived: np.ndarray
    t_closed: np.ndarray  # service done, order closed (点单销号)
    t_released: np.ndarray  # volunteer back home and free again
    t_cancelled: np.ndarray
    t_deadline: np.ndarray  # same-day deadline (end of day, or of next day after the cut-off)
    team: np.ndarray  # serving team, -1 if none
    team_level: np.ndarray  # index into TEAM_LEVELS, -1 if none
    outcome: np.ndarray  # CLOSED, CANCELLED or OPEN at the horizon

    def __len__(self) -> int:
        return len(self.id)

    def columns(self) -> dict[str, np.ndarray]:
        """The log as a mapping of column name to array."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class ActivityLog:
    """One row per planned group activity."""

    team: np.ndarray
    t_start: np.ndarray
    t_end: np.ndarray
    participants: np.ndarray
    pulled: np.ndarray  # on-duty volunteers taken out of the order pool


@dataclass
class RunLog:
    """Everything one replication produced."""

    orders: OrderLog
    activities: ActivityLog
    on_duty_by_level: np.ndarray  # (levels, hours) int32 volunteers on duty at each hour
    on_duty_by_town: np.ndarray  # (towns, hours) int32
    horizon_min: float
    window_min: tuple[float, float]  # orders placed in [start, end) are measured
