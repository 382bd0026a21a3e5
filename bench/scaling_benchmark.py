"""How a run grows with the corpus (issue 15): time per stage and peak memory of the driving
process at several corpus sizes, each stage's growth fitted, and a projection, on paper, to a
million articles on a cluster.

usage: python bench/scaling_benchmark.py [--corpus ../shared/corpora/saudinewsnet-dev]
       [--sizes 2000 4000 8000 15042] [--out outputs/scaling-bench] [--seed 0] [--keep]
       [--workers 32] [--project 1000000]

For each size N the bench writes a seeded sample of N articles of the corpus (a JSON file per
day, as the corpus's own archives are; the whole corpus when N is its size or more) to
``OUT/corpus-N/``, runs ``python -m toolkit run OUT/corpus-N --out OUT/run-N --cache-dir
OUT/cache-N --quiet`` with an empty cache (local engine, no focus, defaults otherwise) and reads
the run's manifest: seconds and peak RSS per stage (``peak_rss_mb``: of the notebook process
that ran it, which with the local engine is the driving process). ``--keep`` reuses a size's
finished run (``OUT/run-N/manifest.json``) instead of running it again. The bench writes only
under ``OUT`` and replaces only what it wrote there (``corpus-N``, ``run-N``, ``cache-N``).

Printed: one table of stage seconds by size, the driving process's peak RSS by size, and per
stage the exponent ``b`` of ``seconds = a * N**b`` fitted by least squares on the logs (1: linear;
under 1: a fixed cost dominates at these sizes, such as the topic model's fixed-size sample).
The projection to ``--project`` articles on ``--workers`` workers extends each stage by its fit
and divides the stages that run per partition on the engine (load, clean, embed, separate,
actors, claims, shared passages and quotations: their reductions in the driving process, the
candidates' comparison and the sampled quotations' embedding are counted with the workers,
which understates them; the topic assignment inside "topics" is counted with the
driver, which overstates it) by the number of workers; everything else runs in the driving
process (the topic model's fit, figures, report). It is arithmetic on a fit over a 7.5x range of sizes,
not a measurement: it says which stage would dominate, not how long a real cluster takes.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import subprocess
import sys
import time
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Stages whose work runs per partition on the engine's workers (``toolkit.study.pipeline``).
ON_WORKERS = ("load", "clean", "embed", "separate", "actors", "claims", "shared passages", "shared quotations")


def read_articles(corpus: Path) -> list[tuple[str, dict]]:
    """(day, article) for every article of a SaudiNewsNet-style corpus: .zip archives (or
    plain files) of JSON arrays, in file order."""
    articles = []
    for path in sorted(corpus.iterdir()):
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for member in sorted(archive.namelist()):
                    if member.endswith(".json"):
                        articles += [(Path(member).stem, a) for a in json.loads(archive.read(member))]
        elif path.suffix == ".json":
            articles += [(path.stem, a) for a in json.loads(path.read_text("utf-8"))]
    return articles


def write_sample(articles: list, n: int, seed: int, folder: Path) -> None:
    """A seeded sample of ``n`` articles, one JSON array per day (the corpus's own layout)."""
    chosen = sorted(random.Random(seed).sample(range(len(articles)), n))
    by_day = defaultdict(list)
    for i in chosen:
        day, article = articles[i]
        by_day[day].append(article)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for day, rows in sorted(by_day.items()):
        (folder / f"{day}.json").write_text(json.dumps(rows, ensure_ascii=False), "utf-8")


def run(corpus: Path, out: Path, cache: Path) -> dict:
    for path in (out, cache):
        if path.exists():
            shutil.rmtree(path)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "toolkit", "run", str(corpus), "--out", str(out),
                             "--cache-dir", str(cache), "--quiet"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stderr[-2000:])
        raise SystemExit(f"the run on {corpus} failed")
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    manifest["bench_wall_seconds"] = round(time.perf_counter() - start, 1)
    (out / "bench.json").write_text(json.dumps({"wall_seconds": manifest["bench_wall_seconds"]}), "utf-8")
    return manifest


