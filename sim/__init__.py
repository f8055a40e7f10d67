"""Red Vest (红马甲): a discrete-event simulator of volunteer service coverage.

Data flows one way: scenario YAML -> :class:`sim.config.scenario.Scenario` -> :class:`sim.world.build.World`
-> :func:`sim.model.replication.simulate` (logs of one replication) -> :mod:`sim.results.kpis` -> :mod:`sim.experiments.runner`
-> :mod:`sim.reporting.report`. All times are minutes from 00:00 on the first simulated day.
"""

__version__ = "0.1.0"
