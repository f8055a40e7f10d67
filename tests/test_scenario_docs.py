"""docs/scenarios.md is generated from the schema and cannot drift from it."""

from __future__ import annotations

from pathlib import Path

from sim.cli.main import main
from sim.config import schema_doc

REPO = Path(__file__).resolve().parent.parent


def test_committed_reference_equals_the_generated_one():
    committed = (REPO / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert committed == schema_doc.render(), "run `python run.py schema --write`"


def test_every_schema_key_is_documented_by_its_path_or_in_its_type_section():
    text = schema_doc.render()
    keys = schema_doc.schema_keys()
    assert "teams.town_overrides.<name>.village_schedule" in keys
    for key in keys:
        # in a type's section, a key is named by its path inside the type (e.g. `mode` of
        # events[].callups... or `delivery.mode` of events[], an optional mapping of the type)
        parts = key.split(".")
        inside = [".".join(parts[k:]) for k in range(1, len(parts))]
        assert f"`{key}`" in text or any(f"| `{path}` |" in text for path in inside), key


def test_schema_check_command_reports_drift(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(schema_doc, "DOC_PATH", tmp_path / "scenarios.md")
    assert main(["schema", "--check"]) == 1
    assert main(["schema", "--write"]) == 0
    assert main(["schema", "--check"]) == 0
    assert (tmp_path / "scenarios.md").read_text(encoding="utf-8") == schema_doc.render()


def test_the_worked_example_and_its_error_are_real(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(["validate", str(schema_doc.EXAMPLE.relative_to(REPO))]) == 0
    text = schema_doc.EXAMPLE.read_text(encoding="utf-8")
    broken = text.replace("rural: [20, 180]", "rural: [20, -180]").replace(
        "../pingyang.yaml", str(REPO / "scenarios" / "pingyang.yaml")
    )
    assert broken != text
    path = tmp_path / schema_doc.EXAMPLE.name
    path.write_text(broken, encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    expected = schema_doc.EXAMPLE_ERROR.replace("scenarios/policies/short_village_timeout.yaml", str(path))
    assert err == expected
