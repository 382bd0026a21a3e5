"""The report answers first: summary, contents, runs set aside, findings linked to their lines,
mixed-direction text isolated, searchable tables that load nothing from the network."""

import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from conftest import ROOT
from toolkit.study import report

RULE = "rule: غ → ج (Latin g written غ or ج (بيونغ يانغ / بيونج يانج))"


# ------------------------------------------------------------------ helpers, no study
def test_each_direction_run_is_isolated():
    # In a left-to-right cell the Arabic letters are isolated one run each, so the arrow and the
    # parentheses keep their left-to-right places (unisolated, "غ → ج" shows as "ج → غ").
    html = report.bidi_html(RULE)
    assert html.startswith("rule: <bdi>غ</bdi> → <bdi>ج</bdi> (Latin g written <bdi>غ</bdi> or <bdi>ج</bdi> (")
    assert "<bdi>بيونغ يانغ</bdi> / <bdi>بيونج يانج</bdi>))" in html  # a name of two words is one run
    # An Arabic sentence inside an English one stays one run, its punctuation and parenthesis in it.
    assert report.bidi_html("Focus: «التعاون بين روسيا: إرسال جنود، ومعاهدة (أرشيفية)».") == \
        "Focus: «<bdi>التعاون بين روسيا: إرسال جنود، ومعاهدة (أرشيفية)</bdi>»."
    # In an Arabic cell it is the Latin runs that are isolated (CNN, F-16 whole).
    assert report.bidi_html("قالت شبكة CNN إن F-16 وصلت", "rtl") == "قالت شبكة <bdi>CNN</bdi> إن <bdi>F-16</bdi> وصلت"
    assert report.bidi_html("<b>كيم</b>") == "&lt;b&gt;<bdi>كيم</bdi>&lt;/b&gt;"  # still escaped


def test_tables_and_blocks_set_direction_and_alignment():
    table = report.html_table(pd.DataFrame({"name": ["بيونغ يانغ"], "merged_by": [RULE]}))
    assert '<td class="ar" dir="rtl">بيونغ يانغ</td>' in table
    assert "<td>rule: <bdi>غ</bdi> → <bdi>ج</bdi>" in table
    block = report.arabic_block("روسيا وكوريا")
    assert '<p class="tk-ar" dir="rtl">روسيا وكوريا</p>' in block
    # JupyterLab left-aligns every <p> and right-aligns every cell: the report's rules override both.
    assert re.search(r'\.jp-RenderedHTMLCommon p\[dir="rtl"\][^{]*\{ direction: rtl; text-align: right; \}',
                     report.REPORT_CSS)


def test_document_titles_fall_back_to_the_first_line():
    documents = pd.DataFrame({"doc": ["a.txt", "b.txt"], "title": ["عنوان من البيانات", ""],
                              "text": ["سطر أول\nسطر ثان", "\n\n  السطر الأول للمقال الثاني  \nبقية"]})
    titles = report.document_titles(documents)
    assert titles.to_dict() == {"a.txt": "عنوان من البيانات", "b.txt": "السطر الأول للمقال الثاني"}


def test_consecutive_set_aside_lines_are_one_run():
    labels = ["core", "insert", "duplicate", "insert", "core", "related", "related", "insert", "boilerplate",
              "insert", "duplicate", "core"]
    line_labels = pd.DataFrame({"doc": "d.txt", "line": range(1, 13), "label": labels,
                                "reason": [f"why {k}" for k in range(12)]})
    line_labels.loc[line_labels["label"] == "related", "reason"] = "in the related-articles block"
    lines = pd.DataFrame({"doc": "d.txt", "line": range(1, 13), "text": [f"كلمة {k}" for k in range(12)]})
    checks = [{"doc": "d.txt", "first_line": 8, "kind": "text after a related-articles block",
               "decision": "insert: a separate article"}]
    runs = report.set_aside_runs(line_labels, lines, checks)
    got = list(zip(runs["first_line"], runs["last_line"], runs["label"]))
    # The duplicate inside the insert run belongs to it; the related block and the article after it
    # are two runs; the trailing duplicate (after the last insert line) is a run of its own.
    assert got == [(2, 4, "insert"), (6, 7, "related"), (8, 10, "insert"), (11, 11, "duplicate")]
    assert runs.loc[0, "labels"] == "2 insert, 1 duplicate" and runs.loc[1, "why"] == "in the related-articles block"
    assert "text after a related-articles block from line 8: insert: a separate article" in runs.loc[2, "why"]
    assert runs.loc[0, "first_words"] == "كلمة 1"


