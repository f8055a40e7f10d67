"""What replications leave: the logs of one run (:mod:`.logs`), its KPIs (:mod:`.kpis`), and
their statistics across replications (:mod:`.stats`, :mod:`.summary`). Pure functions of the
logs: nothing here simulates or writes files."""
