"""The stage cache: a stage's results kept by what they were computed from, so that a rerun
with the same corpus, parameters and code restores them instead of computing them again.

The stages cached, in the order of a run: ``prepare`` (load, lines, cleaning, paragraphs),
``topics``, ``coverage``, ``separate``, ``topic views`` (``toolkit.study.pipeline``), ``actors
and claims``, ``shared passages``, ``shared quotations`` (``toolkit.study.findings_stages``).
The embedding has its own cache (``toolkit.model.embed.EmbeddingCache``), and so have the
figures (``toolkit.study.figure_cache``, keyed by their tables); the report is rendered in
every run.

A run's stages form a chain (``work/lineage.json``), in ``STAGE_ORDER``: each cached stage's
key is a SHA-256 of

- the key of the stage before it in this run; for the first stage (``prepare``) the corpus
  instead: its resolved path, each input file's path, size and content hash, the parameters
  that change results (all but where the run writes, which engine runs it — both engines write
  the same tables, ``tests/test_engine.py`` — and what only the report reads), the content of
  the chrome patterns file, and the code (``code_fingerprint``: every file of the installed
  ``toolkit`` package, the name and version of every installed distribution, the Python
  version and the machine type);
- the code again, as the process running the stage sees it (each notebook runs in a kernel of
  its own);
- the stage's name and the arguments of its own (the parameters, the focus vector, the
  embedder's cache key). The embedding is not cached here (the embedding cache holds the
  vectors) but extends the chain by the SHA-256 of every partition's vectors, so the stages
  after it are keyed by the vectors themselves: another device, precision or model file gives
  other keys.

A stage met out of that order (a notebook cell run again in JupyterLab, a driver called on its
own) is computed and breaks the chain: nothing more is restored or stored until notebook 1
starts a new one, since what such a cell is given in memory may come from another state of the
run.

So a key names everything a stage's output depends on, and the next key is derived from it:
change a parameter, a corpus file or the code and every stage from there on is computed anew;
change nothing and every stage is restored. What is restored is what the stage wrote into the
run folder (the files under ``work/`` and ``tables/`` it created or changed, as they were when
it ended) and the value it returned (pickled; the embedder, which it may hold, is not stored:
the running process's own is put back in its place).

Entries live in ``<cache_dir>/stages/<key[:2]>/<key>/`` (``files/``, ``result.pickle``,
``entry.json``), each written under a temporary name and renamed into place whole, so a run
that stops half-way leaves no entry and two runs storing the same key keep one. The least
recently used entries are removed once the stage cache holds more than ``max_bytes`` (20 GB by
default). ``stage_cache: false`` (``--no-stage-cache``) computes every stage and stores nothing;
deleting ``<cache_dir>/stages/`` is always safe. Each run records in ``work/stage_cache.json``
(and its manifest, ``stage_cache``) which stages were restored, computed and stored, or
computed and not stored, and why.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import io
import json
import os
import pickle
import platform
import shutil
import stat
import sys
import tempfile
import time
from pathlib import Path, PurePath
from typing import Any, Callable

from .workspace import RunFolder

#: The folders of a run a stage writes its results into.
STAGE_FOLDERS = ("work", "tables")
#: Files of those folders that record the run rather than a stage's results.
BOOKKEEPING = frozenset({"work/timings.json", "work/lineage.json", "work/stage_cache.json"})
#: Parameters that do not change any cached stage's results.
RESULT_FREE_PARAMETERS = frozenset({"run_dir", "run_name", "engine", "dask_address", "dask_workers",
                                    "report_rows", "gold", "cache_dir", "stage_cache"})
DEFAULT_MAX_BYTES = 20 * 2 ** 30
_EMBEDDER = "embedder"


def result_parameters(p: dict) -> dict:
    """The parameters that may change a cached stage's results."""
    return {k: v for k, v in p.items() if k not in RESULT_FREE_PARAMETERS}