def test_coverage_statement_or_focus():
    statement = {"coverage": {"kind": "dominant", "statement": "The dominant topic: «روسيا وكوريا»."}}
    assert report.coverage_sentence(statement) == "The dominant topic: «<bdi>روسيا وكوريا</bdi>»."
    focus = report.coverage_sentence({"focus": "روسيا وكوريا", "focus_origin": "given by the focus parameter"})
    assert focus.startswith("the focus given by the focus parameter") and 'dir="rtl">روسيا وكوريا<' in focus


def test_source_lines_of_a_large_corpus_are_the_linked_ones_in_context():
    documents = pd.DataFrame({"doc": ["a.txt", "b.txt"], "title": ["", "عنوان"], "source": ["", "الجزيرة"],
                              "date": ["", "2024-11-05T10:00"], "text": ["سطر\n", "x\n"]})
    lines = pd.DataFrame({"doc": ["a.txt"] * 20 + ["b.txt"] * 5, "line": [*range(1, 21), *range(1, 6)],
                          "label": "core", "reason": "", "text": "نص"})
    links = report.SourceLinks(documents)
    html = report.source_lines_html(lines, links, targets={("a.txt", 10)}, radius=2, all_below=10)
    assert re.findall(r'id="doc-1-line-(\d+)"', html) == ["8", "9", "10", "11", "12"]
    assert 'id="doc-2' not in html and html.count('class="gap"') == 2  # lines 1-7 and 13-20 left out
    # A line cut for the page says so in English, isolated left-to-right after the Arabic.
    long_line = lines.assign(text=lambda t: t["text"].where(t["line"] != 10, "كلمة " * 1000))
    html = report.source_lines_html(long_line, links, targets={("a.txt", 10)}, all_below=10, radius=0)
    assert re.search(r'كلمة … <bdi dir="ltr" class="tk-cut">\[2,\d{3} more characters; the whole line is in the '
                     r'source file\]</bdi></td>', html)
    # Too many lines with two around each link: one around each, then the linked lines alone.
    html = report.source_lines_html(lines, links, targets={("a.txt", 5), ("a.txt", 15)}, all_below=10, max_lines=6)
    assert re.findall(r'id="doc-1-line-(\d+)"', html) == ["4", "5", "6", "14", "15", "16"]
    html = report.source_lines_html(lines, links, targets={("a.txt", 5), ("a.txt", 15)}, all_below=10, max_lines=5)
    assert re.findall(r'id="doc-1-line-(\d+)"', html) == ["5", "15"]
    whole = report.source_lines_html(lines, links)
    assert len(re.findall(r'<tr id="doc-', whole)) == 25 and "الجزيرة · 2024-11-05" in whole
    assert links.describe("b.txt") == "عنوان — الجزيرة, 2024-11-05" and links.describe("a.txt") == "سطر"


def test_arabic_in_the_page_scripts_is_written_out_not_escaped():
    # plotly writes «<b>كيم</b>» as \u003cb\u003e\u0643\u064a\u0645…: six bytes a letter instead of two.
    data = json.dumps({"hovertext": ["<b>كيم جونغ أون</b> في موسكو"], "path": "a\\u0643"}).replace("<", "\\u003c")
    page = f'<p>\\u0643 stays</p><script type="text/javascript">Plotly.newPlot("v", {data});</script>'
    out = report.unescape_script_text(page)
    assert "كيم جونغ أون" in out and "في موسكو" in out
    assert json.loads(out[out.index("{"):out.rindex("}") + 1]) == json.loads(data)  # the same data
    assert "\\u003cb>" in out and "</b>" not in out  # "<" stays escaped: the script cannot close early
    assert '"a\\\\u0643"' in out  # an escaped backslash before "u0643" is text, not an escape
    assert out.startswith("<p>\\u0643 stays</p>")  # text outside scripts is not touched
    assert len(out.encode()) < 0.75 * len(page.encode())


def test_searchable_tables_load_nothing_from_the_network():
    script = report.interactive_tables_script()
    assert "injectModule" in script and len(script) > 500_000  # the DataTables bundle itself, base64
    table = report.interactive_table(pd.DataFrame({"text": ["كيم"], "n": [3]}), "table-test", max_rows=1,
                                     csv="tables/x.csv")
    assert 'id="table-test"' in table and "<svg" not in table  # no loading logo in every table
    for html in (script, table):
        assert not re.search(r'<script[^>]*\ssrc="https?:', html)
        assert not re.search(r'<link[^>]*\shref="https?:', html)
        assert "unpkg" not in html and "cdn." not in html
    long = report.interactive_table(pd.DataFrame({"n": range(5)}), "table-long", max_rows=2, csv="tables/x.csv")
    assert 'First 2 of 5 rows; all of them are in <a href="tables/x.csv">' in long


