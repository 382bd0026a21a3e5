"""The dask engine gives the same tables as the local one; engine parameters are checked."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from test_pipeline import mixed_corpus
from toolkit.errors import ParameterError
from toolkit.study.engine import DaskEngine, LocalEngine, open_engine
from toolkit.study.params import resolve


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "toolkit", "run", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)


@pytest.fixture(scope="module")
def both_engines(tmp_path_factory):
    """The study on a small corpus with each engine: separate caches (nothing shared but the
    input), a topic sample smaller than the corpus, partitions of two files or members."""
    base = tmp_path_factory.mktemp("engines")
    corpus = mixed_corpus(base / "corpus")
    runs = {}
    for engine in ("local", "dask"):
        extra = ["--engine", "dask", "--dask-workers", "2"] if engine == "dask" else []
        result = _cli(str(corpus), "--params", "params/seeds.yml", "--gold", "", "--out", str(base / engine),
                      "--cache-dir", str(base / f"cache-{engine}"), "--topic-sample-size", "60",
                      "--partition-size", "2", "--quiet", *extra)
        assert result.returncode == 0, result.stderr[-3000:]
        runs[engine] = base / engine
    return runs


@pytest.fixture(scope="module")
def hand_started_cluster(tmp_path_factory):
    """A scheduler and two single-thread workers started as separate processes, as the README
    tells users to (``dask scheduler``, ``dask worker ... --nthreads 1 --nworkers 2``)."""
    import json
    import time

    base = tmp_path_factory.mktemp("cluster")
    address_file = base / "scheduler.json"
    scheduler = subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--no-dashboard", "--scheduler-file", str(address_file)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = None
    try:
        deadline = time.monotonic() + 120
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        address = json.loads(address_file.read_text())["address"]
        workers = subprocess.Popen([sys.executable, "-m", "dask", "worker", address, "--nthreads", "1",
                                    "--nworkers", "2", "--no-dashboard"], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        from distributed import Client

        with Client(address, timeout=120) as client:
            client.wait_for_workers(2, timeout=180)
        yield address
    finally:
        for process in (workers, scheduler):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.mark.slow
def test_a_hand_started_cluster_writes_the_local_tables(both_engines, hand_started_cluster, tmp_path):
    """Issue 15 (c): an existing cluster, an empty cache of its own; the tables equal the local
    engine's byte for byte (a text's vector does not depend on its batch or its worker)."""
    corpus = both_engines["local"].parent / "corpus"
    result = _cli(str(corpus), "--params", "params/seeds.yml", "--gold", "", "--out", str(tmp_path / "run"),
                  "--cache-dir", str(tmp_path / "cache"), "--topic-sample-size", "60", "--partition-size", "2",
                  "--quiet", "--engine", "dask", "--dask-address", hand_started_cluster)
    assert result.returncode == 0, result.stderr[-3000:]
    local = both_engines["local"] / "tables"
    for table in sorted(p.name for p in local.glob("*.csv")):
        assert (local / table).read_bytes() == (tmp_path / "run" / "tables" / table).read_bytes(), table


@pytest.mark.slow
def test_dask_and_local_write_the_same_tables(both_engines):
    local, dask = both_engines["local"], both_engines["dask"]
    for table in ("lines.csv", "documents.csv", "topics.csv", "typical_lines.csv", "claims.csv", "actors.csv",
                  "actor_mentions.csv", "shared_passages.csv"):
        assert (local / "tables" / table).read_bytes() == (dask / "tables" / table).read_bytes(), table
    lines = pd.read_csv(dask / "tables" / "lines.csv")
    assert {"core", "insert", "related", "boilerplate", "duplicate"} <= set(lines["label"])
    assert len(list((dask / "work" / "lines").glob("part-*.parquet"))) == 3  # 5 articles, 2 per partition


def test_value_counts_is_the_same_aggregation_on_both_engines():
    items = [pd.Series(["أ", "ب", "أ"]), pd.Series(["ب", "ج"]), pd.Series([], dtype=str), pd.Series(["أ"])]
    with LocalEngine() as local:
        expected = local.value_counts(lambda s: s, items)
    with DaskEngine(n_workers=2) as dask:
        assert dask.n_workers == 2
        got = dask.value_counts(_identity, items)
        assert dask.map(_double, [1, 2, 3], factor=pd.Series([2])) == [2, 4, 6]
        # A large dict goes to the workers whole; with affinity an item meets its worker again.
        words = {f"كلمة{i}": i for i in range(200_000)}
        first = dask.map(_remember, list(range(6)), affinity=True, words=words)
        assert [n for n, _ in first] == [200_000] * 6
        again = dask.map(_remember, list(range(6)), affinity=True, words={})
        # each item on the worker that kept it (a task may still be stolen by an idle worker)
        assert sum(seen for _, seen in again) >= 4
        dask.on_every_process(_forget)
        assert [seen for _, seen in dask.map(_remember, list(range(6)), affinity=True, words={})] == [False] * 6
        frequent = dask.value_counts(_identity, items, min_count=2)
    assert expected.sort_index().to_dict() == {"أ": 3, "ب": 2, "ج": 1}
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()
    assert frequent.sort_index().to_dict() == {"أ": 3, "ب": 2}  # filtered on the workers


def _identity(series):
    return series


def _double(x, factor):
    return x * int(factor.iloc[0])


_KEPT: set = set()  # what a worker process remembers between calls


def _remember(item, words):
    seen = item in _KEPT
    _KEPT.add(item)
    return len(words), seen


def _forget():
    _KEPT.clear()


def test_engine_parameters_are_checked():
    assert resolve({"engine": "dask", "dask_address": "tcp://10.0.0.5:8786"})["engine"] == "dask"
    for bad in ({"engine": "spark"}, {"dask_address": ""}, {"dask_workers": 0}, {"partition_size": None},
                {"topic_sample_size": 1.5}):
        with pytest.raises(ParameterError):
            resolve(bad)
    with pytest.raises(ParameterError, match="unknown engine"):
        open_engine("ray")


def test_an_unreachable_scheduler_is_one_clear_error():
    result = _cli("--dask-address", "tcp://127.0.0.1:9", "--engine", "dask", "--out", "/tmp/never", "--quiet")
    assert result.returncode == 2
    assert "tcp://127.0.0.1:9" in result.stderr and "cannot reach" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(Path("/tmp").glob(".never.partial"))
