"""The volunteer force: the team levels (``TEAM_LEVELS``), the ``teams:`` section (village,
town, county, sub-center and professional teams, per-town overrides, extra on-duty volunteers),
the duty :class:`Schedule` each team kind names, and the ``activities:`` section (planned group
activities that take members off duty). :mod:`sim.world.workforce` builds the teams from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sim.config.spec import Dist, spec

TEAM_LEVELS = (
    "village",
    "paired",
    "town",
    "county",
    "subcenter",
    "professional",
    "proxy_point",
    "mediation_room",
)

# the levels of the teams that serve one service channel in their own village only (a red proxy
# point, a mediation room): forces of their own, outside the 1,010 teams of the practice network
CHANNEL_TEAM_LEVELS = ("proxy_point", "mediation_room")


@dataclass(frozen=True)
class Schedule:
    """Share of a team's members on duty by hour of day: Monday to Friday, and Saturday and
    Sunday (the weekday shares when no weekend shares are given)."""

    weekday: list[float] = spec(
        factory=lambda: [0.0] * 24,
        doc="Monday..Friday, per hour",
        unit="fraction of members",
        ge=0,
        le=1,
        length=24,
    )
    weekend: list[float] | None = spec(
        None,
        doc="Saturday, Sunday, per hour; null or left out = the weekday shares",
        unit="fraction of members",
        ge=0,
        le=1,
        length=24,
    )

    def week(self) -> list[list[float]]:
        """The shares of the seven days, Monday first (a list of 24 hourly shares each)."""
        weekend = self.weekday if self.weekend is None else self.weekend
        return [self.weekday] * 5 + [weekend] * 2


@dataclass(frozen=True)
class TeamKind:
    """A kind of team generated for every place/town/kind, or a named team."""

    name: str = spec("", "team name (named teams only)")
    members: int = spec(0, "registered active members", "people", ge=0, le=100_000)
    skills: list[str] = spec(factory=list, doc="skills the members offer")
    schedule: str = spec("village", "name of a schedule in `schedules`")
    home_town: str = spec("", "town (pinyin) of the team's home, its seat place; empty = county seat")
    count: int = spec(1, "number of identical teams", "teams", ge=0, le=10_000)
    members_per_1000: float = spec(
        0.0,
        "extra members per 1,000 residents of the town (town stations only)",
        "people per 1,000 residents",
        ge=0,
        le=1000,
    )


BASIC = ["errand", "visit", "household", "tech_help", "care"]


@dataclass(frozen=True)
class TownTeams:
    """Village-level teams of one town that differ from the county-wide settings (null = same),
    and scales of the town's own members (1 = as the county-wide settings give them)."""

    community_schedule: str | None = spec(None, "schedule of the town's community teams")
    village_schedule: str | None = spec(None, "schedule of the town's village teams")
    village_members_per_1000: float | None = spec(
        None,
        "extra members of the town's village/community teams per 1,000 residents",
        "people per 1,000 residents",
        ge=0,
        le=1000,
    )
    village_scale: float = spec(
        1.0,
        "multiplier on the members of the town's village and community teams, times "
        "`teams.village_scale` (0.667 = a third fewer; members rounded to whole people)",
        "ratio",
        ge=0,
        le=1000,
    )
    station_scale: float = spec(
        1.0,
        "multiplier on the members of the town's station, times `teams.station_scale` "
        "(0.667 = a third fewer; members rounded to whole people)",
        "ratio",
        ge=0,
        le=1000,
    )


@dataclass(frozen=True)
class Addition:
    """Extra on-duty volunteers at a town's seat, every day in a band of hours (a team of its own)."""

    town: str = spec("", "town (pinyin or Chinese name) whose seat the volunteers set off from")
    hours: list[int] = spec(
        factory=lambda: [19, 22],
        doc="[start, end) hours of day on duty, e.g. [19, 22] = 19:00-22:00; [22, 7] wraps past midnight",
        unit="hour of day",
        ge=0,
        le=24,
        length=2,
    )
    volunteers: int = spec(1, "volunteers on duty in those hours", "people", ge=0, le=100_000)
    skills: list[str] = spec(factory=list, doc="their skills; empty = the town station's")


