"""Red Vest (红马甲): a discrete-event simulator of volunteer service coverage.

Data flows one way: scenario YAML -> :class:`sim.scenario.Scenario` -> :class:`sim.world.World`
-> :func:`sim.model.simulate` (logs of one replication) -> :mod:`sim.kpis` -> :mod:`sim.experiment`
-> :mod:`sim.report`. All times are minutes from 00:00 on the first simulated day.
"""

__version__ = "0.1.0"
