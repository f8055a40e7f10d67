"""The regression gate (``run.py check``): what a scenario's ``expect:`` block promises
(:mod:`.expectations`), the committed baselines (:mod:`.baseline`), a run judged against both
with confidence bounds (:mod:`.check`), the committed policy a config may not relax
(:mod:`.policy`), its terminal and Markdown report (:mod:`.report`) and JUnit XML
(:mod:`.junit`). docs/ci.md states the policy."""
