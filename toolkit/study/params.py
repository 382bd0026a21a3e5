"""Run parameters: defaults, YAML files, validation, and where relative paths point.

One dictionary drives a run; every notebook receives all of it in its ``parameters`` cell
(papermill), so a notebook opened by hand in JupyterLab runs with the same defaults.

Relative paths (the parameters in ``PATH_KEYS``: corpus, run_dir, cache_dir, patterns, gold),
in a notebook's parameters cell, a parameters file (``--params``) or the defaults, are read
from the **project folder**, never from the working directory: JupyterLab runs a
notebook with its own folder (``notebooks/``) as the working directory, papermill and
``make study`` with the repository, and ``data/raw`` must name the same folder from both. The
project folder is the nearest folder, from the working directory upwards, that holds both
``pyproject.toml`` and ``notebooks/``; failing that, the folder the toolkit is installed from
(an editable install), failing that the working directory (see ``project_root``).

The command line keeps "relative to where I typed it": it makes the paths typed as its
arguments (``CORPUS``, ``--out``, ``--cache-dir``, ``--patterns``, ``--gold``) absolute against
the working directory before calling ``resolve``.

A path that was asked for must exist where it is required to: a ``gold`` file named but missing
is a one-line ``ParameterError``, never a silent "no labels".
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from pathlib import Path
from typing import Any

import yaml

from ..errors import ParameterError

#: The seed study: Russia–North Korea military cooperation, November 2024.
SEED_FOCUS = (
    "التعاون العسكري بين روسيا وكوريا الشمالية: إرسال جنود كوريين شماليين للقتال إلى جانب "
    "القوات الروسية في الحرب على أوكرانيا، ومعاهدة الشراكة الاستراتيجية والدفاع المشترك بين "
    "موسكو وبيونغ يانغ"
)

DEFAULTS: dict[str, Any] = {
    "corpus": "data/raw",          # folder (or file) of articles
    "run_dir": "outputs/seeds",    # where this run's outputs go
    "run_name": "seeds",
    "focus": SEED_FOCUS,           # Arabic description of the coverage under study
    "seed": 42,                    # drives every random choice (UMAP, map sampling)
    "embedding_backend": "use-multilingual-v3",
    "cache_dir": "data/cache",     # embedding cache (safe to delete)
    "min_topic_size": None,        # None: sized to the corpus (topics.auto_sizes)
    "n_neighbors": None,           # None: sized to the corpus
    "patterns": None,              # None: toolkit/resources/chrome_patterns.yml
    "switch_penalty": 0.25,        # separation: cost of a core/insert change (in threshold units)
    "max_paragraph_words": 200,    # longer lines are cut at sentence ends
    "gold": "data/gold/seeds_lines.csv",  # hand labels to score against; None when absent
    "columns": None,               # table inputs: {text, title, id, date, source, url} -> column
    "on_bad_file": "skip",         # "skip" (recorded) or "error" for undecodable/unparsable files
    "max_zip_member_mb": 100,      # a .zip member expanding to more is skipped (zip bomb); None: no limit
    "topic_sample_size": 50000,    # paragraphs the topic model is fitted on; the rest are assigned
    "engine": "local",             # "local" (this process) or "dask" (a Dask cluster's workers)
    "dask_address": None,          # scheduler address (tcp://host:8786); None: a LocalCluster for the run
    "dask_workers": None,          # workers of that LocalCluster; None: one per CPU core
    "partition_size": 1000,        # files or archive members per partition (at most 8 MB of input)
    "report_rows": 200,            # rows of each searchable table in the report (the CSV tables hold all)
    "stage_cache": True,           # restore stages computed before from the same corpus, parameters, code
}

PATH_KEYS = ("corpus", "run_dir", "cache_dir", "patterns", "gold")
#: Seeds go to numpy and UMAP, which take 0 <= seed < 2**32.
SEED_LIMIT = 2 ** 32


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def load_yaml(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ParameterError(f"{path}: cannot read parameters ({exc})") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: parameters must be a mapping of name: value")
    return data


#: A folder holding both is a checkout of this project (the repository root).
PROJECT_MARKERS = ("pyproject.toml", "notebooks")


def _is_project(folder: Path) -> bool:
    return (folder / PROJECT_MARKERS[0]).is_file() and (folder / PROJECT_MARKERS[1]).is_dir()


def project_root(start: str | Path | None = None) -> Path:
    """The folder relative paths are read from (see the module docstring).

    Searched from ``start`` (the working directory) upwards, so a notebook run from
    ``notebooks/`` and a command run from the repository find the same folder; then the
    checkout the toolkit is imported from, for a notebook copied elsewhere; then ``start``.
    """
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if _is_project(folder):
            return folder
    installed_from = Path(__file__).resolve().parents[2]  # the checkout above toolkit/study/
    return installed_from if _is_project(installed_from) else start


def absolute_path(value: str | Path, base: str | Path | None = None) -> str:
    """``value`` (``~`` expanded) made absolute against ``base``, the project folder by default."""
    try:
        path = Path(str(value)).expanduser()
    except RuntimeError:  # ~user with no such user: one line, not a traceback
        raise ParameterError(f"{value}: unknown home folder in the path") from None
    return str((Path(base) if base is not None else project_root()).joinpath(path).resolve())


def _is_relative(value) -> bool:
    try:
        return not Path(str(value)).expanduser().is_absolute()
    except RuntimeError:  # ~user with no such user: absolute_path says so
        return False


def _resolve_paths(params: dict[str, Any], base: Path) -> None:
    gold_was_relative = params["gold"] not in (None, "") and _is_relative(params["gold"])
    for key in PATH_KEYS:
        value = params[key]
        params[key] = absolute_path(value, base) if value not in (None, "") else None
    if params["gold"] is not None and not Path(params["gold"]).is_file():
        # Named but missing: an error, so a report never says "no hand labels" by mistake.
        where = f" (a relative path is read from the project folder {base})" if gold_was_relative else ""
        raise ParameterError(f"{params['gold']}: hand labels file (parameter 'gold') does not exist{where}")


def resolve(overrides: dict[str, Any] | None = None, base: str | Path | None = None) -> dict[str, Any]:
    """Defaults updated with ``overrides``, checked, paths made absolute against ``base``
    (the project folder, ``project_root()``, when not given)."""
    params = dict(DEFAULTS)
    for key, value in (overrides or {}).items():
        if key not in DEFAULTS:
            raise ParameterError(f"unknown parameter '{key}' (known: {', '.join(DEFAULTS)})")
        params[key] = value
    _resolve_paths(params, Path(base) if base is not None else project_root())
    for key, value in params.items():  # NaN and infinities pass every comparison below unnoticed
        if isinstance(value, float) and not math.isfinite(value):
            raise ParameterError(f"parameter '{key}' must be a finite number, got {value!r}")
    if not _is_int(params["seed"]) or not 0 <= params["seed"] < SEED_LIMIT:
        raise ParameterError(f"parameter 'seed' must be an integer from 0 to {SEED_LIMIT - 1}, got {params['seed']!r}")
    if not _is_int(params["max_paragraph_words"]) or params["max_paragraph_words"] < 1:
        raise ParameterError(f"parameter 'max_paragraph_words' must be an integer >= 1, "
                             f"got {params['max_paragraph_words']!r}")
    for key in ("min_topic_size", "n_neighbors"):
        value = params[key]
        if value is not None and (not _is_int(value) or value < 2):
            raise ParameterError(f"parameter '{key}' must be an integer >= 2 or null, got {value!r}")
    if not _is_number(params["switch_penalty"]) or params["switch_penalty"] < 0:
        raise ParameterError(f"parameter 'switch_penalty' must be a number >= 0, got {params['switch_penalty']!r}")
    limit = params["max_zip_member_mb"]
    if limit is not None and (not _is_number(limit) or limit <= 0):
        raise ParameterError(f"parameter 'max_zip_member_mb' must be a number > 0 or null (no limit), got {limit!r}")
    if params["columns"] is not None and not isinstance(params["columns"], dict):
        raise ParameterError("parameter 'columns' must be a mapping such as {text: content, source: site}")
    if params["on_bad_file"] not in ("skip", "error"):
        raise ParameterError("parameter 'on_bad_file' must be 'skip' or 'error'")
    for key in ("topic_sample_size", "partition_size", "dask_workers", "report_rows"):
        value = params[key]
        required = key in ("partition_size", "report_rows")
        if (value is not None or required) and (
                not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise ParameterError(f"parameter '{key}' must be an integer >= 1"
                                 + ("" if required else " or null") + f", got {value!r}")
    if not isinstance(params["stage_cache"], bool):
        raise ParameterError(f"parameter 'stage_cache' must be true or false, got {params['stage_cache']!r}")
    if params["engine"] not in ("local", "dask"):
        raise ParameterError(f"parameter 'engine' must be 'local' or 'dask', got {params['engine']!r}")
    if params["dask_address"] is not None and (not isinstance(params["dask_address"], str)
                                               or not params["dask_address"].strip()):
        raise ParameterError("parameter 'dask_address' must be a scheduler address such as "
                             f"tcp://10.0.0.5:8786, got {params['dask_address']!r}")
    if params["dask_address"] is not None and params["engine"] != "dask":
        raise ParameterError(f"parameter 'dask_address' ({params['dask_address']}) needs engine 'dask' "
                             f"(--engine dask); engine is {params['engine']!r}")
    if params["focus"] is not None and not str(params["focus"]).strip():
        params["focus"] = None
    if not params["run_name"]:
        params["run_name"] = Path(params["run_dir"]).name
    return params


def from_namespace(namespace: dict, base: str | Path | None = None) -> dict[str, Any]:
    """``resolve`` the parameters a notebook's ``parameters`` cell defined (its globals()):
    relative paths there are read from the project folder, whatever the notebook's folder."""
    return resolve({k: namespace[k] for k in DEFAULTS if k in namespace}, base)


