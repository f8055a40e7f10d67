"""The scenario language: the schema (:mod:`.scenario`, the top level, and a module per section:
:mod:`.geography`, :mod:`.demand`, :mod:`.teams`, :mod:`.events`, :mod:`.channels`,
:mod:`.dispatch`, all built from :mod:`.spec`), safe YAML reading with ``extends:``
(:mod:`.yaml_read`, :mod:`.loader`), whole-scenario checks (:mod:`.validate`), the one entry
point from a file to a valid scenario (:func:`sim.config.load.load_scenario`) and the generated
reference (:mod:`.schema_doc`)."""
