"""Red Vest (红马甲): a discrete-event simulator of volunteer service coverage.

Data flows one way, one sub-package per step:

* :mod:`sim.config`: scenario YAML -> a validated :class:`sim.config.scenario.Scenario`;
* :mod:`sim.world`: the world it describes (places, travel, teams, pairing, scopes);
* :mod:`sim.model`: one replication as a SimPy model -> its logs (writes no files);
* :mod:`sim.results`: logs, KPIs and their statistics;
* :mod:`sim.experiments`: replications, comparisons, sweeps, staffing optimisation, clusters;
* :mod:`sim.gate`: the regression gate on committed policy configs;
* :mod:`sim.reporting`: charts, the briefing and result files (never simulates);
* :mod:`sim.cli`: the command line.

All times are minutes from 00:00 on the first simulated day.
"""

__version__ = "0.1.0"
