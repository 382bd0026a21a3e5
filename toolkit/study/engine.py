"""Engines: where the per-partition work of a run executes.

The corpus stages (``toolkit.study.pipeline``) are written once, as functions over *partitions of
documents* plus small reductions on the driving process. An engine runs those functions:

- ``LocalEngine`` (``engine: local``, the default): one after another, in this process;
- ``DaskEngine`` (``engine: dask``): as tasks on the workers of a Dask distributed cluster,
  the one at ``dask_address`` or, without an address, a ``LocalCluster`` started here and
  closed with the engine.

Both give the same tables: the partitions, the arithmetic on each and the order of every
reduction are the same; only the process that does the work differs. Workers read the
corpus and write partition tables (Parquet) under the run folder themselves, so with a
remote cluster both paths must be on storage every worker sees (see README, "Running on a
Dask cluster").

Engine interface:

``map(fn, items, desc=None, **shared) -> list``
    ``fn(item, **shared)`` for every item, results in item order. ``shared`` values are sent
    to each worker once (broadcast), not once per task. With ``progress`` on, a bar named
    ``desc`` counts finished partitions. ``affinity``: each item goes to the same worker at every
    call, where it can (for passes that keep per-partition state in the worker's memory).
``value_counts(fn, items, min_count=1) -> pd.Series``
    The values seen at least ``min_count`` times over all items, with their counts, where
    ``fn(item)`` returns each item's values as a Series. With Dask this is a distributed
    aggregation (a ``dask.dataframe`` ``value_counts`` over the partitions, combined and
    filtered on the workers), so only the frequent values reach the driving process.
``on_every_process(fn, *args)``
    ``fn(*args)`` once in every process that runs tasks (this one, or each worker): to drop
    what tasks kept in memory.
``host_threads``
    Worker threads per host (None for local), for ``task_threads`` inside a task.
"""

from __future__ import annotations

import os
from typing import Any, Callable

import pandas as pd

from ..errors import ParameterError

ENGINES = ("local", "dask")