def _hash_file(h, path: Path) -> None:
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of the toolkit's files, every installed distribution's version, Python, machine."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode() + b"\0")
            _hash_file(h, path)
    distributions = sorted({f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()
                            if d.metadata["Name"]})
    h.update("\n".join(distributions).encode())
    h.update(f"{sys.version}|{platform.machine()}".encode())
    return h.hexdigest()


def corpus_fingerprint(files) -> str:
    """SHA-256 of each input file's path, size and content. Only regular files are read: of a
    FIFO, a device or a dangling link (which the loader skips and records) the key holds the
    kind, so that hashing never blocks on a pipe; of an unreadable file, its error."""
    h = hashlib.sha256()
    for path in sorted({str(f) for f in files}):
        h.update(path.encode() + b"\0")
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):
                h.update(f"not a regular file: {stat.S_IFMT(info.st_mode)}".encode())
                continue
            h.update(str(info.st_size).encode() + b"\0")
            _hash_file(h, Path(path))
        except OSError as exc:  # the loader records the skip; the key records that it failed
            h.update(f"unreadable: {exc.strerror}".encode())
    return h.hexdigest()


def _digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    files = {}
    for folder in STAGE_FOLDERS:
        for dirpath, _, names in os.walk(root / folder):
            for name in names:
                path = Path(dirpath) / name
                rel = path.relative_to(root).as_posix()
                if rel not in BOOKKEEPING:
                    info = path.stat()
                    files[rel] = (info.st_size, info.st_mtime_ns)
    return files


class _NamesTheRunFolder(pickle.PicklingError):
    """A result holds a path inside this run's folder: restored into another run, it would point there."""


class _Pickler(pickle.Pickler):
    def __init__(self, file, embedder, root: Path):
        super().__init__(file, protocol=5)
        self.embedder = embedder
        self.root = str(root)

    def persistent_id(self, obj):
        if self.embedder is not None and obj is self.embedder:
            return _EMBEDDER
        if isinstance(obj, PurePath) and (str(obj) + os.sep).startswith(self.root + os.sep):
            raise _NamesTheRunFolder(str(obj))
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, embedder):
        super().__init__(file)
        self.embedder = embedder

    def persistent_load(self, pid):
        if pid != _EMBEDDER:
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return self.embedder


#: The stages in the order a run meets them; each continues the chain only after the one
#: before it (``embed`` is keyed by the vectors, not cached: the embedding cache holds them).
STAGE_ORDER = ("prepare", "embed", "topics", "coverage", "separate", "topic views", "actors and claims",
               "shared passages", "shared quotations")
_AFTER = dict(zip(STAGE_ORDER[1:], STAGE_ORDER))


