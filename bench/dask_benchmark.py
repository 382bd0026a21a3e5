"""Engines on the SaudiNewsNet dev corpus: wall time with engine local, and with engine dask on a
LocalCluster of 1 and of 2 worker processes; per-stage seconds; whether the tables agree.

usage: python bench/dask_benchmark.py [--corpus ../shared/corpora/saudinewsnet-dev]
       [--out outputs/bench-engines] [--configs local dask-1 dask-2] [--warm]

Each configuration runs `python -m toolkit run CORPUS --out OUT/<config> --cache-dir OUT/cache-<config>`
with an empty cache (embeddings and UMAP computed, as on a new corpus) unless --warm keeps the
caches of an earlier benchmark. Prints the manifest's stages for each configuration side by side,
the speed-up over local, and compares lines.csv, topics.csv and documents.csv byte for byte.
Writes OUT/summary.json. Stage seconds are the driving notebook's: with dask they include
waiting for the workers.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {"local": [], "dask-1": ["--engine", "dask", "--dask-workers", "1"],
           "dask-2": ["--engine", "dask", "--dask-workers", "2"]}


def run_config(corpus: Path, out: Path, name: str, warm: bool) -> dict:
    target, cache = out / name, out / f"cache-{name}"
    if not warm and cache.exists():
        shutil.rmtree(cache)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "toolkit", "run", str(corpus), "--out", str(target),
                             "--cache-dir", str(cache), "--quiet", *CONFIGS[name]],
                            cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stderr[-3000:])
        raise SystemExit(f"{name}: run failed")
    manifest = json.loads((target / "manifest.json").read_text("utf-8"))
    stages = {s["stage"]: s["seconds"] for s in manifest["stages"]}
    notebooks = {n["notebook"]: n["seconds"] for n in manifest["notebooks"]}
    print(f"{name}: {wall:.0f} s wall", flush=True)
    return {"wall_seconds": round(wall, 1), "stages": stages, "notebooks": notebooks,
            "peak_rss_gb_any_process": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 ** 2, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "saudinewsnet-dev"))
    parser.add_argument("--out", default=str(ROOT / "outputs" / "bench-engines"))
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--warm", action="store_true", help="keep the caches of an earlier benchmark")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    results = {name: run_config(Path(args.corpus), out, name, args.warm) for name in args.configs}

    names = list(results)
    stages = list(dict.fromkeys(s for r in results.values() for s in r["stages"]))
    print(f"\n{'seconds':34s}" + "".join(f"{n:>10s}" for n in names))
    for stage in stages:
        print(f"{stage:34s}" + "".join(f"{results[n]['stages'].get(stage, float('nan')):10.1f}" for n in names))
    for notebook in results[names[0]]["notebooks"]:
        print(f"{'notebook ' + notebook[:24]:34s}" + "".join(f"{results[n]['notebooks'][notebook]:10.1f}" for n in names))
    print(f"{'wall (whole run)':34s}" + "".join(f"{results[n]['wall_seconds']:10.1f}" for n in names))
    if "local" in results:
        base = results["local"]["wall_seconds"]
        print(f"{'speed-up over local':34s}" + "".join(f"{base / results[n]['wall_seconds']:10.2f}" for n in names))
    agree = {}
    for table in ("lines.csv", "topics.csv", "documents.csv"):
        contents = {(out / n / "tables" / table).read_bytes() for n in names}
        agree[table] = len(contents) == 1
    print("tables identical across configurations:", agree)
    (out / "summary.json").write_text(json.dumps({"results": results, "identical": agree}, indent=1), "utf-8")


if __name__ == "__main__":
    main()
