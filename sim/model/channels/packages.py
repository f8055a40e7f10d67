"""Tailored packages (套餐), the ``package`` channel's orders: recurring visits to registered
recipients.

The article: 根据孤寡老人、留观儿童、特需群体等,推出定制"套餐"项目化服务 ...
如针对婴儿、孕妇量身定制的"宝宝餐""孕妇餐"、开通疫情防控心理疏导咨询项目、
搭建志愿者"临时理发店"等"套餐"服务项目 (for elderly people living alone, children kept
under observation [留观] and other groups with special needs, tailored packages: meals for
babies and pregnant women, epidemic counselling, a volunteers' temporary barber shop). The
article introduces them in its paragraph on the epidemic (如在新冠疫情期间); running them all
year, and the children's weekly care visit for left-behind children (留守儿童, our substitute
for 留观儿童, for whom the article names no package), are our readings (docs/model.md,
"Tailored packages"; docs/assumptions.md).

Each package (``packages.kinds``) has registered recipients in every place, Poisson with mean
``recipients_per_1000`` x the place's population / 1,000, and visits each of them every
``every_days`` days at ``start`` (its order is placed then; the first visit on a day drawn
uniformly among the first ``every_days``), due ``due_within_min`` minutes later. All are drawn at
set-up from the place's own stream ``packages/<place code>``, so the catalogue's and the other
channels' orders are unchanged. E.g. 1 recipient per 1,000 residents visited weekly: a place of
2,000 residents has 2 recipients on average, about 2 visits a week.
"""

from __future__ import annotations

from array import array

import numpy as np

from sim.model.compact import append
from sim.model.demand import Arrivals
from sim.model.rng import Streams
from sim.world.build import World
from sim.world.geography import parse_clock


def arrivals(world: World, streams: Streams, horizon_min: float) -> Arrivals:
    """The package visits placed before ``horizon_min`` (minutes), place by place and kind by
    kind (not sorted): each recipient's visits at ``start`` every ``every_days`` days from a
    drawn first day, with the uniforms of each order (service, patience, acceptance)."""
    kinds = list(world.scenario.packages.kinds.values())
    ids = [item.id for item in world.items]
    columns = [array("d"), array("i"), array("i"), array("d"), array("d"), array("d")]
    if kinds and any(k.recipients_per_1000 > 0 for k in kinds):
        days = int(np.ceil(horizon_min / 1440.0))
        names = (f"packages/{code}" for code in world.places.code)
        for place, rng in enumerate(streams.streams(names)):
            population = float(world.places.population[place])
            for kind in kinds:
                recipients = int(rng.poisson(kind.recipients_per_1000 * population / 1000.0))
                if recipients == 0:
                    continue
                first = rng.integers(0, kind.every_days, size=recipients)
                visits = np.arange(0, days, kind.every_days)
                day = (first[:, None] + visits[None, :]).ravel()
                times = np.sort(day * 1440.0 + parse_clock(kind.start))
                times = times[times < horizon_min]
                n = len(times)
                if n == 0:
                    continue
                u = rng.random((3, n))
                for column, values in zip(
                    columns, (times, np.full(n, place), np.full(n, ids.index(kind.item)), *u)
                ):
                    append(column, values)
    return Arrivals(
        np.frombuffer(columns[0], dtype=np.float64),
        np.frombuffer(columns[1], dtype=np.intc).astype(np.int32),
        np.frombuffer(columns[2], dtype=np.intc).astype(np.int32),
        *(np.frombuffer(c, dtype=np.float64) for c in columns[3:]),
    )
