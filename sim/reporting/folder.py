"""A results folder replaced whole: written in a temporary folder beside it, swapped in at the end.

``with results_folder(out) as tmp:`` checks ``out`` before anything is simulated, takes a lock
beside it (``.NAME.lock``; a second run to the same folder is refused with a clear message),
removes what killed runs left behind (``.NAME.tmp-*``, ``.NAME.old-*``), and yields an empty
temporary folder ``.NAME.tmp-XXXX`` in the same parent. When the block ends normally the
temporary folder becomes ``out`` in one atomic exchange (Linux ``renameat2(RENAME_EXCHANGE)``;
elsewhere two renames, undone by the next run if interrupted between them) and the previous
results are deleted; when it raises (an error, Ctrl-C, SIGTERM), the temporary folder is deleted
and ``out`` keeps the previous results untouched. A kill -9 at any moment therefore leaves
``out`` holding one complete run, the old or the new.

``with results_copy(out, rewritten) as tmp:`` (``report``) takes the same lock and yields a
temporary copy of ``out`` without the files ``rewritten``, for the block to write anew; it is
swapped in the same way, so an interrupted ``report`` leaves ``out`` as it was and a finished one
leaves each file it wrote new. The copy's other files are hard links (a large ``orders.csv.gz``
is not copied byte by byte; a file system without hard links gets real copies); the block writes
no file but those ``rewritten``, which are new files, so nothing is written through a link.

Only an empty folder, or one a run wrote (it holds the marker file ``.redvest-results``, or
``kpis.json`` / ``compare.json`` of an older run), is ever replaced: ``--out ~`` is refused, not emptied.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sim.config.errors import Problem, UserError
from sim.reporting.files import umask

MARKER = ".redvest-results"
MARKER_TEXT = "a Red Vest results folder, replaced whole by each run\n"
WRITTEN_BY_RUNS = ("kpis.json", "compare.json")  # folders of runs made before the marker existed
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old)-[A-Za-z0-9_]+$")
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, the rest still holds
    fcntl = None  # type: ignore[assignment]


def final_path(folder: str | Path) -> Path:
    """The results folder a temporary folder ``.NAME.tmp-XXXX`` becomes (itself otherwise)."""
    folder = Path(folder)
    match = _TEMP.match(folder.name)
    return folder.parent / match["name"] if match else folder


def user_path(path: str | Path) -> Path:
    """``path`` as the user knows it: a temporary folder ``.NAME.tmp-XXXX`` (or ``.old-``) in it
    shown as the results folder ``NAME`` it stands for (:func:`final_path`)."""
    parts = Path(path).parts
    for k, part in enumerate(parts):
        match = _TEMP.match(part)
        if match:
            return Path(*parts[:k], match["name"], *parts[k + 1 :])
    return Path(path)


def _fail(out: Path, message: str) -> UserError:
    return UserError([Problem(str(out), None, "", message)])


def is_replaceable(out: Path) -> bool:
    """Whether ``out`` may be replaced: absent, an empty folder, or a folder a run wrote."""
    if not out.exists():
        return True
    if not out.is_dir():
        return False
    return not any(out.iterdir()) or any((out / name).is_file() for name in (MARKER, *WRITTEN_BY_RUNS))


def check_out(out: str | Path) -> None:
    """Raise UserError unless ``out`` can become a results folder (called before simulating)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise _fail(out, "--out names a file; expected a folder for the results")
    if not is_replaceable(out):
        raise _fail(
            out,
            "--out names a folder that holds other files (no kpis.json); expected a new "
            "folder or one a previous run wrote (it would be replaced whole)",
        )
    _check_writable_parent(out, "")


