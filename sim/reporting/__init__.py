"""Outputs, made from results and never by simulating: the results folder (:mod:`.report`,
:mod:`.saved`, written whole by :mod:`.files`), charts (:mod:`.charts`), the leadership briefing
(:mod:`.briefing`) in English and Chinese (:mod:`.i18n`), and the verdicts and formats they all
share (:mod:`.formatting`)."""
