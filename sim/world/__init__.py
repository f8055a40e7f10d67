"""The world a scenario describes, built once and shared by every replication
(:func:`sim.world.build.build_world`): places (:mod:`.geography`) and travel times
(:mod:`.travel`), teams and their schedules (:mod:`.workforce`), pairing (:mod:`.pairing`),
surges (:mod:`.surges`), the dispatch scopes (:mod:`.scopes`), the settings orders take from
their channel (:mod:`.channel_tables`) and the dispatcher's static index of teams
(:mod:`.team_index`)."""
