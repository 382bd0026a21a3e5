"""The findings over partitions give what the estimators give on the whole coverage at once."""

import json

import pandas as pd
import pytest

from conftest import ROOT
from toolkit.findings import actors, claims, passages, quotations
from toolkit.study import findings_stages
from toolkit.study.engine import LocalEngine
from toolkit.study.workspace import RunFolder

SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))


def seed_lines(path) -> pd.DataFrame:
    """A seed article's non-blank lines with their offsets."""
    text = path.read_text("utf-8")
    rows, start = [], 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            rows.append({"doc": path.name, "line": number, "start": start, "end": start + len(line), "text": line})
        start += len(line) + 1
    return pd.DataFrame(rows)


def make_run(folder, groups):
    """A run folder holding the seed articles in the partitions ``groups``, every line labelled
    core; the outlets make two pairs of articles share an outlet."""
    run = RunFolder(folder)
    table = []
    for index, group in enumerate(groups):
        lines = pd.concat([seed_lines(p) for p in group], ignore_index=True)
        run.save_part(lines, "lines", index)
        run.save_part(lines[["doc", "line"]].assign(label="core", reason=""), "line_labels", index)
        table.append({"index": index, "offset": 0, "segments": 0})
    run.work("partitions.json").write_text(json.dumps(table))
    documents = pd.DataFrame({"doc": [p.name for p in SEEDS], "source": ["a", "a", "b", "b", "c"]})
    return run, documents, pd.concat([seed_lines(p) for group in groups for p in group], ignore_index=True)


@pytest.fixture(scope="module")
def partitioned(tmp_path_factory):
    """The five seed articles in three partitions (2 + 2 + 1 documents, in document order)."""
    return make_run(tmp_path_factory.mktemp("findings"), [SEEDS[:2], SEEDS[2:4], SEEDS[4:]])


@pytest.mark.parametrize("order", ["in document order", "interleaved"])
def test_actors_and_claims_over_partitions_are_those_of_the_whole_coverage(partitioned, order, tmp_path):
    # Interleaved: partitions whose documents do not follow each other in sort order (an
    # archive's members beside a file named like it); claims.csv is still in document order.
    run, documents, whole = partitioned if order == "in document order" else \
        make_run(tmp_path, [[SEEDS[4], SEEDS[0]], [SEEDS[3], SEEDS[1]], [SEEDS[2]]])
    found = findings_stages.find_actors_and_claims(run, LocalEngine(), documents)
    model = actors.ActorExtractor().fit(whole, documents)
    assert run.table("actors.csv").read_text("utf-8") == model.counts_.to_csv(index=False, lineterminator="\n")
    assert run.table("actor_mentions.csv").read_text("utf-8") == model.mentions_.to_csv(index=False,
                                                                                         lineterminator="\n")
    pd.testing.assert_frame_equal(found["actors"].merged_variants_, model.merged_variants_)
    pd.testing.assert_frame_equal(found["actors"].discovered_, model.discovered_)
    pd.testing.assert_frame_equal(found["actors"].person_contexts_, model.person_contexts_)
    claim_model = claims.ClaimExtractor().fit(whole, model.mentions_)
    assert run.table("claims.csv").read_text("utf-8") == claim_model.claims_.to_csv(index=False, lineterminator="\n")
    assert found["mentions"] == len(model.mentions_) and found["claims"] == len(claim_model.claims_)
    assert found["skipped"] == dict(sorted(claim_model.skipped_.items()))
    assert len(model.counts_) > 20 and len(claim_model.claims_) > 10  # the seeds name actors and give figures


def test_shared_passages_over_partitions_are_those_of_the_whole_coverage(partitioned):
    run, documents, whole = partitioned
    finder = findings_stages.find_shared_passages(run, LocalEngine(), documents, seed=42)
    model = passages.SharedPassageFinder(random_state=42).fit(whole, actors.outlets(documents))
    pd.testing.assert_frame_equal(finder.pairs_, model.pairs_)
    assert (finder.n_sentences_, finder.n_candidates_, finder.closest_) == \
        (model.n_sentences_, model.n_candidates_, model.closest_)
    assert run.table("shared_passages.csv").read_text("utf-8") == model.pairs_.to_csv(index=False, lineterminator="\n")


def test_shared_quotations_over_partitions_are_those_of_the_whole_coverage(partitioned, embedder):
    run, documents, whole = partitioned
    finder = findings_stages.find_shared_quotations(run, LocalEngine(), documents, 42, embedder)
    model = quotations.SharedQuotationFinder(random_state=42).fit(whole, actors.outlets(documents), embedder)
    pd.testing.assert_frame_equal(finder.quotations_, model.quotations_)
    pd.testing.assert_frame_equal(finder.pairs_, model.pairs_)
    assert len(model.pairs_) >= 1 and (finder.n_quotations_, finder.n_compared_) == (model.n_quotations_,
                                                                                     model.n_compared_)
