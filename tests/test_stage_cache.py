"""The stage cache: a stage computed once from a chain key is restored, files and value, and
anything that changes its inputs computes it again."""

import json
import shutil

import pandas as pd
import pytest

from conftest import SEEDS
from toolkit.corpus.normalize import normalize_arabic
from toolkit.study.params import resolve
from toolkit.study.stage_cache import StageCache, code_fingerprint
from toolkit.study.workspace import RunFolder

LINES = pd.DataFrame({"doc": ["000_2ef983558ea953b4.txt"] * 2, "line": [1, 2],
                      "text": ["أرسلت كوريا الشمالية آلاف الجنود إلى روسيا", "وقال لافروف إن التعاون مستمر"]})


class Stage:
    """A stage that writes a part table and a public CSV, and counts its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, run: RunFolder) -> dict:
        self.calls += 1
        run.save_part(LINES, "lines", 0)
        run.write_csv(LINES, "lines.csv")
        return {"lines": len(LINES), "normalizer": normalize_arabic}


def _params(tmp_path, corpus, **extra):
    return resolve({"corpus": str(corpus), "run_dir": str(tmp_path / "run"), "cache_dir": str(tmp_path / "cache"),
                    "gold": None, **extra})


def _begin(tmp_path, name, corpus, **extra) -> tuple[RunFolder, StageCache]:
    run = RunFolder(tmp_path / name)
    files = sorted(corpus.glob("*.txt"))
    return run, StageCache.begin(run, _params(tmp_path, corpus, **extra), files)


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


def test_a_stage_from_the_same_chain_is_restored_with_its_files_and_value(tmp_path, corpus):
    stage = Stage()
    first, cache = _begin(tmp_path, "first", corpus)
    value = cache.cached("prepare", lambda: stage(first), "an argument")
    second, cache = _begin(tmp_path, "second", corpus)
    restored = cache.cached("prepare", lambda: stage(second), "an argument")
    assert stage.calls == 1
    assert restored["lines"] == value["lines"] and restored["normalizer"]("أرسلت") == normalize_arabic("أرسلت")
    for rel in ("tables/lines.csv", "work/lines/part-00000.parquet"):
        assert (second.root / rel).read_bytes() == (first.root / rel).read_bytes(), rel
    assert [r["outcome"] for r in second.load_json("stage_cache")] == ["restored"]
    assert first.load_json("lineage")["key"] == second.load_json("lineage")["key"]  # the chain goes on alike


def test_a_changed_corpus_file_argument_or_parameter_computes_again(tmp_path, corpus):
    stage = Stage()
    run, cache = _begin(tmp_path, "first", corpus)
    cache.cached("prepare", lambda: stage(run), 1)
    _, cache = _begin(tmp_path, "other argument", corpus)
    cache.cached("prepare", lambda: stage(run), 2)
    _, cache = _begin(tmp_path, "other seed", corpus, seed=7)
    cache.cached("prepare", lambda: stage(run), 1)
    article = sorted(corpus.glob("*.txt"))[0]
    article.write_text(article.read_text("utf-8") + "\nسطر أضيف إلى المقال", "utf-8")
    _, cache = _begin(tmp_path, "edited corpus", corpus)
    cache.cached("prepare", lambda: stage(run), 1)
    assert stage.calls == 4


def test_a_fifo_in_the_corpus_is_keyed_by_its_kind_not_read(tmp_path, corpus):
    import os

    os.mkfifo(corpus / "pipe.txt")  # reading it would block until a writer comes
    run, _ = _begin(tmp_path, "first", corpus)
    assert len(run.load_json("lineage")["key"]) == 64


def test_where_the_run_writes_and_which_engine_runs_it_do_not_change_the_key(tmp_path, corpus):
    one, _ = _begin(tmp_path, "one", corpus)
    two, _ = _begin(tmp_path, "two", corpus, run_name="another", report_rows=5, engine="dask")
    assert one.load_json("lineage")["key"] == two.load_json("lineage")["key"]


def test_an_entry_that_cannot_be_read_is_computed_again_and_stored_afresh(tmp_path, corpus):
    stage = Stage()
    run, cache = _begin(tmp_path, "first", corpus)
    cache.cached("prepare", lambda: stage(run))
    for result in (tmp_path / "cache" / "stages").glob("*/*/result.pickle"):
        result.write_bytes(b"not a pickle")
    run, cache = _begin(tmp_path, "second", corpus)
    cache.cached("prepare", lambda: stage(run))
    run, cache = _begin(tmp_path, "third", corpus)
    assert cache.cached("prepare", lambda: stage(run))["lines"] == 2
    assert stage.calls == 2


def test_the_embedder_is_not_stored_but_put_back(tmp_path, corpus):
    class Embedder:  # stands for the encoder: a gigabyte of vocabulary rows, not to be pickled
        def __reduce__(self):
            raise TypeError("an embedder is never pickled")

    mine, theirs = Embedder(), Embedder()
    run, cache = _begin(tmp_path, "first", corpus)
    assert cache.cached("prepare", lambda: {"embedder": mine, "sizes": [3, 2]}, embedder=mine)["embedder"] is mine
    run, cache = _begin(tmp_path, "second", corpus)
    restored = cache.cached("prepare", lambda: pytest.fail("computed again"), embedder=theirs)
    assert restored == {"embedder": theirs, "sizes": [3, 2]}


def test_a_result_that_cannot_be_pickled_is_returned_and_recorded_not_stored(tmp_path, corpus):
    run, cache = _begin(tmp_path, "first", corpus)
    assert cache.cached("prepare", lambda: (lambda text: text))("نص") == "نص"
    (record,) = run.load_json("stage_cache")
    assert record["outcome"].startswith("computed, not stored: its result cannot be pickled")


def test_switched_off_or_without_a_cache_folder_every_stage_is_computed(tmp_path, corpus):
    stage = Stage()
    for name, extra in (("off", {"stage_cache": False}), ("off again", {"stage_cache": False}),
                        ("no cache", {"cache_dir": None}), ("no cache again", {"cache_dir": None})):
        run, cache = _begin(tmp_path, name, corpus, **extra)
        cache.cached("prepare", lambda: stage(run))
        assert run.load_json("stage_cache")[0]["outcome"] == "computed (off)"
    assert stage.calls == 4 and not (tmp_path / "cache" / "stages").exists()


def test_a_run_folder_without_a_chain_computes(tmp_path):
    stage = Stage()
    run = RunFolder(tmp_path / "by hand")
    StageCache(run).cached("prepare", lambda: stage(run))
    StageCache(run).cached("prepare", lambda: stage(run))
    assert stage.calls == 2


def test_the_least_recently_used_entries_go_past_the_size_limit(tmp_path, corpus):
    run, cache = _begin(tmp_path, "first", corpus)
    cache.max_bytes = 1
    cache.cached("prepare", lambda: Stage()(run))
    cache.advance("embed", ["vectors"])
    cache.cached("topics", lambda: Stage()(run))
    cache.cached("coverage", lambda: Stage()(run))
    assert len(list((tmp_path / "cache" / "stages").glob("*/*/entry.json"))) == 1  # the newest only


def test_the_stages_after_the_embedding_are_keyed_by_the_vectors(tmp_path, corpus):
    stage = Stage()
    for name, vectors in (("first", "sha of float32 vectors"), ("same vectors", "sha of float32 vectors"),
                          ("other device", "sha of bfloat16 vectors")):
        run, cache = _begin(tmp_path, name, corpus)
        cache.cached("prepare", lambda: Stage()(run))
        cache.advance("embed", [vectors])
        cache.cached("topics", lambda: stage(run))
    assert stage.calls == 2


def test_a_stage_met_out_of_order_is_computed_and_breaks_the_chain(tmp_path, corpus):
    # A notebook cell run again in JupyterLab: what it is given in memory may be of another state.
    stage = Stage()
    for name in ("first", "second"):
        run, cache = _begin(tmp_path, name, corpus)
        cache.cached("prepare", lambda: Stage()(run))
        cache.cached("topics", lambda: stage(run))  # the embedding was skipped
        cache.cached("coverage", lambda: stage(run))  # in order after topics, but the chain is broken
    assert stage.calls == 4
    outcomes = [r["outcome"] for r in run.load_json("stage_cache")]
    assert outcomes[0] == "restored" and all(o.startswith("computed, not stored: met out of") for o in outcomes[1:])


def test_a_later_notebook_s_parameters_switch_the_cache_off(tmp_path, corpus):
    stage = Stage()
    for name in ("first", "second"):
        run, cache = _begin(tmp_path, name, corpus)
        cache.cached("prepare", lambda: Stage()(run))
        StageCache(run, _params(tmp_path, corpus, stage_cache=False)).advance("embed", ["vectors"])
        StageCache(run).cached("topics", lambda: stage(run))
    assert stage.calls == 2


def test_a_corpus_changed_while_loading_is_not_stored(tmp_path, corpus):
    run, cache = _begin(tmp_path, "first", corpus)
    cache.cached("prepare", lambda: Stage()(run), still_valid=lambda: False)
    assert run.load_json("stage_cache")[0]["outcome"] == "computed, not stored: its input changed while it ran"
    assert not list((tmp_path / "cache" / "stages").glob("*/*/entry.json"))


def test_a_result_holding_a_path_in_the_run_folder_is_not_stored(tmp_path, corpus):
    run, cache = _begin(tmp_path, "first", corpus)
    cache.cached("prepare", lambda: {"table": run.root / "tables" / "lines.csv"})
    assert run.load_json("stage_cache")[0]["outcome"] == "computed, not stored: its result names this run's folder"


def test_the_code_fingerprint_covers_the_package_and_the_environment():
    assert len(code_fingerprint()) == 64 and code_fingerprint() == code_fingerprint()


def test_the_stage_cache_parameter_is_a_boolean(tmp_path):
    from toolkit.errors import ToolkitError

    with pytest.raises(ToolkitError, match="stage_cache"):
        resolve({"stage_cache": "no", "gold": None})
    assert json.loads(json.dumps(resolve({"gold": None})))["stage_cache"] is True
