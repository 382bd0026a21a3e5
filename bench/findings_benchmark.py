"""The findings stages of a finished run, again, on either engine (issue 15): time, the driving
process's peak memory, and whether each table comes out byte for byte as the run wrote it.

usage: .venv/bin/python bench/findings_benchmark.py RUN --out SCRATCH [--engine local|dask]
       [--workers N] [--dask-address ADDR] [--quotations]

RUN: a run folder (``python -m toolkit run … --out RUN``). Its partition tables (lines, line
labels, documents) are copied into SCRATCH (made, or emptied when it is a copy this script made
before), where ``toolkit.study.findings_stages`` runs actors and claims, shared passages and,
with ``--quotations``, shared quotations (embedding the quotations compared, with the run's
embedding cache when it has one). Printed: seconds per stage, the peak RSS of this process (the
driving one; with Dask the workers' memory is not in it) and, per table, ``same`` or ``DIFFERS``
against ``RUN/tables``.

Measured this way on the dev split's run (14,848 articles, 71,656 coverage lines, 8 partitions,
2 cores), see the closing note of issue 15 for the figures.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARK = ".findings-benchmark"  # a scratch folder this script made
COPIED = ("lines", "line_labels", "documents", "partitions.json")
TABLES = ("actors.csv", "actor_mentions.csv", "claims.csv", "shared_passages.csv", "shared_quotations.csv")


def prepare(run: Path, scratch: Path) -> None:
    if scratch.exists():
        if not (scratch / MARK).exists():
            raise SystemExit(f"{scratch}: exists and was not made by this script; give another --out")
        shutil.rmtree(scratch)
    (scratch / "work").mkdir(parents=True)
    (scratch / "tables").mkdir()
    (scratch / MARK).write_text("scratch copy of a run's partition tables\n")
    for name in COPIED:
        source = run / "work" / name
        if not source.exists():
            raise SystemExit(f"{source}: missing; RUN must be a finished run folder")
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, scratch / "work" / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="scratch folder (made by this script)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--workers", type=int, default=None, help="LocalCluster workers (dask, no address)")
    parser.add_argument("--dask-address", default=None)
    parser.add_argument("--quotations", action="store_true", help="also the shared quotations (embeds)")
    parser.add_argument("--seed", type=int, default=None, help="the run's seed (default: its manifest's, else 42)")
    args = parser.parse_args()

    from toolkit.study import findings_stages
    from toolkit.study.engine import open_engine
    from toolkit.study.workspace import RunFolder

    manifest = args.run / "manifest.json"
    params = json.loads(manifest.read_text("utf-8")).get("parameters", {}) if manifest.exists() else {}
    seed = args.seed if args.seed is not None else int(params.get("seed", 42))
    prepare(args.run, args.out)
    run = RunFolder(args.out)
    documents = run.load_frame("documents")
    seconds = {}

    def timed(name):
        class _Stage:
            def __enter__(self):
                self.t = time.perf_counter()

            def __exit__(self, *exc):
                seconds[name] = time.perf_counter() - self.t
        return _Stage()

    with open_engine(args.engine, args.dask_address, args.workers) as engine:
        print("engine:", engine.description, flush=True)
        findings_stages.find_actors_and_claims(run, engine, documents, stage=timed)
        with timed("shared passages"):
            findings_stages.find_shared_passages(run, engine, documents, seed)
        if args.quotations:
            from toolkit.study.pipeline import focus_embedder

            p = {"embedding_backend": params.get("embedding_backend", "use-multilingual-v3"),
                 "cache_dir": params.get("cache_dir")}
            with timed("shared quotations"):
                findings_stages.find_shared_quotations(run, engine, documents, seed, *focus_embedder(p))
    for name, s in seconds.items():
        print(f"{name:20s} {s:8.1f} s")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    for table in TABLES:
        mine, theirs = args.out / "tables" / table, args.run / "tables" / table
        if mine.exists() and theirs.exists():
            print(f"{table:24s} {'same' if filecmp.cmp(mine, theirs, shallow=False) else 'DIFFERS'}")


if __name__ == "__main__":
    main()