# ------------------------------------------------------------------------- the seed run
def table_rows(page: str, table_id: str) -> list[list]:
    """The rows an itables table holds (its data_json), as the browser receives them."""
    start = re.search(f'<table[^>]*\\sid="{table_id}"', page).start()
    at = page.index('"data_json": ', start) + len('"data_json": ')
    literal, _ = json.JSONDecoder().raw_decode(page, at)
    return json.loads(literal)


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    """The seed study, run once for this module (as make study runs it)."""
    out = tmp_path_factory.mktemp("report") / "seeds"
    result = subprocess.run([sys.executable, "-m", "toolkit", "run", "--params", "params/seeds.yml", "--out", str(out),
                             "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def page(seed_run) -> str:
    return (seed_run / "report.html").read_text("utf-8")


@pytest.mark.slow
def test_summary_then_contents_then_sections(page):
    positions = [page.index(f'id="{anchor}"') for anchor in ("summary", "contents", "the-run", "set-aside",
                                                             "claims", "source-lines", "timings")]
    assert positions == sorted(positions)
    assert page.index('id="summary"') < page.index("<img ")  # the answer before any figure
    title = re.search(r"<title>([^<]*)</title>", page).group(1)
    assert title == "Arabic news coverage: what belongs to the story — seeds"
    for anchor in re.findall(r'href="#([^"]+)"', page.split('id="contents"')[1].split("</ol>")[0]):
        assert f'id="{anchor}"' in page, anchor  # every entry of the contents leads somewhere


@pytest.mark.slow
def test_runs_set_aside_on_the_seeds(seed_run, page):
    from toolkit.study.workspace import RunFolder

    run = RunFolder(seed_run)
    lines = pd.read_csv(seed_run / "tables" / "lines.csv")
    runs = report.set_aside_runs(lines, run.load_frame("lines"), run.load_json("run_info", {})["glued_article_checks"])
    found = set(zip(runs["doc"].str[:3], runs["first_line"], runs["last_line"], runs["label"]))
    assert ("000", 32, 56, "insert") in found  # the glued-in Trump–Netanyahu analysis
    assert ("001", 51, 89, "related") in found  # the related-articles block
    assert ("001", 91, 132, "insert") in found  # the second article after it
    summary = page.split('id="summary"')[1].split('id="contents"')[0]
    assert 'id="table-runs"' in summary
    rows = {(row[2], row[4]): row for row in table_rows(page, "table-runs")}  # (line range, label)
    assert {("32–56", "insert"), ("51–89", "related"), ("91–132", "insert")} <= set(rows)
    assert rows[("32–56", "insert")][0] == '<a href="#doc-1-line-32">D1 line 32</a>'
    assert rows[("32–56", "insert")][6] == "الرئيس ترامب ونتانياهو"  # first words
    assert rows[("32–56", "insert")][1].startswith("بوتين وكيم جونغ أون")  # the document by its title
    assert "documents, <b>188</b> non-blank lines" in summary and "<b>Coverage under study:</b>" in summary


@pytest.mark.slow
def test_findings_link_to_their_lines(page):
    findings = page.split("<b>Findings</b>")[1].split('id="contents"')[0]
    assert len(re.findall(r'href="#(doc-\d+-line-\d+)"', findings)) >= 4  # actors, claims, closest passages
    lines = page.split('id="source-lines"')[1]
    # Every link of the page (in the tables' data too, where quotes are escaped) has its line.
    targets = set(re.findall(r'href=[\\"]+#(doc-\d+(?:-line-\d+)?)', page))
    assert len(targets) > 100
    for target in targets:
        assert f'id="{target}"' in lines, target
    assert re.search(r'<h3 id="doc-2">D2 · <bdi>خبراء يستبعدون', lines)  # documents by title


@pytest.mark.slow
def test_page_is_offline_isolated_and_described(page):
    assert "rule: <bdi>غ</bdi> → <bdi>ج</bdi>" in page
    assert page.count("async function injectModule") == 1  # the DataTables bundle embedded once
    for table in ("table-runs", "table-set-aside", "table-documents", "table-actors", "table-claims"):
        assert re.search(f'<table[^>]*\\sid="{table}"', page), table
    assert not re.search(r'<script[^>]*\ssrc="https?:', page)
    assert not re.search(r'<link[^>]*\shref="https?:[^"]*"[^>]*stylesheet', page)
    images = re.findall(r"<img [^>]*>", page)
    alts = [re.search(r'alt="([^"]*)"', i).group(1) for i in images]
    assert len(alts) >= 7 and all(len(a) > 40 and "No description" not in a for a in alts)
    assert len(page) < 20_000_000