class StageCache:
    """The stage cache of one run folder (see the module docstring).

    ``StageCache.begin(run, p, corpus_files)`` starts a run's chain (notebook 1);
    ``StageCache(run, p)`` continues it in a later notebook (``p``: that notebook's parameters,
    whose ``stage_cache`` and ``cache_dir`` then apply; without, the chain's). ``cached(name,
    compute, *arguments)`` returns ``compute()``'s value, restored when this key was stored
    before; ``advance(name, *arguments)`` only extends the chain.

    A stage met out of ``STAGE_ORDER`` (a notebook cell run again in JupyterLab, or on its own)
    is computed and breaks the chain: nothing is restored or stored until the next ``begin``,
    since what such a cell is given in memory may come from another state of the run.
    """

    def __init__(self, run: RunFolder, p: dict | None = None, max_bytes: int = DEFAULT_MAX_BYTES):
        self.run = run
        self.max_bytes = max_bytes
        self.lineage = run.load_json("lineage") or {}
        if p is not None and self.lineage.get("key"):
            cache_dir = p["cache_dir"] if p.get("stage_cache", True) and p.get("cache_dir") else None
            if cache_dir != self.lineage.get("cache_dir"):
                self.lineage["cache_dir"] = cache_dir
                run.save_json(self.lineage, "lineage")
        self.key = self.lineage.get("key")
        self.folder = Path(self.lineage["cache_dir"]) / "stages" if self.lineage.get("cache_dir") else None

    @classmethod
    def begin(cls, run: RunFolder, p: dict, corpus_files) -> "StageCache":
        """The chain's first key, from the code, the corpus, the parameters and the patterns."""
        enabled = p.get("stage_cache", True) and p.get("cache_dir")
        run.save_json({"key": cls.first_key(p, corpus_files), "stage": None,
                       "cache_dir": p["cache_dir"] if enabled else None}, "lineage")
        run.save_json([], "stage_cache")
        return cls(run)

    @staticmethod
    def first_key(p: dict, corpus_files) -> str:
        patterns = corpus_fingerprint([p["patterns"]]) if p.get("patterns") else None
        return _digest("run", code_fingerprint(), corpus_fingerprint(corpus_files), result_parameters(p), patterns)

    @property
    def enabled(self) -> bool:
        return self.folder is not None and self.key is not None

    def _key(self, name: str, arguments) -> str | None:
        """This stage's key; None when the chain is broken or the stage is met out of order
        (the chain is then broken for the stages after it)."""
        if self.key is None:
            return None
        if self.lineage.get("stage") != _AFTER.get(name):
            self.run.save_json({**self.lineage, "key": None, "broken_at": name}, "lineage")
            self.lineage = self.run.load_json("lineage")
            self.key = None
            return None
        # The code this process runs is in every key: notebooks run in kernels of their own.
        return _digest(name, self.key, code_fingerprint(), [a.hex() if isinstance(a, bytes) else a for a in arguments])

    def advance(self, name: str, *arguments) -> None:
        """Extend the chain by ``arguments`` (what the stage made, such as its vectors' hashes)."""
        started = time.perf_counter()
        key = self._key(name, arguments)
        if key is not None:
            self._advance(key, name, "keyed by its result", started)

    def cached(self, name: str, compute: Callable[[], Any], *arguments, embedder=None,
               still_valid: Callable[[], bool] | None = None) -> Any:
        """``compute()``, or what it returned and wrote when this stage last ran from the same
        key. ``arguments``: what the stage depends on besides the chain (JSON-able or bytes);
        ``embedder``: an object the result may hold that is not stored (this process's own is
        put back); ``still_valid``: asked after computing, False when the inputs changed while
        the stage ran (nothing is stored then)."""
        started = time.perf_counter()
        key = self._key(name, arguments)
        if key is None:  # no chain (a folder made by hand, by an older run), or out of order
            result = compute()
            if self.lineage.get("broken_at"):
                self._record(name, "computed, not stored: met out of the run's order "
                                   f"(after {self.lineage.get('stage')!r}), so nothing is restored or stored "
                                   "until notebook 1 runs again", started)
            return result
        if self.enabled:
            result, found = self._restore(key, embedder)
            if found:
                self._advance(key, name, "restored", started)
                return result
        before, since = _snapshot(self.run.root), time.time_ns()
        result = compute()
        if not self.enabled:
            outcome = "computed (off)"
        elif still_valid is not None and not still_valid():
            outcome = "computed, not stored: its input changed while it ran"
        else:
            outcome = self._store(key, name, result, before, since, embedder)
        self._advance(key, name, outcome, started)
        return result

    # ------------------------------------------------------------------ entries
    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def _restore(self, key: str, embedder) -> tuple[Any, bool]:
        entry = self._entry(key)
        if not (entry / "entry.json").is_file():
            return None, False
        try:
            record = json.loads((entry / "entry.json").read_text("utf-8"))
            with open(entry / "result.pickle", "rb") as f:
                result = _Unpickler(f, embedder).load()
            files = [(entry / "files" / rel, self.run.root / rel) for rel in record["files"]]
            if not all(source.is_file() for source, _ in files):
                raise FileNotFoundError("an entry's file is missing")
        except (OSError, ValueError, KeyError, TypeError, pickle.UnpicklingError, EOFError, AttributeError,
                ImportError):
            # unreadable (a file lost, a class changed since): removed, computed and stored afresh
            shutil.rmtree(entry, ignore_errors=True)
            return None, False
        try:
            for source, target in files:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)  # a copy: later stages rewrite files in place
        except OSError:  # the entry removed meanwhile by another run's trim, or this run's disk full
            return None, False
        try:
            os.utime(entry / "entry.json")  # recently used
        except OSError:
            pass
        return result, True

    def _store(self, key: str, name: str, result, before: dict, since: int, embedder) -> str:
        root = self.run.root
        written = sorted(rel for rel, (size, mtime) in _snapshot(root).items()
                         if before.get(rel) != (size, mtime) or mtime >= since)
        buffer = io.BytesIO()
        try:
            _Pickler(buffer, embedder, root).dump(result)
        except _NamesTheRunFolder:
            return "computed, not stored: its result names this run's folder"
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            return f"computed, not stored: its result cannot be pickled ({exc})"
        # The hook above sees Path objects (pickled as their parts); this sees the folder as a str.
        if str(root).encode() in buffer.getvalue():
            return "computed, not stored: its result names this run's folder"
        entry = self._entry(key)
        if entry.exists():
            return "computed; stored before"
        entry.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}.", dir=entry.parent))
        try:
            for rel in written:
                (staging / "files" / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / rel, staging / "files" / rel)
            (staging / "result.pickle").write_bytes(buffer.getvalue())
            (staging / "entry.json").write_text(json.dumps({"stage": name, "files": written}, ensure_ascii=False),
                                                "utf-8")
            os.rename(staging, entry)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if entry.exists():  # another run stored the same key meanwhile
                return "computed; stored before"
            return f"computed, not stored: {exc.strerror or exc}"
        try:
            self._trim(keep=entry)
        except OSError:  # another run trimming at the same time: its sizes were stale; best effort
            pass
        return "computed, stored"

    def _trim(self, keep: Path) -> None:
        """Remove the least recently used entries (never ``keep``, the one just stored) while the
        cache holds more than ``max_bytes``."""
        entries = []
        for record in self.folder.glob("*/*/entry.json"):
            folder = record.parent
            if folder == keep:
                continue
            size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
            entries.append((record.stat().st_mtime_ns, size, folder))
        # What a run stopped half-way through storing (a killed process) is removed a day later.
        for staging in self.folder.glob("*/.*"):
            if staging.is_dir() and time.time() - staging.stat().st_mtime > 86400:
                shutil.rmtree(staging, ignore_errors=True)
        total = sum(size for _, size, _ in entries) + sum(f.stat().st_size for f in keep.rglob("*") if f.is_file())
        for _, size, folder in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_bytes:
                break
            shutil.rmtree(folder, ignore_errors=True)
            total -= size

    def _advance(self, key: str, name: str, outcome: str, started: float) -> None:
        self.key = key
        self.lineage = {**(self.run.load_json("lineage") or {}), "key": key, "stage": name}
        self.run.save_json(self.lineage, "lineage")
        self._record(name, outcome, started, key)

    def note(self, name: str, outcome: str) -> None:
        """Record the outcome of a cache kept elsewhere (the figures': ``figure_cache``)."""
        self._record(name, outcome, time.perf_counter())

    def _record(self, name: str, outcome: str, started: float, key: str | None = None) -> None:
        record = self.run.load_json("stage_cache", default=[])
        record.append({"stage": name, "key": key[:16] if key else "", "outcome": outcome,
                       "seconds": round(time.perf_counter() - started, 3)})
        self.run.save_json(record, "stage_cache")


__all__ = ["StageCache", "code_fingerprint", "corpus_fingerprint", "result_parameters"]
