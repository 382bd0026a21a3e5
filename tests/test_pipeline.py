"""The partitioned stages: results do not depend on how the corpus is cut into partitions."""

import shutil
import zipfile

import numpy as np
import pandas as pd
import pytest

from conftest import SEEDS
from toolkit.corpus import load
from toolkit.model.embed import embed_texts
from toolkit.study import pipeline
from toolkit.study.engine import LocalEngine
from toolkit.study.params import resolve
from toolkit.study.workspace import RunFolder


def mixed_corpus(folder):
    """The seed articles, three as plain files and two inside a zip archive."""
    files = sorted(SEEDS.glob("*.txt"))
    folder.mkdir(parents=True)
    for path in files[:3]:
        shutil.copy(path, folder / path.name)
    with zipfile.ZipFile(folder / "more.zip", "w") as archive:
        for path in files[3:]:
            archive.write(path, f"articles/{path.name}")
    return folder


def test_plan_splits_folders_and_archives_into_partitions(tmp_path):
    corpus = mixed_corpus(tmp_path / "corpus")
    plan = load.plan_partitions(corpus, partition_size=2)
    assert [len(p.units) for p in plan] == [2, 2, 1]
    assert plan[1].units[1][1] == "articles/" + sorted(SEEDS.glob("*.txt"))[3].name  # a zip member
    whole, _ = load.load_corpus(corpus)
    parts = pd.concat([load.load_partition(p)[0] for p in plan], ignore_index=True)
    pd.testing.assert_frame_equal(parts, whole)


def _run(corpus, folder, partition_size, sample, cache):
    p = resolve({"corpus": str(corpus), "run_dir": str(folder), "partition_size": partition_size,
                 "topic_sample_size": sample, "cache_dir": str(cache), "gold": None})
    run = RunFolder(p["run_dir"])
    with LocalEngine() as engine:
        prepared = pipeline.prepare_corpus(p, run, engine)
        pipeline.embed_corpus(p, run, engine)
        embedder, cache_ = pipeline.focus_embedder(p)
        fitted = pipeline.fit_topics(p, run, engine, embedder)
        focus = embed_texts([p["focus"]], embedder, cache_)[0][0]
        pipeline.separate_corpus(p, run, engine, focus, fitted)
    return run, prepared, fitted


@pytest.mark.parametrize("sample", [None, 60])
def test_tables_do_not_depend_on_the_partitioning(tmp_path, sample):
    corpus = mixed_corpus(tmp_path / "corpus")
    one, prepared, fitted = _run(corpus, tmp_path / "one", 1000, sample, tmp_path / "cache")
    many, prepared_many, _ = _run(corpus, tmp_path / "many", 1, sample, tmp_path / "cache")
    assert prepared["partitions"] == 1 and prepared_many["partitions"] == 5
    for table in ("lines.csv", "documents.csv", "topics.csv", "typical_lines.csv"):
        assert one.table(table).read_bytes() == many.table(table).read_bytes(), table
    lines = pd.read_csv(one.table("lines.csv"))
    assert len(lines) == prepared["lines"]  # every non-blank input line once
    n = sum(fitted["topic_sizes"].values())
    assert len(fitted["sample"]) == (n if sample is None else sample)


def test_paragraphs_outside_the_sample_take_their_neighbours_topic(tmp_path):
    corpus = mixed_corpus(tmp_path / "corpus")
    run, _, fitted = _run(corpus, tmp_path / "run", 2, 60, tmp_path / "cache")
    assignments = run.load_frame("topics")
    outside = np.setdiff1d(np.arange(len(assignments)), fitted["sample"])
    # A voted topic is one its sampled neighbours have; the share of votes is its probability.
    neighbours = np.concatenate([run.load_part_array("neighbours", p.index) for p in pipeline.partitions(run)])
    fitted_topics = fitted["model"].assignments_["topic"].to_numpy()
    for i in outside[:40]:
        votes = fitted_topics[neighbours[i]]
        topic = assignments["topic"].iat[i]
        assert topic in votes
        assert assignments["topic_probability"].iat[i] == pytest.approx((votes == topic).mean())
    assert "seeded sample of 60" in fitted["model"].note_
    # A sampled paragraph keeps the neighbours the fit found: itself first.
    inside = fitted["sample"]
    assert (neighbours[inside][:, 0] == np.arange(len(inside))).mean() > 0.95  # exact repeats may swap


def test_large_inputs_close_a_partition(tmp_path):
    corpus = mixed_corpus(tmp_path / "corpus")
    assert len(load.plan_partitions(corpus)) == 1
    # With a budget below one article's size every input is a partition of its own.
    plan = load.plan_partitions(corpus, partition_size=1000, partition_bytes=100)
    assert [len(p.units) for p in plan] == [1, 1, 1, 1, 1]
