"""Checks of a surge event's ``delivery`` that apply to its mode only: who is designated matters
to batched delivery alone, so a per-order event without call-ups is a valid scenario (the
designated default, ``[callups]``, must not refuse it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.config.errors import UserError
from sim.config.load import load_scenario

BASE = Path(__file__).resolve().parent / "scenarios" / "base.yaml"


def event_file(tmp_path: Path, mode: str) -> Path:
    """A scenario extending the test base with one event on Aojiang, no call-ups, ``mode``."""
    path = tmp_path / f"{mode}.yaml"
    path.write_text(
        f"extends: {BASE}\nevents:\n  - name: surge\n    places: [Aojiang]\n"
        f"    multiplier: 3\n    delivery: {{mode: {mode}}}\n",
        encoding="utf-8",
    )
    return path


def test_a_per_order_event_needs_no_call_ups(tmp_path):
    scenario = load_scenario(event_file(tmp_path, "per_order"))
    assert scenario.events[0].delivery.mode == "per_order"


def test_a_batched_event_without_call_ups_is_refused_naming_the_default(tmp_path):
    with pytest.raises(UserError) as refused:
        load_scenario(event_file(tmp_path, "batched"))
    assert len(refused.value.problems) == 1
    assert "'callups' (the default when not given)" in str(refused.value)
