"""The scenario language: the schema (:mod:`.scenario`, the top level, and a module per section:
:mod:`.geography`, :mod:`.demand`, :mod:`.teams`, :mod:`.events`, :mod:`.channels`,
:mod:`.dispatch`, all built from :mod:`.spec`), safe YAML reading with ``extends:``
(:mod:`.yaml_read`, :mod:`.loader`), whole-scenario checks (:mod:`.validate`, with the
channels' in :mod:`.channel_checks` and helpers in :mod:`.check_helpers`), the data files' checks
(:mod:`.data_checks`), the warnings (:mod:`.scenario_warnings`), the one entry point from a file
to a valid scenario (:func:`sim.config.load.load_scenario`) and the generated reference
(:mod:`.schema_doc`)."""
