"""The settings an order takes from its channel (:data:`sim.config.channels.CHANNELS`) or its
catalogue item, as per-channel and per-item tables the world holds: the minutes to its deadline,
the minutes before it escalates, the citizens' patience, whether they may cancel, and the highest
tier it escalates to (read from the scenario's channel sections)."""

from __future__ import annotations

import numpy as np

from sim.config.channels import CHANNELS
from sim.config.demand import Item
from sim.config.geography import ZONES
from sim.config.scenario import Scenario
from sim.config.spec import Dist


def item_channel(item: Item) -> int:
    """The channel (index into :data:`CHANNELS`) of an item's orders: professional items are in
    the professional channel, the others in the channel they name."""
    return CHANNELS.index("professional" if item.professional else item.channel)


def channel_due_minutes(scenario: Scenario) -> np.ndarray:
    """Per channel (:data:`CHANNELS`), the minutes from an order's placement to its deadline;
    NaN where the same-day rule applies (``targets.same_day_cutoff`` and ``day_end``): proxy
    errands are due ``proxy.deadline_days`` after placement, disputes ``mediation.deadline_days``
    (the same-day rule without the section), the paired units' projects
    ``pairing.projects.due_days``."""
    due = np.full(len(CHANNELS), np.nan)
    for channel, section in (("proxy", scenario.proxy), ("mediation", scenario.mediation)):
        if section is not None:
            due[CHANNELS.index(channel)] = section.deadline_days * 1440.0
    due[CHANNELS.index("pairing")] = scenario.pairing.projects.due_days * 1440.0
    return due


def channel_timeouts(scenario: Scenario) -> np.ndarray:
    """Per channel, zone and tier (1, 2): the minutes an order waits there before escalating.
    The ladder's ``dispatch.timeouts_min`` for the catalogue and professional channels; proxy
    errands never escalate (inf: their village's point serves them); a dispute waits
    ``mediation.village_timeout_min`` for its village's room, then goes on to the county at once
    (0 minutes at the town tier: the town stations do not mediate)."""
    ladder = np.array([scenario.dispatch.timeouts_min[z] for z in ZONES], dtype=float)
    out = np.repeat(ladder[None], len(CHANNELS), axis=0)
    if scenario.proxy is not None:
        out[CHANNELS.index("proxy")] = np.inf
    if scenario.mediation is not None:
        # the room's time, then straight on to the county: a town station does not mediate
        out[CHANNELS.index("mediation"), :, 0] = scenario.mediation.village_timeout_min
        out[CHANNELS.index("mediation"), :, 1] = 0.0
    return out


def channel_patience(scenario: Scenario) -> list[Dist | None]:
    """Per channel, the citizens' patience (minutes) replacing ``demand.patience``, or None."""
    out: list[Dist | None] = [None] * len(CHANNELS)
    for channel, section in (("proxy", scenario.proxy), ("mediation", scenario.mediation)):
        if section is not None:
            out[CHANNELS.index(channel)] = section.patience
    return out


# channels whose orders the citizen never cancels: the paired units' projects (the government
# delivers them) and the packages' visits (recurring, registered in advance)
NO_CANCELLATION = ("pairing", "package")


def channel_flags(names: tuple[str, ...]) -> np.ndarray:
    """A boolean per channel (:data:`CHANNELS`): whether it is one of ``names``."""
    return np.array([channel in names for channel in CHANNELS], dtype=bool)


def channel_top_tiers(scenario: Scenario) -> np.ndarray:
    """Per channel (:data:`CHANNELS`), the highest tier its orders escalate to: the county (3)
    for the catalogue and professional orders; 1 for the paired units' projects (the village's
    own paired units deliver them); ``packages.top_tier`` for the packages' visits."""
    top = np.full(len(CHANNELS), 3, dtype=np.int8)
    top[CHANNELS.index("pairing")] = 1
    top[CHANNELS.index("package")] = scenario.packages.top_tier
    return top


def item_due_minutes(scenario: Scenario) -> np.ndarray:
    """Per catalogue item, the minutes from an order's placement to its deadline where the item
    has its own (a package's due window, ``packages.kinds.*.due_within_min``); NaN where its
    channel's deadline applies (:func:`channel_due_minutes`)."""
    ids = [item.id for item in scenario.catalog]
    due = np.full(len(ids), np.nan)
    for kind in scenario.packages.kinds.values():
        if kind.item in ids:
            due[ids.index(kind.item)] = kind.due_within_min
    return due
