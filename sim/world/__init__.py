"""The world a scenario describes, built once and shared by every replication
(:func:`sim.world.build.build_world`): places and travel (:mod:`.geography`), teams and their
schedules (:mod:`.workforce`), pairing (:mod:`.pairing`), surges (:mod:`.surges`) and the
dispatch scopes (:mod:`.build`)."""
