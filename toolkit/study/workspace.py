"""The run folder: where each stage reads and writes, and how long it took.

Layout of ``outputs/<run>/``::

    tables/      public CSV tables (lines.csv, topics.csv, documents.csv, ...)
    figures/     PNG figures
    notebooks/   the executed notebooks
    work/        intermediate tables (Parquet) and arrays passed between notebooks; tables
                 made per partition of documents live in work/<table>/part-NNNNN.parquet
    report.html  the rendered report
    manifest.json
    .toolkit-run.json  the marker: this folder was made by a run of this toolkit (see ``is_run_folder``)

Next to it, while a run writes it: ``.<run>.partial/`` (the run's output until it succeeds) and
``.<run>.lock`` (pid and host of the run holding it). ``check_destination``, ``RunLock``,
``open_partial`` and ``move_into_place`` decide what a run may create, replace or delete.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ToolkitError


#: Written first into every run folder; only a folder holding it (or an earlier run's manifest)
#: may be replaced by a later run, and corpus readers skip folders that hold it.
RUN_MARKER = ".toolkit-run.json"


def is_run_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder written by a run of this toolkit: it holds the run marker,
    or (runs made before the marker existed) a ``manifest.json`` with a run's keys."""
    path = Path(path)
    if not path.is_dir():
        return False
    if (path / RUN_MARKER).is_file():
        return True
    manifest = path / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        data = json.loads(manifest.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and {"run", "parameters", "packages", "stages"} <= set(data)


def write_run_marker(path: str | Path) -> None:
    """Mark ``path`` as a run folder of this toolkit."""
    Path(path, RUN_MARKER).write_text(json.dumps({"toolkit": "arabic-news-toolkit", "kind": "run folder"}) + "\n",
                                      "utf-8")


class RunFolderError(ToolkitError):
    """The run folder (``--out``) cannot be written or replaced; the message names it."""


#: What a run writes at the top of its folder (an earlier version's ``.partial`` folder holds only these).
RUN_LAYOUT = frozenset({"tables", "figures", "notebooks", "work", "report.html", "manifest.json", RUN_MARKER})


def _is_empty_dir(path: Path) -> bool:
    try:
        with os.scandir(path) as entries:
            return next(entries, None) is None
    except OSError as exc:
        raise RunFolderError(f"{path}: cannot read the folder ({exc.strerror})") from None


def check_destination(run_dir, keep=(), force: bool = False) -> Path:
    """The run folder ``run_dir`` with symlinks resolved, checked before any work starts.

    ``keep`` lists ``(path, what, inside)``: paths a run never replaces, nor any folder that
    holds them, even with ``force``; with ``inside`` true (an input folder such as the corpus)
    nothing inside the path may be replaced either, except a run folder. Without ``force`` an
    existing folder is replaced only when it is empty or a run folder of this toolkit.
    Raises ``RunFolderError`` (one line naming the path) otherwise; writes nothing.
    """
    if run_dir is None or not str(run_dir).strip():
        raise RunFolderError("--out is empty: name the run folder to write, e.g. --out outputs/mystudy")
    final = Path(os.path.realpath(str(run_dir)))
    if final.exists() and not final.is_dir():
        raise RunFolderError(f"{final}: --out is an existing file, not a folder")
    if final == Path(final.anchor):
        raise RunFolderError(f"{final}: --out is the root of the file system; a run never replaces it")
    existing = final.is_dir()
    replaceable = not existing or is_run_folder(final) or _is_empty_dir(final)
    keep = [(Path(os.path.realpath(str(path))), what, inside) for path, what, inside in keep if path not in (None, "")]
    for path, what, _ in keep:
        if path == final:
            raise RunFolderError(f"{final}: --out is {what}; a run never replaces it, even with --force")
    for path, what, _ in keep:
        if final in path.parents:
            raise RunFolderError(f"{final}: --out holds {what} ({path}); a run never replaces it, even with --force")
    for path, what, inside in keep:
        if inside and path in final.parents and not replaceable:
            raise RunFolderError(f"{final}: --out is inside {what} ({path}) and is not a run folder of this "
                                 "toolkit; a run never replaces it, even with --force")
    if not replaceable and not force:
        raise RunFolderError(f"{final}: exists and is not a run folder of this toolkit (no {RUN_MARKER}); "
                             "choose another --out, or pass --force to replace it")
    return final


def make_parent(final: Path) -> None:
    """Create the folders above the run folder; one line when that location cannot be written."""
    blocking = next((p for p in final.parents if os.path.lexists(p)), None)
    if blocking is not None and not blocking.is_dir():
        raise RunFolderError(f"{blocking}: is a file, so --out {final} cannot be created under it")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunFolderError(f"{final.parent}: cannot create the folder for --out ({exc.strerror})") from None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLock:
    """``.<run>.lock`` next to the run folder, held for the whole run.

    The lock is an ``flock`` on that file, which the operating system releases when the process
    ends however it ends, so a lock file left by a killed run is stale and simply taken over.
    The file holds the pid and host of the run holding it, for the message a second run prints.
    (Where the file system has no ``flock``, a lock file whose pid is alive on this host counts
    as held and any other as stale.)
    """

    def __init__(self, final: Path):
        self.final = Path(final)
        self.path = self.final.parent / f".{self.final.name}.lock"
        self.fd: int | None = None

    def _busy(self, holder: dict) -> RunFolderError:
        where = "" if holder.get("host") in (None, socket.gethostname()) else f" on {holder['host']}"
        return RunFolderError(f"{self.final}: another run (pid {holder.get('pid', '?')}{where}) is writing this "
                              f"run folder; wait for it to end or choose another --out (lock: {self.path})")

    def _holder(self, fd: int) -> dict:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            data = json.loads(os.read(fd, 4096).decode("utf-8") or "{}")
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def __enter__(self) -> "RunLock":
        import fcntl

        for _ in range(10):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise RunFolderError(f"{self.path.parent}: cannot write the run folder there ({exc.strerror})") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self._holder(fd)
                os.close(fd)
                raise self._busy(holder) from None
            except OSError:  # no flock here: the pid decides
                holder = self._holder(fd)
                if (holder.get("host") == socket.gethostname() and isinstance(holder.get("pid"), int)
                        and holder["pid"] != os.getpid() and _pid_alive(holder["pid"])):
                    os.close(fd)
                    raise self._busy(holder) from None
            try:  # the holder before us may have removed the file between our open and flock
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if not same:
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                     "run_dir": str(self.final)}).encode("utf-8"))
            self.fd = fd
            return self
        raise RunFolderError(f"{self.path}: cannot take the lock of this run folder")

    def __exit__(self, *exc) -> None:
        if self.fd is None:
            return
        try:
            if os.stat(self.path).st_ino == os.fstat(self.fd).st_ino:
                os.unlink(self.path)
        except OSError:
            pass
        finally:
            os.close(self.fd)
            self.fd = None


