"""Command line: ``python -m toolkit run|embed|score``.

Errors that come from the input (a missing folder, an undecodable file, a bad parameter, a
failing notebook) print one line naming the file or cell and exit with status 2; they never
print a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import ToolkitError
from . import params as P

EXIT_INPUT_ERROR = 2


class _HelpFormatter(argparse.HelpFormatter):
    """Wraps help at spaces only, so names such as use-multilingual-v3 stay whole."""

    def _split_lines(self, text, width):
        import textwrap

        return textwrap.wrap(self._whitespace_matcher.sub(" ", text).strip(), width, break_on_hyphens=False)


def _with_default(text: str, default) -> str:
    """Help text ending with its default, once (the run parser has no ArgumentDefaultsHelpFormatter:
    its flags default to None so that a flag not given leaves the parameters file's value)."""
    return f"{text} (default: {default})"


def _run_parser(sub) -> None:
    d = P.DEFAULTS
    p = sub.add_parser(
        "run", help="run the whole study on a corpus (notebooks, tables, figures, report)",
        description=("Run load, clean, segment, embed, topics, separation, figures and report on "
                     "CORPUS by executing the notebooks with papermill. Values come from the "
                     "defaults (the seed study), then --params FILE.yml, then the flags below. "
                     "Relative paths typed here are read from the current folder; those in FILE.yml "
                     f"and the defaults from the project folder ({P.project_root()})."),
        formatter_class=_HelpFormatter)
    p.add_argument("corpus", nargs="?", default=None,
                   help=_with_default("folder, file or .zip of articles: .txt (one article per file), "
                                      ".jsonl/.json/.csv/.parquet (one per row), .html (main text extracted); "
                                      "nested folders allowed", f"the seed corpus {d['corpus']}"))
    p.add_argument("--out", dest="run_dir", default=None,
                   help=_with_default("run folder to write; replaced only when the run succeeds, and only if it "
                                      "is empty or an earlier run's folder",
                                      f"{d['run_dir']} for the seed corpus, outputs/NAME for a corpus NAME"))
    p.add_argument("--force", action="store_true",
                   help="replace --out even when it is not an earlier run's folder (never the corpus or another "
                        "input, a folder holding one, the repository or the home folder)")
    p.add_argument("--params", default=None,
                   help=_with_default("YAML file of parameters (any of the names below)", "none"))
    p.add_argument("--focus", default=None,
                   help=_with_default("Arabic description of the coverage under study; '' lets the corpus say: "
                                      "its dominant coverage, or none for a mixed collection (only what does "
                                      "not belong to its article is set aside)",
                                      "the seed study's focus for the seed corpus, decided from the corpus for "
                                      "another"))
    p.add_argument("--seed", type=int, default=None,
                   help=_with_default("random seed for every random choice", d["seed"]))
    p.add_argument("--embedding-backend", dest="embedding_backend", default=None,
                   help=_with_default("'use-multilingual-v3' or 'sentence-transformers:NAME_OR_LOCAL_PATH'",
                                      d["embedding_backend"]))
    p.add_argument("--cache-dir", dest="cache_dir", default=None,
                   help=_with_default("embedding cache folder", d["cache_dir"]))
    p.add_argument("--min-topic-size", dest="min_topic_size", type=int, default=None,
                   help=_with_default("smallest topic in paragraphs", "sized to the corpus"))
    p.add_argument("--n-neighbors", dest="n_neighbors", type=int, default=None,
                   help=_with_default("UMAP neighbours", "sized to the corpus"))
    p.add_argument("--patterns", default=None,
                   help=_with_default("YAML file of related markers and chrome phrases",
                                      "toolkit/resources/chrome_patterns.yml"))
    p.add_argument("--switch-penalty", dest="switch_penalty", type=float, default=None,
                   help=_with_default("separation: cost of a core/insert change within a document",
                                      d["switch_penalty"]))
    p.add_argument("--max-paragraph-words", dest="max_paragraph_words", type=int, default=None,
                   help=_with_default("lines longer than this are cut at sentence ends into paragraphs",
                                      d["max_paragraph_words"]))
    p.add_argument("--gold", default=None,
                   help=_with_default("CSV of hand labels (doc,line,label) to score against; a file named "
                                      "but missing is an error",
                                      f"{d['gold']} for the seed corpus, none for another"))
    for field in ("text", "title", "id", "date", "source", "url"):
        p.add_argument(f"--{field}-column", dest=f"{field}_column", default=None,
                       help=_with_default(f"table inputs (.jsonl/.json/.csv/.parquet): column holding the {field}",
                                          "auto-detected from common names"))
    p.add_argument("--on-bad-file", dest="on_bad_file", choices=("skip", "error"), default=None,
                   help=_with_default("an undecodable or unparsable file is skipped and recorded (skip) "
                                      "or stops the run (error)", d["on_bad_file"]))
    p.add_argument("--max-zip-member-mb", dest="max_zip_member_mb", type=float, default=None,
                   help=_with_default("a .zip member that expands to more MB is skipped and recorded (a likely "
                                      "zip bomb)", d["max_zip_member_mb"]))
    p.add_argument("--topic-sample-size", dest="topic_sample_size", type=int, default=None,
                   help=_with_default("paragraphs the topic model is fitted on (a seeded sample); the others "
                                      "take the topic of their nearest sampled paragraphs", d["topic_sample_size"]))
    p.add_argument("--engine", choices=("local", "dask"), default=None,
                   help=_with_default("where the per-partition work runs: this process (local) or a Dask "
                                      "cluster (dask)", d["engine"]))
    p.add_argument("--dask-address", dest="dask_address", default=None,
                   help=_with_default("scheduler of an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (the "
                                      "corpus and --out must be on storage its workers can read and write)",
                                      "none: --engine dask starts a LocalCluster for the run"))
    p.add_argument("--dask-workers", dest="dask_workers", type=int, default=None,
                   help=_with_default("worker processes of that LocalCluster", "one per CPU core"))
    p.add_argument("--partition-size", dest="partition_size", type=int, default=None,
                   help=_with_default("files or archive members per partition of the corpus (the unit of work)",
                                      d["partition_size"]))
    p.add_argument("--report-rows", dest="report_rows", type=int, default=None,
                   help=_with_default("rows of each searchable table in report.html (tables/*.csv hold every row)",
                                      d["report_rows"]))
    p.add_argument("--no-stage-cache", dest="stage_cache", action="store_const", const=False, default=None,
                   help=_with_default("compute every stage, even one stored in the stage cache "
                                      "(cache-dir/stages/) from the same corpus, parameters and code, and store "
                                      "nothing there", "stages are restored and stored"))
    p.add_argument("--quiet", action="store_true", help="no progress bars or messages")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m toolkit",
        description="Arabic news coverage toolkit: clean, segment, embed, model topics, separate "
                    "the coverage under study, and report.")
    sub = parser.add_subparsers(dest="command", required=True)
    _run_parser(sub)
    e = sub.add_parser("embed", help="embed one text per line of a file into a .npy array",
                       description="Embed each line of IN (UTF-8) with the default backend; write an "
                                   "(n_lines, dim) float32 array to OUT.",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    e.add_argument("input", help="UTF-8 text file, one text per line")
    e.add_argument("output", help=".npy file to write")
    e.add_argument("--embedding-backend", dest="embedding_backend", default=P.DEFAULTS["embedding_backend"])
    s = sub.add_parser("score", help="score a run's lines.csv against hand labels",
                       description="Print core retention and removal rates of a lines.csv against a gold CSV.")
    s.add_argument("lines", help="RUN/tables/lines.csv")
    s.add_argument("gold", help="hand labels CSV with doc,line,label")
    return parser


def _run(args) -> int:
    from .report import run_study
    from .workspace import RunFolderError

    overrides: dict = {}
    if args.params:
        # A parameters file is parameters, like a notebook's parameters cell: its relative
        # paths are read from the project folder (by P.resolve), wherever the command is typed.
        overrides.update(P.load_yaml(args.params))
    flags = {k: getattr(args, k) for k in ("run_dir", "focus", "seed", "embedding_backend", "cache_dir",
                                           "min_topic_size", "n_neighbors", "patterns", "switch_penalty",
                                           "max_paragraph_words", "gold", "on_bad_file", "max_zip_member_mb", "topic_sample_size",
                                           "engine", "dask_address", "dask_workers", "partition_size",
                                           "report_rows", "stage_cache")}
    column_flags = {f: getattr(args, f"{f}_column") for f in ("text", "title", "id", "date", "source", "url")}
    if any(column_flags.values()):
        overrides["columns"] = {**(overrides.get("columns") or {}),
                                **{k: v for k, v in column_flags.items() if v}}
    if args.corpus is not None:
        overrides["corpus"] = P.absolute_path(args.corpus, Path.cwd())
    overrides.update(_typed_paths({k: v for k, v in flags.items() if v is not None}))
    corpus = Path(P.absolute_path(overrides.get("corpus") or P.DEFAULTS["corpus"]))  # typed: already absolute
    if corpus != Path(P.absolute_path(P.DEFAULTS["corpus"])):
        # Another corpus: no seed hand labels, and its own run folder (in the project's
        # outputs/, like the seed run's) unless one is named.
        overrides.setdefault("gold", None)
        overrides.setdefault("focus", None)  # the seed study's focus does not apply: the corpus decides
        overrides.setdefault("run_dir", str(Path("outputs") / (corpus.stem or "run")))
    if "run_dir" in overrides and (overrides["run_dir"] is None or not str(overrides["run_dir"]).strip()):
        raise RunFolderError("--out is empty: name the run folder to write, e.g. --out outputs/mystudy")
    if "run_dir" in overrides and "run_name" not in overrides:
        overrides["run_name"] = Path(overrides["run_dir"]).name
    params = P.resolve(overrides)
    if not Path(params["corpus"]).exists():
        raise P.ParameterError(f"{params['corpus']}: corpus folder does not exist")
    # Progress bars in a terminal; none under CI or --quiet.
    progress = not args.quiet and not os.environ.get("CI")
    run_study(params, progress=progress, log=print if progress else (lambda *_: None), force=args.force,
              inputs=[Path(args.params).resolve()] if args.params else ())
    return 0


def _typed_paths(values: dict) -> dict:
    """``values`` with the paths (``P.PATH_KEYS``) made absolute against the current folder:
    what a user types means "relative to where I typed it", while ``P.resolve`` reads the
    remaining relative paths (defaults, a parameters file's) from the project folder."""
    return {key: (P.absolute_path(value, Path.cwd())
                  if key in P.PATH_KEYS and isinstance(value, (str, Path)) and str(value).strip() else value)
            for key, value in values.items()}


def _embed(args) -> int:
    import numpy as np

    from ..model.embed import embed_texts, make_embedder

    path = Path(args.input)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        texts = path.read_text("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not valid UTF-8 (offset {exc.start})") from None
    vectors, _ = embed_texts(texts, make_embedder(args.embedding_backend))
    np.save(args.output, vectors)
    print(f"{len(texts)} texts -> {args.output} {vectors.shape}")
    return 0


def _score(args) -> int:
    import pandas as pd

    from .report import score_lines

    metrics, confusion = score_lines(pd.read_csv(args.lines), pd.read_csv(args.gold))
    for key, value in metrics.items():
        print(f"{key:24s} {value:.3f}" if isinstance(value, float) else f"{key:24s} {value}")
    print(confusion.to_string())
    return 0


def _skip_iri_format_checks() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` in this process.

    papermill and nbconvert read notebooks through nbformat, which imports jsonschema; where
    the optional ``rfc3987_syntax`` is installed (Jupyter's event schemas pull it in),
    jsonschema imports it to check "iri" strings, and its import builds a Lark grammar: 1.3 s of
    every run's start. The notebook schema uses no such format. Set only in the command's own
    process, never in a user's kernel, and only if nothing imported it yet.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # None in sys.modules: its import fails, jsonschema skips it


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _skip_iri_format_checks()
    handlers = {"run": _run, "embed": _embed, "score": _score}
    try:
        return handlers[args.command](args)
    except (ToolkitError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
