"""The regression gate (``run.py check``): thresholds and committed baselines judged with
confidence bounds (:mod:`.check`), its terminal and Markdown report (:mod:`.report`) and JUnit
XML (:mod:`.junit`). docs/ci.md states the policy."""
