"""Writing result files whole: a temporary file in the same folder, then an atomic rename.

An interrupted run therefore never leaves a half-written ``kpis.json``: either the old file or
the new one is there.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any


def umask() -> int:
    """The process's file-creation mask now (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def stage_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path`` (fsynced, with the permissions a
    plainly created file gets: 0666 less the umask, not mkstemp's 0600) and return its path;
    ``os.replace(tmp, path)`` then puts it in place atomically. Nothing is left on failure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        mode = 0o666 & ~umask()  # what open() would give a new file (mkstemp alone gives 0600)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        else:
            os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return Path(tmp)


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (:func:`stage_bytes`, then a rename)."""
    tmp = stage_bytes(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    write_bytes(path, text.encode("utf-8"))


def jsonable(value: Any) -> Any:
    """Replace NaN and infinities by None (JSON null) recursively; numpy scalars to Python."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_text(data: Any) -> str:
    """``data`` as the project's JSON files hold it (NaN as null, stable formatting: same data,
    same text)."""
    return json.dumps(jsonable(data), indent=2, ensure_ascii=False) + "\n"


def write_json(path: str | Path, data: Any) -> None:
    """Write JSON atomically (:func:`json_text`)."""
    write_text(path, json_text(data))


def write_json_files(files: dict[Path, Any]) -> None:
    """Write several JSON files (as :func:`write_json`) all or none as far as the file system
    allows: every file is staged first, and only when all are written are they renamed into
    place; a failure while staging (a full disk) leaves every old file as it was."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((stage_bytes(path, json_text(data).encode("utf-8")), Path(path)))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


def write_gzip_text(path: str | Path, text: str) -> None:
    """Write gzip-compressed UTF-8 text atomically, with a fixed header (reproducible bytes)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))
    write_bytes(path, buffer.getvalue())