def _check_writable_parent(path: Path, prefix: str) -> None:
    """Raise UserError unless the nearest existing folder above ``path`` is a writable folder
    (``prefix`` starts the message, e.g. the option's name)."""
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise _fail(path, f"{prefix}{parent} is a file; expected a folder path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _fail(path, f"{prefix}cannot write in {parent} (permission denied); expected a writable place")
    # the permission bits do not tell everything (a read-only or virtual file system such as
    # /proc, or a superuser, whom os.access always allows): make and remove a probe file
    try:
        handle, probe = tempfile.mkstemp(prefix=".redvest-probe-", dir=parent)
    except OSError as exc:
        reason = exc.strerror or "cannot make a file there"
        raise _fail(path, f"{prefix}cannot write in {parent} ({reason}); expected a writable place") from None
    os.close(handle)
    os.unlink(probe)


def check_file_out(path: str | Path, option: str) -> None:
    """Raise UserError unless ``path`` can be written as a file (called before simulating)."""
    path = Path(path)
    if path.is_dir():
        raise _fail(path, f"{option} names a folder; expected a file path")
    _check_writable_parent(path, f"{option}: ")


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    status = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if status == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _clean_stale(out: Path) -> None:
    """Remove temporary folders of killed runs; put back a previous run left aside mid-swap."""
    olds = sorted(out.parent.glob(f".{glob_escape(out.name)}.old-*"))
    if not out.exists() and olds:
        os.replace(olds[-1], out)  # interrupted between the two renames: keep the old run
        olds = olds[:-1]
    for stale in [*olds, *out.parent.glob(f".{glob_escape(out.name)}.tmp-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    if out.is_dir():  # per-file temporaries (.kpis.json.XXXX) of killed writes
        for stale in out.glob(".*.*"):
            if stale.is_file() and stale.name != MARKER:
                stale.unlink(missing_ok=True)


def glob_escape(text: str) -> str:
    """``text`` with glob's special characters escaped."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _swap_in(tmp: Path, out: Path) -> None:
    """Make ``tmp`` the folder ``out`` and delete what ``out`` held."""
    if not out.exists():
        os.rename(tmp, out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous run
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def results_folder(out: str | Path) -> Iterator[Path]:
    """Yield a temporary folder to write a run's results into; it replaces ``out`` whole when
    the block ends normally (see the module docstring)."""
    out = Path(out)
    check_out(out)
    with locked(out):
        check_out(out)  # again, now that no other run can change it
        with _swapped(out) as tmp:
            yield tmp
            (tmp / MARKER).write_text(MARKER_TEXT)


@contextlib.contextmanager
def results_copy(out: str | Path, rewritten: list[str]) -> Iterator[Path]:
    """Yield a temporary copy of the results folder ``out`` that lacks the files ``rewritten``
    (paths relative to ``out``, e.g. ``charts/map.png``) for the block to write; it replaces
    ``out`` whole when the block ends normally, and ``out`` stays untouched when it raises (see
    the module docstring). Used by ``report``, which rewrites some files of a finished run."""
    out = Path(out)
    check_out(out)
    with locked(out):
        check_out(out)
        with _swapped(out) as tmp:
            skip = {Path(name) for name in rewritten}

            def left_out(folder: str, names: list[str]) -> set[str]:
                here = Path(folder).relative_to(out)
                return {name for name in names if here / name in skip}

            shutil.copytree(out, tmp, symlinks=True, ignore=left_out, copy_function=_link, dirs_exist_ok=True)
            yield tmp


def _link(source: str, target: str) -> None:
    """Hard-link ``source`` as ``target``; copy it where the file system has no hard links."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@contextlib.contextmanager
def _swapped(out: Path) -> Iterator[Path]:
    """Yield a new empty temporary folder beside ``out`` (the caller holds the lock); it
    replaces ``out`` when the block ends normally and is deleted when the block raises."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    tmp.chmod(0o777 & ~umask())  # as mkdir would make it (mkdtemp gives 0700)
    try:
        yield tmp
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def locked(out: str | Path) -> Iterator[None]:
    """Hold the lock of the results folder ``out`` (refusing a second run with one line) and
    clean what killed runs left behind."""
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        lock = open(out.parent / f".{out.name}.lock", "a+", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise _fail(
            out, f"cannot create the results folder ({exc.strerror}); expected a writable place"
        ) from None
    try:
        if fcntl is not None:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.seek(0)
                pid = lock.read().strip() or "?"
                raise _fail(
                    out,
                    f"another run (process {pid}) is writing this folder; wait for it to finish "
                    "or choose another --out",
                ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        _clean_stale(out)
        yield
    finally:
        lock.close()  # releases the lock (a killed process releases it too)
