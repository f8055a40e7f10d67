"""Property: whatever is done to a valid scenario, validation ends in a valid scenario or a clean
UserError (one line per problem, each naming FILE:LINE), never another exception or a hang."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config.errors import UserError
from sim.config.load import load_scenario
from sim.world.build import build_world

TESTS = Path(__file__).resolve().parent / "scenarios"
BASE_TEXT = (TESTS / "base.yaml").read_text(encoding="utf-8")
BASE = yaml.safe_load(BASE_TEXT)
for key in ("towns_csv", "places_csv"):
    BASE["geography"][key] = str(TESTS / BASE["geography"][key])
BASE["pairing"]["file"] = str(TESTS / BASE["pairing"]["file"])
LINE = re.compile(r"^[^\n]+?\.(yaml|csv):\d+: [^\n]+$")

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["__delete__", "12:00", "25:99", "", "Kunyang", "day", "lognormal", "-1"]),
    st.lists(st.one_of(st.integers(-5, 5), st.floats(-2, 2), st.text(max_size=3)), max_size=30),
    st.dictionaries(st.text(max_size=6), st.integers(-3, 3), max_size=3),
)


def outcome(path: Path) -> None:
    """Validate like `run.py validate`: a valid world, or a UserError with well-formed lines."""
    try:
        build_world(load_scenario(path))
    except UserError as exc:
        lines = exc.lines()
        assert lines
        for line in lines:
            assert LINE.match(line), line


@st.composite
def mutated(draw):
    """The base scenario with one to three random edits somewhere in its tree."""
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        node = data
        while True:  # walk down to a random container
            children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            inner = [(k, v) for k, v in children if isinstance(v, (dict, list)) and v]
            if not inner or draw(st.integers(0, 3)) == 0:
                break
            node = draw(st.sampled_from(inner))[1]
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        action = draw(st.sampled_from(["drop", "replace", "insert"]))
        if action == "drop" and keys:
            del node[draw(st.sampled_from(keys))]
        elif action == "replace" and keys:
            node[draw(st.sampled_from(keys))] = draw(junk)
        elif isinstance(node, dict):
            node[draw(st.text(min_size=1, max_size=8))] = draw(junk)
        else:
            node.append(draw(junk))
    return data


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated())
def test_mutated_scenario_is_valid_or_a_clean_user_error(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("m") / "mutant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    outcome(path)


@settings(max_examples=120, deadline=None)
@given(
    at=st.integers(0, len(BASE_TEXT)),
    cut=st.integers(0, 40),
    insert=st.lists(
        st.sampled_from(
            [*"{}[]:-,&*!|>'\"#%@` \n\t\\x0", "\x00", "\ufeff", "é", "<<: *a", "&a ", "!!set ", "!!binary "]
        ),
        max_size=6,
    ).map("".join),
)
def test_mangled_text_is_valid_or_a_clean_user_error(at, cut, insert, tmp_path_factory):
    folder = tmp_path_factory.mktemp("t")
    for name in ("data",):
        (folder / name).symlink_to(TESTS / name)
    path = folder / "mangled.yaml"
    path.write_bytes((BASE_TEXT[:at] + insert + BASE_TEXT[at + cut :]).encode("utf-8"))
    outcome(path)
