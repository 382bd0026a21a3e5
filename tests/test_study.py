"""End to end: the study through the command line, as make study runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import GOLD, ROOT, SEEDS

pytestmark = pytest.mark.slow


def _run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=900)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """The seed study computed twice (the second with --no-stage-cache: computed again, not
    restored), then a third time restored from the stage cache the first one filled."""
    base = tmp_path_factory.mktemp("study")
    outs = []
    for name, flags in (("first", ()), ("second", ("--no-stage-cache",)), ("restored", ())):
        result = _run("run", "--params", "params/seeds.yml", "--out", str(base / name),
                      "--cache-dir", str(base / "cache"), "--quiet", *flags)
        assert result.returncode == 0, result.stderr[-3000:]
        outs.append(base / name)
    return outs


def test_run_writes_every_output(two_runs):
    run = two_runs[0]
    for path in ("tables/lines.csv", "tables/topics.csv", "tables/documents.csv", "tables/scores.csv",
                 "report.html", "manifest.json", "notebooks/01_corpus_and_cleaning.ipynb",
                 "notebooks/02_topics_and_separation.ipynb", "notebooks/03_figures_and_report.ipynb"):
        assert (run / path).exists(), path
    for figure in ("composition", "topic_sizes", "topic_document_heatmap", "paragraph_map", "confusion"):
        assert (run / "figures" / f"{figure}.png").stat().st_size > 5000, figure
    assert not list(run.parent.glob(".*.partial"))


def test_findings_tables_on_the_seed_corpus(two_runs):
    tables = two_runs[0] / "tables"
    actors = pd.read_csv(tables / "actors.csv", keep_default_na=False)
    pyongyang = actors[actors["name"] == "بيونغ يانغ"]
    assert "بيونج يانج" in pyongyang["variants"].iloc[0] and pyongyang["mentions"].sum() >= 10
    assert {"أنتوني بلينكن", "سيرغي لافروف", "كيم جونغ أون", "مارك روته", "كورسك"} <= set(actors["name"])
    claims = pd.read_csv(tables / "claims.csv", keep_default_na=False)
    troops = claims[claims["quantity"] == "troops"]
    assert set(troops["doc"].str[:3]) == {"000", "001", "002", "003", "004"}  # every article's troop figure
    lines = pd.read_csv(tables / "lines.csv")
    core = set(zip(lines.loc[lines["label"] == "core", "doc"], lines.loc[lines["label"] == "core", "line"]))
    assert set(zip(claims["doc"], claims["line"])) <= core  # claims come from coverage lines only
    shared = pd.read_csv(tables / "shared_passages.csv")
    assert shared.empty  # the seeds share no wording (test_passages checks the closest pair)
    assert list(shared.columns[:7]) == ["doc_a", "line_a", "doc_b", "line_b", "similarity", "text_a", "text_b"]
    framing = pd.read_csv(tables / "framing.csv")
    assert framing.groupby("outlet")["share"].sum().round(3).eq(1.0).all()
    for figure in ("actors", "claims_troops", "framing"):
        assert (two_runs[0] / "figures" / f"{figure}.png").stat().st_size > 5000, figure


def test_every_input_line_appears_exactly_once(two_runs):
    lines = pd.read_csv(two_runs[0] / "tables" / "lines.csv")
    expected = {(p.name, i) for p in SEEDS.glob("*.txt")
                for i, text in enumerate(p.read_text("utf-8").split("\n"), 1) if text.strip()}
    assert len(lines) == len(expected)
    assert set(zip(lines["doc"], lines["line"])) == expected
    assert set(lines["label"]) <= {"core", "insert", "related", "boilerplate", "duplicate"}


def test_tables_are_byte_identical_across_runs(two_runs):
    first, *others = two_runs
    names = sorted(p.name for p in (first / "tables").glob("*.csv"))
    for other in others:  # computed again, and restored from the stage cache
        assert names == sorted(p.name for p in (other / "tables").glob("*.csv"))
        for name in names:
            assert (first / "tables" / name).read_bytes() == (other / "tables" / name).read_bytes(), (other.name, name)


def test_the_manifest_says_which_stages_were_restored(two_runs):
    outcomes = [[r["outcome"] for r in json.loads((run / "manifest.json").read_text("utf-8"))["stage_cache"]]
                for run in two_runs]
    stages = ["prepare", "embed", "topics", "coverage", "separate", "topic views", "actors and claims",
              "shared passages", "shared quotations", "figures"]
    assert [r["stage"] for r in json.loads((two_runs[2] / "manifest.json").read_text("utf-8"))["stage_cache"]] == stages
    embed = "keyed by its result"  # by its vectors' hashes: the embedding cache holds them
    assert outcomes == [["computed, stored", embed, *["computed, stored"] * 8], ["computed (off)", embed,
                        *["computed (off)"] * 8], ["restored", embed, *["restored"] * 8]]
    restored = two_runs[2]
    assert (restored / "report.html").stat().st_size > 0.5 * (two_runs[0] / "report.html").stat().st_size
    for figure in ("topic_sizes", "paragraph_map", "actors", "claims_troops"):
        assert (restored / "figures" / f"{figure}.png").stat().st_size > 5000, figure
    # Every figure copied from the figure cache is the figure drawn (and the one drawn again).
    drawn = sorted(f.name for f in (two_runs[0] / "figures").glob("*.png"))
    for other in two_runs[1:]:
        assert drawn == sorted(f.name for f in (other / "figures").glob("*.png"))
        for name in drawn:
            assert (other / "figures" / name).read_bytes() == (two_runs[0] / "figures" / name).read_bytes(), name


def test_scores_meet_the_study_bar(two_runs):
    lines = pd.read_csv(two_runs[0] / "tables" / "lines.csv")
    gold = pd.read_csv(GOLD)
    merged = gold.merge(lines, on=["doc", "line"], how="left", suffixes=("_gold", ""))
    trump = merged[merged["doc"].str.startswith("000_") & merged["line"].between(32, 56)]
    assert (trump["label"] != "core").all()
    assert (merged[merged["label_gold"] == "core"]["label"] == "core").mean() >= 0.98
    for label in ("insert", "related", "boilerplate", "duplicate"):
        assert (merged[merged["label_gold"] == label]["label"] != "core").mean() >= 0.95, label


def test_report_is_self_contained_and_escaped(two_runs):
    html = (two_runs[0] / "report.html").read_text("utf-8")
    assert html.count("data:image/png;base64") >= 5
    assert 'dir="rtl"' in html and "كوريا" in html
    assert "<script src=\"http" not in html  # nothing loads from the network (require.js, MathJax dropped)
    assert html.count("plotly.js v") == 1  # the library embedded once
    for view in ("topics", "documents", "hierarchy", "terms"):
        assert f'id="view-{view}"' in html, view
    assert "import pandas" not in html  # inputs hidden (--no-input)


def test_manifest_records_the_run(two_runs):
    manifest = json.loads((two_runs[0] / "manifest.json").read_text("utf-8"))
    assert len(manifest["inputs"]) == 5 and all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert manifest["documents"] == 5 and {i["path"] for i in manifest["inputs"]} == {p.name for p in SEEDS.glob("*.txt")}
    stages = {s["stage"] for s in manifest["stages"]}
    assert {"load", "clean", "embed", "topics", "separate", "figures", "render_html"} <= stages
    assert manifest["parameters"]["seed"] == 42
    assert manifest["packages"]["bertopic"] == "0.17.4"
    assert "commit" in manifest["git"]


def test_failing_cell_names_notebook_and_cell(tmp_path):
    result = _run("run", "--out", str(tmp_path / "bad"), "--embedding-backend",
                  "sentence-transformers:/nonexistent/model", "--quiet")
    assert result.returncode == 2
    assert "02_topics_and_separation.ipynb failed in cell" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "bad").exists()  # nothing that looks like a finished run


def test_bad_corpus_path_is_one_line_error(tmp_path):
    result = _run("run", str(tmp_path / "missing"), "--quiet")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error:") and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_explains_parameters():
    result = _run("run", "--help")
    assert result.returncode == 0
    for flag in ("--focus", "--out", "--params", "--seed", "--embedding-backend", "--gold"):
        assert flag in result.stdout