class LocalEngine:
    """Run every partition in this process, in order."""

    name = "local"

    def __init__(self, progress: bool = False):
        self.progress = progress
        self.description = "local: every partition in the driving process"
        self.n_workers = 1
        self.host_threads = None

    def map(self, fn: Callable, items: list, desc: str | None = None, affinity: bool = False, **shared: Any) -> list:
        from tqdm import tqdm

        return [fn(item, **shared) for item in tqdm(items, desc=desc or "partitions", unit="partition",
                                                     disable=not self.progress or len(items) < 2)]

    def value_counts(self, fn: Callable, items: list, min_count: int = 1) -> pd.Series:
        parts = [fn(item).value_counts() for item in items]
        parts = [p for p in parts if len(p)]
        if not parts:
            return pd.Series(dtype="int64")
        counts = pd.concat(parts).groupby(level=0, sort=False).sum().astype("int64")
        return counts[counts >= min_count]

    def on_every_process(self, fn: Callable, *args) -> None:
        fn(*args)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DaskEngine:
    """Run partitions as tasks on a Dask distributed cluster.

    Parameters
    ----------
    address : scheduler address (``tcp://host:8786``); None starts a ``LocalCluster`` of
        worker processes on this machine, closed by ``close``.
    n_workers : workers of that LocalCluster (default: one per CPU core); ignored with an
        address.
    """

    name = "dask"

    def __init__(self, address: str | None = None, n_workers: int | None = None, timeout: str = "20s",
                 progress: bool = False):
        from distributed import Client

        self.progress = progress
        self.address = address
        self.cluster = None
        if address:
            try:
                self.client = Client(address, timeout=timeout, set_as_default=True)
            except (OSError, TimeoutError) as exc:
                raise ParameterError(f"dask_address {address}: cannot reach the Dask scheduler ({exc})") from None
            where = f"the cluster at {address}"
        else:
            self.cluster = start_local_cluster(n_workers)
            n_workers = len(self.cluster.workers)
            self.client = Client(self.cluster, set_as_default=True)
            where = f"a LocalCluster of {n_workers} worker process{'es' if n_workers > 1 else ''} started by the run"
        workers = self.client.scheduler_info(n_workers=-1)["workers"]
        if not workers:
            self.close()
            raise ParameterError(f"dask_address {address}: the scheduler has no workers")
        self.n_workers = len(workers)
        # Worker threads per host, to size each task's share of that host's cores.
        self.host_threads: dict[str, int] = {}
        for address, info in workers.items():
            host = _host(address)
            self.host_threads[host] = self.host_threads.get(host, 0) + int(info.get("nthreads", 1))
        self.description = f"dask: {where}, {self.n_workers} workers"

    def map(self, fn: Callable, items: list, desc: str | None = None, affinity: bool = False, **shared: Any) -> list:
        if not items:
            return []
        from distributed import wait
        from tqdm import tqdm

        # Large shared values (a fitted cleaner, reference embeddings, the corpus's word
        # statistics) go to each worker once, each as one pickle (``_Whole``).
        scattered = {k: self.client.scatter([_Whole(v)], broadcast=True, hash=False)[0] for k, v in shared.items()}
        workers = sorted(self.client.scheduler_info(n_workers=-1)["workers"]) if affinity else []
        if workers:
            # Item i on the same worker at every call (another worker may still take it):
            # passes over the same partitions find what a worker kept from the last one.
            futures = [self.client.submit(_call_with_whole, item, fn=fn, pure=False, workers=[workers[i % len(workers)]],
                                          allow_other_workers=True, **scattered) for i, item in enumerate(items)]
        else:
            futures = self.client.map(_call_with_whole, items, fn=fn, pure=False, **scattered)
        try:
            if self.progress and len(items) > 1:
                from distributed import as_completed

                with tqdm(total=len(futures), desc=desc or "partitions", unit="partition") as bar:
                    for _ in as_completed(futures):
                        bar.update(1)
            else:
                wait(futures)
            return self.client.gather(futures)
        finally:
            for f in futures:
                f.release()
            for f in scattered.values():
                f.release()

    def value_counts(self, fn: Callable, items: list, min_count: int = 1) -> pd.Series:
        import dask.dataframe as dd

        if not items:
            return pd.Series(dtype="int64")
        keys = dd.from_map(_as_frame, items, fn=fn, meta=pd.DataFrame({"key": pd.Series(dtype="string")}),
                           enforce_metadata=False)
        # split_out: the combined counts are themselves partitioned across workers, so the
        # aggregation scales with the number of distinct keys, not with one process's memory.
        counts = keys["key"].value_counts(split_out=max(1, len(items) // 16))
        return counts[counts >= min_count].compute().astype("int64")

    def on_every_process(self, fn: Callable, *args) -> None:
        self.client.run(fn, *args)

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
                self.cluster = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def check_scheduler(address: str, timeout: str = "10s") -> None:
    """Raise ParameterError unless a Dask scheduler with workers answers at ``address``."""
    DaskEngine(address, timeout=timeout).close()


def start_local_cluster(n_workers: int | None = None):
    """A ``LocalCluster`` of ``n_workers`` worker processes (default: one per CPU core)."""
    import logging

    from distributed import LocalCluster

    import dask

    n_workers = int(n_workers or os.cpu_count() or 1)
    threads = str(max(1, (os.cpu_count() or 1) // n_workers))
    # The worker processes' environment replaces Dask's default, which sets
    # MALLOC_TRIM_THRESHOLD_: with it glibc stops adapting its mmap threshold, every large
    # tensor allocation becomes an mmap, and embedding runs at half speed (measured: 6.1 s
    # instead of 2.8-3.3 s for 3,000 paragraphs). One thread per worker process: a task's
    # numeric libraries get the cores the worker processes leave (task_threads).
    environ = {"OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
    return cluster


def _host(address: str) -> str:
    return str(address).split("://")[-1].rsplit(":", 1)[0]


def task_threads(host_threads: dict[str, int] | None = None) -> int:
    """CPU threads a task may give torch and BLAS: all cores in a local run; on a Dask worker,
    its machine's cores divided by the worker threads running there (``engine.host_threads``)."""
    cores = os.cpu_count() or 1
    if not host_threads:
        return cores
    from distributed import get_worker

    try:
        host = _host(get_worker().address)
    except ValueError:  # not inside a worker
        return cores
    return max(1, cores // max(1, host_threads.get(host, 1)))


class _Whole:
    """A value sent to the workers as one pickle. Dask serializes a bare dict, list or set
    element by element: a dict of 300,000 keys took 45 s to reach two workers this way, 0.2 s
    as one pickle."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __getstate__(self):
        return (self.value,)  # never a false state: pickle would then skip __setstate__

    def __setstate__(self, state):
        self.value = state[0]


def _call_with_whole(item, fn: Callable, **shared: _Whole):
    return fn(item, **{k: v.value for k, v in shared.items()})


def _as_frame(item, fn: Callable) -> pd.DataFrame:
    return pd.DataFrame({"key": fn(item).astype("string")})


def open_engine(name: str = "local", address: str | None = None, n_workers: int | None = None,
                progress: bool = False):
    """The engine named by the ``engine`` parameter (use as a context manager)."""
    if name == "local":
        return LocalEngine(progress)
    if name == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ParameterError("engine 'dask' needs the packages dask and distributed (make venv installs them)") from None
        return DaskEngine(address, n_workers, progress=progress)
    raise ParameterError(f"unknown engine '{name}' (known: {', '.join(ENGINES)})")