# ------------------------------------------------------------ executed notebooks
def parameters_source(params: dict[str, Any], note: str = "") -> str:
    """A parameters cell for ``params``: one ``name = value`` line each, as Python literals
    (``repr``), so Arabic stays readable (papermill's own cell writes JSON, ``\\u0627``
    escapes) and the cell runs as it reads."""
    header = ["# Parameters" + (f" ({note})" if note else "")]
    return "\n".join(header + [f"{key} = {value!r}" for key, value in params.items()]) + "\n"


def record_parameters(notebook: str | Path, params: dict[str, Any], saved_as: str | Path | None = None,
                      note: str = "") -> None:
    """Rewrite an executed notebook's injected-parameters cell (and papermill's record of them)
    with ``params``, so the notebook reruns with them: a run executes into a temporary folder
    and saves its notebooks for the folder it is renamed to."""
    import nbformat

    path = Path(notebook)
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = parameters_source(params, note)
    record = nb.metadata.get("papermill")
    if record is not None:
        record["parameters"] = dict(params)
        if saved_as is not None:
            record["output_path"] = str(saved_as)
    nbformat.write(nb, str(path))


# ------------------------------------------------------------------ notebook kernels
def _in_notebook_kernel() -> bool:
    """True inside a Jupyter kernel (JupyterLab, papermill): the test tqdm itself makes."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def quiet_progress_in_notebooks() -> None:
    """In a notebook kernel, draw no third-party progress bars unless ``TOOLKIT_PROGRESS=1``,
    and import tqdm's notebook bar without its ``IProgress not found`` warning.

    Libraries the notebooks use (UMAP, BERTopic, sentence-transformers) import ``tqdm.auto``,
    which in a kernel without ipywidgets warns ("TqdmWarning: IProgress not found") and falls
    back to the plain text bar; their bars then land in the notebook as stray stderr output.
    The toolkit's own bars pass ``disable=`` explicitly, so ``TQDM_DISABLE`` (read by tqdm
    when it is first imported) silences only the others; a ``TQDM_DISABLE`` the user set is
    left as it is (tqdm reads any value, "0" too, as "disable": to see the bars in a notebook,
    start JupyterLab with ``TOOLKIT_PROGRESS=1``). Only that one warning is filtered, only
    while ``tqdm.autonotebook`` is imported once (later imports reuse the module): every other
    warning still shows.
    """
    if not _in_notebook_kernel() or "tqdm.autonotebook" in sys.modules:
        return
    if os.environ.get("TOOLKIT_PROGRESS") != "1":
        os.environ.setdefault("TQDM_DISABLE", "1")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        import tqdm.autonotebook  # noqa: F401  (cached: the libraries' later imports are silent)


# Every notebook imports this module first (its parameters cell), before any library that
# imports tqdm.
quiet_progress_in_notebooks()