def fit_power(sizes: list[float], values: list[float]) -> tuple[float, float]:
    """``(a, b)`` of ``value = a * size**b``, least squares on the logs."""
    pairs = [(math.log(s), math.log(v)) for s, v in zip(sizes, values) if s > 0 and v > 0]
    if len(pairs) < 2:
        return (pairs[0][1] if pairs else 0.0), 0.0
    mx = sum(x for x, _ in pairs) / len(pairs)
    my = sum(y for _, y in pairs) / len(pairs)
    sxx = sum((x - mx) ** 2 for x, _ in pairs)
    b = sum((x - mx) * (y - my) for x, y in pairs) / sxx if sxx else 0.0
    return math.exp(my - b * mx), b


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared/corpora/saudinewsnet-dev"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 4000, 8000, 15042])
    parser.add_argument("--out", default=str(ROOT / "outputs/scaling-bench"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="reuse a size's finished run")
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--project", type=int, default=1_000_000)
    args = parser.parse_args()
    corpus, out = Path(args.corpus), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    articles = None
    manifests = {}
    for n in sorted(args.sizes):
        run_dir = out / f"run-{n}"
        if args.keep and (run_dir / "manifest.json").exists():
            manifests[n] = json.loads((run_dir / "manifest.json").read_text("utf-8"))
            wall = run_dir / "bench.json"
            manifests[n]["bench_wall_seconds"] = (json.loads(wall.read_text())["wall_seconds"] if wall.exists()
                                                  else manifests[n].get("wall_seconds"))
            print(f"{n}: reused {run_dir}", flush=True)
            continue
        articles = articles if articles is not None else read_articles(corpus)
        source = corpus
        if n < len(articles):
            source = out / f"corpus-{n}"
            write_sample(articles, n, args.seed, source)
        print(f"{n}: running on {source} ...", flush=True)
        manifests[n] = run(source, run_dir, out / f"cache-{n}")
        print(f"{n}: {manifests[n]['bench_wall_seconds']:.0f} s", flush=True)

    sizes = sorted(manifests)
    stages = list(dict.fromkeys(s["stage"] for n in sizes for s in manifests[n]["stages"]))
    seconds = {n: {s["stage"]: s["seconds"] for s in manifests[n]["stages"]} for n in sizes}
    rss = {n: max(s.get("peak_rss_mb") or 0 for s in manifests[n]["stages"]) for n in sizes}
    docs = {n: manifests[n]["documents"] for n in sizes}
    print("\nseconds per stage (local engine, empty cache)")
    print(f"{'stage':20s}" + "".join(f"{n:>10,d}" for n in sizes) + "   growth b")
    fits = {}
    for stage in stages:
        values = [seconds[n].get(stage, 0.0) for n in sizes]
        fits[stage] = fit_power([docs[n] for n in sizes], values)
        print(f"{stage:20s}" + "".join(f"{v:10.1f}" for v in values) + f"   {fits[stage][1]:8.2f}")
    walls = [manifests[n].get("bench_wall_seconds") or manifests[n].get("wall_seconds") or 0 for n in sizes]
    print(f"{'run (wall)':20s}" + "".join(f"{v:10.1f}" for v in walls))
    print(f"{'documents':20s}" + "".join(f"{docs[n]:10,d}" for n in sizes))
    rss_fit = fit_power([docs[n] for n in sizes], [rss[n] for n in sizes])
    print(f"{'driver peak RSS MB':20s}" + "".join(f"{rss[n]:10,d}" for n in sizes) + f"   {rss_fit[1]:8.2f}")

    n_big, workers = args.project, args.workers
    print(f"\nprojection to {n_big:,} articles on {workers} workers (arithmetic on the fits above, not a run)")
    projected = {}
    for stage, (a, b) in fits.items():
        t = a * n_big ** b
        projected[stage] = t / workers if stage in ON_WORKERS else t
    total = sum(projected.values())
    for stage, t in sorted(projected.items(), key=lambda kv: -kv[1]):
        where = f"per partition / {workers}" if stage in ON_WORKERS else "driving process"
        print(f"{stage:20s} {t / 3600:8.2f} h  {t / total:6.1%}  ({where})")
    print(f"{'total':20s} {total / 3600:8.2f} h; driver peak RSS {rss_fit[0] * n_big ** rss_fit[1] / 1024:.1f} GB "
          f"by the memory fit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
