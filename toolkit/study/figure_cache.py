"""Figures kept by what they were drawn from, so that a rerun copies a PNG instead of drawing it.

A figure function of ``toolkit.study.figures`` decorated with :func:`drawn_once` draws from
tables and writes one PNG (its ``path`` argument). Once :func:`keep_in` names a folder (the
run's ``cache_dir``/``figures``; notebook 3 does it unless ``stage_cache`` is false), each call
is keyed by a SHA-256 of the function's name, the code (``stage_cache.code_fingerprint``: the
toolkit's files and every installed distribution's version, matplotlib's and the font
package's among them) and the content of every argument but ``path``. A key drawn before is
copied to ``path``; a new key is drawn and its PNG stored. The PNG bytes are a function of
those inputs (``figures._save`` writes no date), so a copied figure is the figure the call
would draw. A function that draws nothing for its tables (returns None: a corpus without
dates) is remembered as such. Entries are written under a temporary name and renamed; the
least recently used go once the folder holds more than ``MAX_FILES``; deleting the folder is
always safe.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import pickle
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

MAX_FILES = 5000
_folder: Path | None = None
outcomes: dict[str, int] = {"copied": 0, "drawn": 0}


def keep_in(folder: str | Path | None) -> None:
    """Keep this process's figures in ``folder`` (None: draw every figure, keep none)."""
    global _folder
    _folder = Path(folder) if folder is not None else None
    outcomes.update(copied=0, drawn=0)


def record(run) -> None:
    """Add what this process's figures did to the run's stage-cache record, as the stage
    ``figures`` (restored: every figure copied)."""
    from .stage_cache import StageCache

    copied, drawn = outcomes["copied"], outcomes["drawn"]
    if _folder is None:
        outcome = "computed (off)"
    elif not copied + drawn:
        outcome = "no figure drawn"
    elif not drawn:
        outcome = "restored"
    elif not copied:
        outcome = "computed, stored"
    else:
        outcome = f"{copied} of {copied + drawn} restored, the others computed and stored"
    StageCache(run).note("figures", outcome)


def _feed(h, value) -> None:
    """Feed ``value``'s content to the hash ``h`` (tables by their values, labels and types)."""
    if isinstance(value, pd.DataFrame):
        h.update(b"frame" + repr((list(value.columns), [str(t) for t in value.dtypes])).encode())
        for column in value.columns:
            _feed(h, value[column].reset_index(drop=True))
        _feed(h, value.index.to_series().reset_index(drop=True))
    elif isinstance(value, pd.Series):
        h.update(b"series" + repr((value.name, str(value.dtype), len(value))).encode())
        try:
            h.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
        except TypeError:  # unhashable cells (lists): their pickled form
            h.update(pickle.dumps((value.to_list(), value.index.to_list()), protocol=5))
    elif isinstance(value, np.ndarray):
        if value.dtype == object:
            h.update(pickle.dumps(value.tolist(), protocol=5))
        else:
            h.update(repr((str(value.dtype), value.shape)).encode() + np.ascontiguousarray(value).tobytes())
    elif isinstance(value, dict):
        h.update(b"dict")
        for key in sorted(value, key=repr):
            _feed(h, key)
            _feed(h, value[key])
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__}{len(value)}".encode())
        for item in value:
            _feed(h, item)
    else:  # str, numbers, None, Path
        h.update(f"{type(value).__name__}:{value!r}".encode())


def _key(function: Callable, arguments: dict) -> str:
    from .stage_cache import code_fingerprint

    h = hashlib.sha256(f"{function.__module__}.{function.__qualname__}|{code_fingerprint()}".encode())
    _feed(h, arguments)
    return h.hexdigest()


def drawn_once(function: Callable) -> Callable:
    """Decorate a figure function ``f(..., path, ...) -> Path | None`` (see the module docstring)."""
    signature = inspect.signature(function)

    @functools.wraps(function)
    def draw(*args, **kwargs):
        if _folder is None:
            return function(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        path = Path(arguments.pop("path"))
        key = _key(function, arguments)
        entry = _folder / key[:2] / key
        found = _copied(entry, path)
        if found:
            outcomes["copied"] += 1
            return path if found == "png" else None
        result = function(*args, **kwargs)
        outcomes["drawn"] += 1
        _store(entry, result)
        return result

    return draw


def _copied(entry: Path, path: Path) -> str:
    """"png" when the figure was copied to ``path``, "none" when the call draws nothing, ""
    when this key was not kept."""
    png, none = entry.with_suffix(".png"), entry.with_suffix(".none")
    try:
        if none.is_file():
            os.utime(none)
            return "none"
        if png.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(png, path)
            os.utime(png)  # recently used
            return "png"
    except OSError:  # removed meanwhile by another run's trim: drawn again
        pass
    return ""


def _store(entry: Path, result) -> None:
    staging = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, staging = tempfile.mkstemp(prefix=f".{entry.name[:12]}.", dir=entry.parent)
        with os.fdopen(fd, "wb") as out:
            if result is not None:
                out.write(Path(result).read_bytes())
        os.replace(staging, entry.with_suffix(".png" if result is not None else ".none"))
        _trim()
    except OSError:  # a full disk or a read-only cache: the figure is drawn, not kept
        if staging is not None:
            Path(staging).unlink(missing_ok=True)


def _trim() -> None:
    files = []
    for f in _folder.glob("*/*"):
        info = f.stat()
        if f.suffix in (".png", ".none"):
            files.append((info.st_mtime_ns, f))
        elif f.name.startswith(".") and time.time() - info.st_mtime > 86400:
            f.unlink(missing_ok=True)  # what a killed run left half-written, a day later
    for _, f in sorted(files)[:max(0, len(files) - MAX_FILES)]:
        f.unlink(missing_ok=True)


__all__ = ["drawn_once", "keep_in", "outcomes", "record"]