def partial_path(final: Path) -> Path:
    return Path(final).parent / f".{Path(final).name}.partial"


def _is_leftover_partial(path: Path) -> bool:
    """A ``.partial`` folder an earlier run left: it holds the marker, or (versions before the
    marker) nothing but a run's layout."""
    if path.is_symlink() or not path.is_dir():
        return False
    if is_run_folder(path):
        return True
    try:
        return {entry.name for entry in os.scandir(path)} <= RUN_LAYOUT
    except OSError:
        return False


def open_partial(final: Path) -> Path:
    """The empty, marked ``.<run>.partial`` folder the run writes into (call with the lock held).
    A leftover one from an earlier failed run is removed; anything else of that name is refused."""
    partial = partial_path(final)
    if os.path.lexists(partial):
        if not _is_leftover_partial(partial):
            raise RunFolderError(f"{partial}: exists and was not made by a run of this toolkit; "
                                 "move it away or choose another --out")
        shutil.rmtree(partial)
    try:
        partial.mkdir()
        write_run_marker(partial)
    except OSError as exc:
        raise RunFolderError(f"{partial}: cannot create the run folder ({exc.strerror})") from None
    return partial


def remove_partial(partial: Path) -> None:
    """Remove a run's ``.partial`` folder (only one that holds the run marker)."""
    if not partial.is_symlink() and (partial / RUN_MARKER).is_file():
        shutil.rmtree(partial, ignore_errors=True)


@contextmanager
def deferred_interrupt(hold: bool = True):
    """Hold Ctrl-C (SIGINT) back while the block runs (``hold``), or let it raise at once as
    usual (``hold=False``); either way it is recorded (the list the block gets) and a
    KeyboardInterrupt comes after the block, so that one caught inside it is not lost."""
    received: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def on_interrupt(*_):
        received.append(True)
        if not hold:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield received
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
    if received:
        raise KeyboardInterrupt


def move_into_place(partial: Path, final: Path, force: bool = False, log=print) -> None:
    """Rename the finished ``partial`` folder to ``final`` (call with the lock held).

    An existing ``final`` is checked again (something may have appeared there during the run),
    renamed aside into ``.<run>.old-*/``, the new folder renamed into place, and only then the
    old one removed: at every moment ``final`` is the old run or the new one. Ctrl-C waits.
    """
    final = Path(final)
    with deferred_interrupt():
        if not os.path.lexists(final):
            os.replace(partial, final)
            return
        if final.is_symlink() or not final.is_dir():
            raise RunFolderError(f"{final}: appeared during the run and is not a folder; the finished run is at {partial}")
        if not (force or is_run_folder(final) or _is_empty_dir(final)):
            raise RunFolderError(f"{final}: appeared during the run and is not a run folder of this toolkit; "
                                 f"the finished run is at {partial}")
        trash = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
        os.rename(final, trash / final.name)
        try:
            os.replace(partial, final)
        except OSError:
            os.rename(trash / final.name, final)  # the earlier run back in place
            os.rmdir(trash)
            raise
        shutil.rmtree(trash, ignore_errors=True)
    if trash.exists():
        log(f"[run] warning: could not remove all of the replaced folder, left at {trash}")


