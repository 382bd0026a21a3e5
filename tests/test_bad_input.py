"""Bad input through the command line: a one-line error and a non-zero exit, or a recorded skip.

Each case runs ``python -m toolkit run`` as a user would. The runs share one embedding cache.
"""

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, SEEDS, write_corpus
from test_load import _damaged_zip

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


def run(corpus, out, cache, *extra):
    return subprocess.run([sys.executable, "-m", "toolkit", "run", str(corpus), "--out", str(out),
                           "--cache-dir", str(cache), "--quiet", *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)


def one_line_error(result):
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_empty_folder(tmp_path, cache):
    (tmp_path / "empty").mkdir()
    message = one_line_error(run(tmp_path / "empty", tmp_path / "out", cache))
    assert "empty: corpus folder has no files" in message
    assert not (tmp_path / "out").exists()


def test_table_without_the_text_column(tmp_path, cache):
    corpus = write_corpus(tmp_path / "c", {"articles.jsonl": json.dumps({"headline": "عنوان", "body_ar": "نص"})})
    message = one_line_error(run(corpus, tmp_path / "out", cache))
    assert "articles.jsonl: no text column" in message and "columns.text" in message
    # ... and with the column named, the same corpus loads.
    mapped = run(corpus, tmp_path / "out2", cache, "--text-column", "body_ar")
    assert mapped.returncode == 0, mapped.stderr


def test_duplicate_document_ids(tmp_path, cache):
    rows = "\n".join(json.dumps({"id": "x1", "text": t}, ensure_ascii=False) for t in ("نص أول", "نص ثان"))
    corpus = write_corpus(tmp_path / "c", {"a.jsonl": rows})
    message = one_line_error(run(corpus, tmp_path / "out", cache))
    assert "a.jsonl: duplicate document ids in column 'id': ['x1']" in message


@pytest.fixture(scope="module")
def messy_run(tmp_path_factory, cache):
    """Seed articles under names with spaces and Arabic, plus an empty file, a whitespace-only
    file, a binary file, a Windows-1256 file and an article carrying an HTML script."""
    base = tmp_path_factory.mktemp("messy")
    files = {f"مقالات الأسبوع/خبر رقم {i}.txt": p.read_text("utf-8") for i, p in enumerate(sorted(SEEDS.glob("*.txt")))}
    files["empty.txt"] = ""
    files["blank.txt"] = "  \n\t\n"
    files["photo.txt"] = bytes(range(256)) * 40
    files["legacy 1256.txt"] = "وصل آلاف الجنود الكوريين الشماليين إلى روسيا للقتال في أوكرانيا.\n".encode("cp1256")
    # A script tag left by the scraper: set aside as chrome, so the report lists it as text.
    files["xss.txt"] = ("مقال عن التعاون العسكري بين روسيا وكوريا الشمالية وإرسال الجنود إلى أوكرانيا.\n"
                        "<script>alert(1)</script>\n")
    corpus = write_corpus(base / "corpus", files)
    result = run(corpus, base / "out", cache, "--focus", "التعاون العسكري بين روسيا وكوريا الشمالية")
    assert result.returncode == 0, result.stderr[-3000:]
    return corpus, base / "out"


def test_skips_are_recorded_in_manifest_and_report(messy_run):
    _, out = messy_run
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    skipped = {s["doc"]: s["reason"] for s in manifest["skipped_inputs"]}
    assert skipped["empty.txt"].startswith("empty") and skipped["blank.txt"].startswith("empty")
    assert skipped["photo.txt"].startswith("not text in UTF-8")
    report = (out / "report.html").read_text("utf-8")
    assert "photo.txt" in report and "Skipped inputs" in report


def test_every_line_of_the_loaded_files_is_accounted_for(messy_run):
    corpus, out = messy_run
    lines = pd.read_csv(out / "tables" / "lines.csv")
    assert "مقالات الأسبوع/خبر رقم 0.txt" in set(lines["doc"])
    for doc in set(lines["doc"]):
        raw = (corpus / doc).read_bytes()
        text = raw.decode("cp1256") if doc.startswith("legacy") else raw.decode("utf-8")
        expected = [i for i, t in enumerate(text.split("\n"), 1) if t.strip()]
        assert sorted(lines.loc[lines["doc"] == doc, "line"]) == expected, doc


def test_html_in_the_text_is_escaped_in_the_report(messy_run):
    _, out = messy_run
    report = (out / "report.html").read_text("utf-8")
    assert "<script>alert(1)</script>" not in report
    # Shown as text: escaped, its Latin runs isolated (<bdi>) inside the right-to-left cell.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in re.sub(r"</?bdi>", "", report)


def test_single_document_corpus_runs(tmp_path, cache):
    corpus = write_corpus(tmp_path / "one", {"only.txt": (SEEDS / "003_b3cd881822282461.txt").read_text("utf-8")})
    result = run(corpus, tmp_path / "out", cache)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = pd.read_csv(tmp_path / "out" / "tables" / "lines.csv")
    assert len(lines) == 30 and (lines["label"] == "core").sum() >= 20
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert manifest["topic_model"].startswith("26 paragraphs")  # topics sized to one article


def test_corpus_without_arabic_warns(tmp_path, cache):
    text = "\n".join(["North Korean troops arrived in the Kursk region this week, officials said.",
                      "The United States said about ten thousand soldiers were sent to Russia.",
                      "Analysts expect the cooperation between Moscow and Pyongyang to deepen."] * 3)
    corpus = write_corpus(tmp_path / "en", {"a.txt": text, "b.txt": text.upper()})
    result = run(corpus, tmp_path / "out", cache)
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert any("little or no Arabic" in w for w in manifest["warnings"])
    assert "little or no Arabic" in (tmp_path / "out" / "report.html").read_text("utf-8")


def test_twenty_megabyte_article(tmp_path, cache):
    sentences = [" ".join(s.split()) + "." for p in sorted(SEEDS.glob("*.txt"))
                 for s in p.read_text("utf-8").split(".") if len(s.split()) > 5]
    rng = random.Random(0)
    parts, size = [], 0
    while size < 20_000_000:
        sentence = rng.choice(sentences) + f" ({len(parts)})"
        parts.append(sentence)
        size += len(sentence.encode()) + 1
    corpus = write_corpus(tmp_path / "big", {"huge article.txt": " ".join(parts)})
    result = run(corpus, tmp_path / "out", cache, "--max-paragraph-words", "2000")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = pd.read_csv(tmp_path / "out" / "tables" / "lines.csv")
    assert len(lines) == 1  # one line in the file, one row, however long
    assert (tmp_path / "out" / "report.html").stat().st_size < 20_000_000


# ------------------------------------------------------- parameters: wrong before any work
@pytest.mark.parametrize("flags, message", [
    (["--switch-penalty", "nan"], "parameter 'switch_penalty' must be a finite number, got nan"),
    (["--switch-penalty", "inf"], "parameter 'switch_penalty' must be a finite number, got inf"),
    (["--seed", "-1"], "parameter 'seed' must be an integer from 0 to 4294967295, got -1"),
    (["--seed", "99999999999"], "parameter 'seed' must be an integer from 0 to 4294967295, got 99999999999"),
    (["--max-paragraph-words", "0"], "parameter 'max_paragraph_words' must be an integer >= 1, got 0"),
    (["--max-zip-member-mb", "0"], "parameter 'max_zip_member_mb' must be a number > 0"),
    (["--gold", "missing.csv"], "missing.csv: hand labels file (parameter 'gold') does not exist"),
    (["--dask-address", "tcp://127.0.0.1:8786"], "parameter 'dask_address' (tcp://127.0.0.1:8786) needs engine 'dask'"),
    (["--params", "{yaml}"], "parameter 'switch_penalty' must be a finite number, got nan"),
])
def test_bad_parameters_stop_before_any_work(tmp_path, cache, flags, message):
    (tmp_path / "nan.yml").write_text("switch_penalty: .nan\n")
    flags = [f.replace("{yaml}", str(tmp_path / "nan.yml")) for f in flags]
    line = one_line_error(run(SEEDS, tmp_path / "out", cache, *flags))
    assert message in line
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out*"))


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory):
    """Three seed articles and everything a corpus folder should not feed the run: an empty
    file, a 9 MB binary .pdf, a FIFO, a dangling symbolic link, a zip with a damaged member and
    a member expanding to 200 MB, an earlier run's folder (the --out of this run, inside the
    corpus) with the hidden .partial/.lock entries a running run keeps, and a 5 MB line of one
    word without punctuation."""
    import os
    import zipfile

    base = tmp_path_factory.mktemp("hostile")
    seeds = sorted(SEEDS.glob("*.txt"))[:3]
    files = {p.name: p.read_text("utf-8") for p in seeds}
    files["empty.txt"] = ""
    files["scan.pdf"] = random.Random(0).randbytes(9 * 2 ** 20)
    files["one word.txt"] = "تعاون " * (5_000_000 // len("تعاون ".encode()))
    # An earlier run written into the corpus (before runs left a marker: its manifest says so).
    files["results/manifest.json"] = json.dumps({"run": "results", "parameters": {}, "packages": {}, "stages": []})
    files["results/tables/actor_mentions.csv"] = "doc,line,start,end,name,kind,surface\n"
    files[".results.partial/tables/lines.csv"] = "doc,line,label\n"
    files[".results.lock"] = ""
    corpus = write_corpus(base / "corpus", files)
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "dangling.txt").symlink_to(base / "nowhere.txt")
    _damaged_zip(corpus / "archive.zip", {"good.txt": "خبر سليم عن وصول جنود كوريين شماليين إلى روسيا.",
                                      "broken.txt": "خبر تالف عن كوريا الشمالية وروسيا. " * 200},
                 damage="broken.txt")
    with zipfile.ZipFile(corpus / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("bomb.txt", "w") as member:
            for _ in range(200):
                member.write(b"a" * 2 ** 20)
    assert (corpus / "bomb.zip").stat().st_size < 300_000
    return corpus, seeds


@pytest.fixture(scope="module")
def hostile_run(hostile_corpus, cache):
    corpus, _ = hostile_corpus
    # One partition per file: the empty file, the .pdf, the FIFO ... are partitions with no document.
    result = run(corpus, corpus / "results", cache, "--partition-size", "1")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    return corpus, corpus / "results"


def test_hostile_inputs_are_skipped_and_recorded(hostile_run):
    corpus, out = hostile_run
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    skipped = {s["doc"]: s["reason"] for s in manifest["skipped_inputs"]}
    assert skipped["empty.txt"].startswith("empty")
    assert skipped["scan.pdf"].startswith("not a supported file type")
    assert skipped["pipe.txt"].startswith("a named pipe (FIFO)")
    assert skipped["dangling.txt"].startswith("broken symbolic link")
    assert skipped["archive.zip/broken.txt"].startswith("cannot be decompressed")
    assert skipped["bomb.zip/bomb.txt"].startswith("expands to 200.0 MB, more than max_zip_member_mb (100 MB)")
    assert skipped["results"] == "a run folder of this toolkit (an earlier run's output), not input"
    assert not [d for d in skipped if d.startswith(".")]  # hidden entries are left aside, not inputs
    assert any("run folder(s) of this toolkit inside the corpus" in w for w in manifest["warnings"])
    report = (out / "report.html").read_text("utf-8")
    assert "archive.zip/broken.txt" in report and "pipe.txt" in report


def test_hostile_corpus_lines_come_from_the_readable_documents(hostile_run, hostile_corpus):
    _, out = hostile_run
    _, seeds = hostile_corpus
    lines = pd.read_csv(out / "tables" / "lines.csv")
    assert set(lines["doc"]) == {p.name for p in seeds} | {"archive.zip/good.txt", "one word.txt"}
    # The 5 MB line of one word: one line, cut into paragraphs, one topic among the others.
    word = lines[lines["doc"] == "one word.txt"]
    assert len(word) == 1 and word["label"].iloc[0] in ("core", "insert")
    assert (out / "tables" / "topics.csv").exists()


def test_hostile_corpus_with_on_bad_file_error_names_archive_and_member(hostile_corpus, tmp_path, cache):
    corpus, _ = hostile_corpus
    line = one_line_error(run(corpus, tmp_path / "out", cache, "--on-bad-file", "error"))
    # The first bad file in corpus order stops the run (FIFO, link and run folder are no files: skipped).
    assert "archive.zip!broken.txt: cannot be decompressed" in line