@dataclass(frozen=True)
class Teams:
    """The volunteer force."""

    village_members_community: int = spec(
        38, "members of a community practice point's team", "people", ge=0, le=100_000
    )
    village_members_village: int = spec(
        26, "members of a village practice point's team", "people", ge=0, le=100_000
    )
    village_members_per_1000: float = spec(
        0.0,
        "extra members of a village/community team per 1,000 residents of its place",
        "people per 1,000 residents",
        ge=0,
        le=1000,
    )
    village_skills: list[str] = spec(
        factory=lambda: list(BASIC), doc="skills of village practice point teams"
    )
    community_schedule: str = spec("community", "schedule of community teams")
    village_schedule: str = spec("village", "schedule of village teams")
    town: TeamKind = spec(
        factory=lambda: TeamKind(members=140, skills=BASIC + ["repair"], schedule="station"),
        doc="one town-station team per town, at the town seat",
    )
    county: TeamKind = spec(
        factory=lambda: TeamKind(
            name="county-center", members=60, skills=BASIC + ["repair"], schedule="center", count=10
        ),
        doc="county-center teams at the county seat",
    )
    centers: list[TeamKind] = spec(
        factory=list,
        doc="more county-level center teams, each kind "
        "at its `home_town`'s seat (e.g. one center per county of a "
        "multi-county region); they serve the county tier like "
        "`county`",
    )
    subcenters: list[TeamKind] = spec(factory=list, doc="department sub-center teams")
    professional: list[TeamKind] = spec(factory=list, doc="professional teams")
    town_overrides: dict[str, TownTeams] = spec(
        factory=dict,
        doc="per town (pinyin): village-level team settings that differ from the county-wide ones "
        "above, and scales of the town's village and station members",
    )
    additions: list[Addition] = spec(
        factory=list, doc="extra on-duty volunteers by town and hours (what `optimize` proposes)"
    )
    duty_counts: Literal["drawn", "rounded"] = spec(
        "drawn",
        "how members x a schedule's share becomes a whole number on duty: drawn (the whole part, "
        "plus one member with the probability of the fraction in each shift block: the expected "
        "count is members x share, and a small team is on duty sometimes) or rounded (the "
        "nearest whole number, halves up: 5 members x 7% is never anyone)",
    )
    show_up: float = spec(
        0.85,
        "probability that a scheduled member is actually available in a shift block",
        "probability",
        ge=0,
        le=1,
    )
    village_scale: float = spec(
        1.0,
        "multiplier on the members of every village and community team (staffing studies: "
        "0.5 = half the village volunteers; members rounded to whole people)",
        "ratio",
        ge=0,
        le=1000,
    )
    station_scale: float = spec(
        1.0,
        "multiplier on the members of every town station (staffing studies; members rounded to whole people)",
        "ratio",
        ge=0,
        le=1000,
    )


@dataclass(frozen=True)
class Activities:
    """Planned group activities (the source counts 709 a month)."""

    per_month: float = spec(709.0, "activities per 30.44 days", "activities", ge=0, le=1e6)
    participants: Dist = spec(
        factory=lambda: Dist("lognormal", 14.0, 0.5), doc="volunteers taking part", unit="people"
    )
    duration: Dist = spec(
        factory=lambda: Dist("lognormal", 180.0, 0.3), doc="length of an activity", unit="minutes"
    )
    start_hours: list[int] = spec(
        factory=lambda: [8, 9, 9, 10, 14, 14, 15, 19],
        doc="possible start hours (equally likely)",
        unit="hour of day",
    )
    weekend_weight: float = spec(2.0, "relative activity rate on Saturday/Sunday", "ratio", ge=0, le=1000)
    levels: list[str] = spec(
        factory=lambda: ["village", "town", "paired", "subcenter"], doc="team levels that hold activities"
    )
