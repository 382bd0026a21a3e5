"""Run parameters: defaults, YAML files, validation.

One dictionary drives a run; every notebook receives all of it in its ``parameters`` cell
(papermill), so a notebook opened by hand in JupyterLab runs with the same defaults.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from .errors import ParameterError

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


def resolve(overrides: dict[str, Any] | None = None, base: Path | None = None) -> dict[str, Any]:
    """Defaults updated with ``overrides``, checked, paths made absolute against ``base``."""
    params = dict(DEFAULTS)
    for key, value in (overrides or {}).items():
        if key not in DEFAULTS:
            raise ParameterError(f"unknown parameter '{key}' (known: {', '.join(DEFAULTS)})")
        params[key] = value
    base = Path(base or Path.cwd())
    for key in PATH_KEYS:
        if params[key] not in (None, ""):
            params[key] = str((base / str(params[key])).resolve())
        else:
            params[key] = None
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
    if params["gold"] is not None and not Path(params["gold"]).is_file():
        raise ParameterError(f"{params['gold']}: hand labels file (parameter 'gold') does not exist")
    if params["columns"] is not None and not isinstance(params["columns"], dict):
        raise ParameterError("parameter 'columns' must be a mapping such as {text: content, source: site}")
    if params["on_bad_file"] not in ("skip", "error"):
        raise ParameterError("parameter 'on_bad_file' must be 'skip' or 'error'")
    for key in ("topic_sample_size", "partition_size", "dask_workers"):
        value = params[key]
        if (value is not None or key == "partition_size") and (
                not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise ParameterError(f"parameter '{key}' must be an integer >= 1"
                                 + ("" if key == "partition_size" else " or null") + f", got {value!r}")
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


def from_namespace(namespace: dict, base: Path | None = None) -> dict[str, Any]:
    """``resolve`` the parameters a notebook's ``parameters`` cell defined (its globals())."""
    return resolve({k: namespace[k] for k in DEFAULTS if k in namespace}, base)
