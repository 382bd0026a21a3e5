"""Figures kept by what they were drawn from (``toolkit.study.figure_cache``)."""

import pandas as pd
import pytest

from toolkit.study import figure_cache, figures
from toolkit.study.workspace import RunFolder

LINES = pd.DataFrame({"doc": ["روسيا.txt", "روسيا.txt", "كوريا.txt"], "label": ["core", "insert", "duplicate"]})
NAMES = pd.Series({"روسيا.txt": "D1 روسيا تنشر قوات", "كوريا.txt": "D2 كوريا الشمالية ترسل"})


@pytest.fixture
def kept(tmp_path):
    figure_cache.keep_in(tmp_path / "cache" / "figures")
    yield tmp_path
    figure_cache.keep_in(None)


def test_a_figure_drawn_before_from_the_same_table_is_copied(kept):
    first = figures.composition(LINES, kept / "one" / "c.png", names=NAMES)
    assert figure_cache.outcomes == {"copied": 0, "drawn": 1}
    again = figures.composition(LINES.copy(), kept / "two" / "c.png", names=NAMES.copy())
    assert figure_cache.outcomes == {"copied": 1, "drawn": 1}
    assert again == kept / "two" / "c.png" and again.read_bytes() == first.read_bytes()
    assert figures.alt_text(again) == figures.alt_text(first)  # the alt text travels in the PNG


def test_another_table_or_argument_is_drawn_anew(kept):
    figures.composition(LINES, kept / "c.png", names=NAMES)
    changed = LINES.assign(label=["core", "core", "duplicate"])
    figures.composition(changed, kept / "c2.png", names=NAMES)
    figures.composition(LINES, kept / "c3.png", names=NAMES, top_n=1)
    renamed = NAMES.rename({"كوريا.txt": "كوريا2.txt"})
    figures.composition(LINES, kept / "c4.png", names=renamed)
    assert figure_cache.outcomes == {"copied": 0, "drawn": 4}
    assert "2 inserted" not in figures.alt_text(kept / "c2.png")


def test_a_figure_that_draws_nothing_is_remembered_as_none(kept):
    documents = pd.DataFrame({"doc": ["روسيا.txt", "كوريا.txt"], "date": ["", ""], "source": ["", ""]})
    assert figures.by_day(LINES, documents, kept / "d.png") is None
    assert figures.by_day(LINES, documents, kept / "d2.png") is None
    assert figure_cache.outcomes == {"copied": 1, "drawn": 1}
    assert not (kept / "d2.png").exists()


def test_without_a_folder_every_figure_is_drawn(tmp_path):
    figure_cache.keep_in(None)
    figures.composition(LINES, tmp_path / "c.png")
    figures.composition(LINES, tmp_path / "c2.png")
    assert figure_cache.outcomes == {"copied": 0, "drawn": 0}  # nothing kept, nothing counted
    assert (tmp_path / "c2.png").stat().st_size > 1000


def test_the_run_s_record_says_what_the_figures_did(kept):
    run = RunFolder(kept / "run")
    figures.composition(LINES, kept / "c.png")
    figure_cache.record(run)
    figures.composition(LINES, kept / "c2.png")
    figures.topic_sizes(pd.DataFrame({"topic": [0], "size": [3], "top_words": ["روسيا كوريا"],
                                      "focus_share": [1.0], "focus_similarity": [0.9]}), kept / "t.png")
    figure_cache.record(run)
    figure_cache.keep_in(None)
    figure_cache.record(run)
    assert [r["outcome"] for r in run.load_json("stage_cache")] == [
        "computed, stored", "1 of 3 restored, the others computed and stored", "computed (off)"]
