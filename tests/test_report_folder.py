"""`report` rewrites a results folder whole: an interrupted or failing report leaves it as it
was, a finished one leaves each file it writes new and every other file as it was (the same
inode: hard links, not copies), and a run holding the folder's lock refuses it."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from sim.reporting import briefing, chart_style
from sim.reporting.folder import locked
from tests.conftest import run_cli

TINY = Path(__file__).parent / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    """A results folder of the tiny county (1 day, 2 replications)."""
    out = tmp_path_factory.mktemp("run") / "tiny"
    argv = ["run", str(TINY), "--days", "1", "--reps", "2", "--jobs", "1", "--out", str(out)]
    assert run_cli(argv)[0] == 0
    return out


@pytest.fixture
def out(finished_run, tmp_path) -> Path:
    """A fresh copy of the finished run, with a file of the user's beside the results."""
    copy = tmp_path / "out"
    shutil.copytree(finished_run, copy)
    (copy / "notes.txt").write_text("mine")
    return copy


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under ``folder``: (bytes, mtime in ns, inode)."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("failure", "status"),
    [(KeyboardInterrupt(), 130), (OSError(errno.ENOSPC, "No space left on device"), 2)],
    ids=["interrupted", "disk-full"],
)
def test_an_interrupted_or_failing_report_leaves_the_folder_as_it_was(out, monkeypatch, failure, status):
    before = snapshot(out)

    def fail(*args, **kwargs):  # three charts (six files) are drawn by then
        raise failure

    monkeypatch.setattr(briefing, "town_compliance_chart", fail)
    assert run_cli(["report", str(out)])[0] == status
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == [".out.lock", "out"]  # no temporary folder


def test_a_finished_report_writes_its_files_anew_and_keeps_every_other_file(out):
    before = snapshot(out)
    written = briefing.write_report(out, "en", progress=False)
    after = snapshot(out)
    rewritten = set(briefing.report_files("en"))
    assert set(after) == set(before)
    assert {p.relative_to(out).as_posix() for p in written.values()} <= rewritten
    for name in after:
        if name in rewritten:
            assert after[name][2] != before[name][2], name  # a new file
        else:
            assert after[name] == before[name], name  # untouched: bytes, mtime, inode
    assert "tmp-" not in (out / "briefing.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.parent.iterdir()) == [".out.lock", "out"]
    if chart_style.cjk_font() is None:
        pytest.skip("no CJK font installed (pip install -e '.[zh]')")
    # Chinese beside English: exactly the files report_files names are added (the copy leaves
    # those out and links the rest, so a file it did not name would be written through a link)
    status, err = run_cli(["report", str(out), "--lang", "zh"])
    assert status == 0, err
    both = snapshot(out)
    assert set(both) - set(after) == set(briefing.report_files("zh"))
    assert all(both[name] == after[name] for name in after)


def test_a_report_to_a_folder_another_run_is_writing_is_refused(out):
    before = snapshot(out)
    with locked(out):
        status, err = run_cli(["report", str(out)])
    assert status == 2 and "another run (process" in err and "choose another --out" in err
    assert snapshot(out) == before


def test_a_report_of_a_missing_folder_makes_no_lock_or_folder(tmp_path):
    status, err = run_cli(["report", str(tmp_path / "none" / "out")])
    assert status == 2 and "no such folder" in err
    assert list(tmp_path.iterdir()) == []