class RunFolder:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        if not self.root.exists() or (self.root.is_dir() and _is_empty_dir(self.root)):
            # A folder this toolkit makes (a notebook run by hand, say) is marked as a run folder.
            self.root.mkdir(parents=True, exist_ok=True)
            write_run_marker(self.root)
        for sub in ("tables", "figures", "notebooks", "work"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    # paths
    def table(self, name: str) -> Path:
        return self.root / "tables" / name

    def figure(self, name: str) -> Path:
        return self.root / "figures" / name

    def work(self, name: str) -> Path:
        return self.root / "work" / name

    # intermediate tables and arrays
    def save_frame(self, df: pd.DataFrame, name: str) -> None:
        df.to_parquet(self.work(f"{name}.parquet"), index=False)

    def load_frame(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """A table saved whole (``work/NAME.parquet``) or by partition (``work/NAME/part-*.parquet``,
        concatenated in partition order)."""
        path = self.work(f"{name}.parquet")
        if path.exists():
            return pd.read_parquet(path, columns=columns)
        parts = self.part_paths(name)
        if not parts:
            raise FileNotFoundError(f"{path}: missing; run the earlier notebooks of this run first")
        return pd.concat([pd.read_parquet(p, columns=columns) for p in parts], ignore_index=True)

    # partitioned tables and arrays (written by the engine's tasks, see toolkit.study.pipeline)
    def part(self, name: str, index: int, suffix: str = ".parquet") -> Path:
        return self.work(name) / f"part-{index:05d}{suffix}"

    def part_paths(self, name: str, suffix: str = ".parquet") -> list[Path]:
        folder = self.work(name)
        return sorted(folder.glob(f"part-*{suffix}")) if folder.is_dir() else []

    def save_part(self, df: pd.DataFrame, name: str, index: int) -> None:
        path = self.part(name, index)
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_parquet(path, index=False)

    def load_part(self, name: str, index: int, columns: list[str] | None = None) -> pd.DataFrame:
        return pd.read_parquet(self.part(name, index), columns=columns)

    def save_part_array(self, array: np.ndarray, name: str, index: int) -> None:
        path = self.part(name, index, ".npy")
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, array)

    def load_part_array(self, name: str, index: int) -> np.ndarray:
        return np.load(self.part(name, index, ".npy"))

    def save_array(self, array: np.ndarray, name: str) -> None:
        np.save(self.work(f"{name}.npy"), array)

    def load_array(self, name: str) -> np.ndarray:
        return np.load(self.work(f"{name}.npy"))

    def save_json(self, data, name: str) -> None:
        self.work(f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), "utf-8")

    def load_json(self, name: str, default=None):
        path = self.work(f"{name}.json")
        return json.loads(path.read_text("utf-8")) if path.exists() else default

    # public CSV tables: stable bytes for the same content
    def write_csv(self, df: pd.DataFrame, name: str) -> Path:
        path = self.table(name)
        df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        return path

    def save_part_csv(self, df: pd.DataFrame, name: str, index: int) -> None:
        """A partition's rows of a public table, as CSV without the header (``join_part_csvs``)."""
        path = self.part(name, index, ".csv")
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(path, index=False, header=False, lineterminator="\n", encoding="utf-8")

    def join_part_csvs(self, name: str, indices, table: str, columns, chunk: int = 1 << 22) -> Path:
        """``tables/<table>``: the header (``columns``), then the rows of the partitions
        ``indices`` in that order, copied in chunks: the bytes ``write_csv`` writes for the
        whole table, without any process holding it."""
        path = self.table(table)
        written = path.with_name(f".{path.name}.joining")  # renamed into place once whole
        with open(written, "wb") as out:
            out.write(pd.DataFrame(columns=list(columns)).to_csv(index=False, lineterminator="\n").encode("utf-8"))
            for index in indices:
                with open(self.part(name, index, ".csv"), "rb") as f:
                    while block := f.read(chunk):
                        out.write(block)
        os.replace(written, path)
        return path

    # stage timings
    @contextmanager
    def stage(self, name: str):
        """Time a stage and append it to ``work/timings.json`` with the process's peak memory
        so far (each notebook runs in its own kernel process)."""
        import resource

        start = time.perf_counter()
        try:
            yield
        finally:
            timings = self.load_json("timings", default=[])
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            timings.append({"stage": name, "seconds": round(time.perf_counter() - start, 3),
                            "peak_rss_mb": round(peak_mb)})
            self.save_json(timings, "timings")
