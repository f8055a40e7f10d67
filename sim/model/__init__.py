"""One replication as a SimPy model (:func:`sim.model.replication.simulate`): the order table,
the order life cycle and its escalation ladder, the central dispatcher, and the behaviours as
SimPy processes (duty roster, administrator, activities, surges, ferry). Writes no files;
everything observable is in the logs it returns (:mod:`.run_log`). docs/model.md has the map,
docs/extending.md the ways in."""
