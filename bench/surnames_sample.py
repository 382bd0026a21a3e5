"""Read what the family-name rule adds (issue 13; ``toolkit/findings/surnames.py``).

usage: .venv/bin/python bench/surnames_sample.py [--corpus ../shared/corpora/saudinewsnet-dev]
       [--articles 3000] [--seed 7] [--draw 40] [--draw-seed 23]

Fits ``ActorExtractor`` twice on ``--articles`` articles drawn at random from the dev split (one
line per paragraph, as ``ner_benchmark.py --context article`` reads them), with and without
``document_surnames``; prints how many mentions the rule adds and removes, then ``--draw``
added mentions, each with its actor's name and the text around it (the mention in brackets), for
a reader to judge: is the bracketed family name that person?
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pandas as pd  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "saudinewsnet-dev"))
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--draw", type=int, default=40)
    ap.add_argument("--draw-seed", type=int, default=23)
    args = ap.parse_args()

    import ner_benchmark as nb
    from toolkit.findings.actors import ActorExtractor

    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"{corpus}: no such folder (the dev split; --corpus DIR)")
        return 2
    articles = nb.read_articles(corpus, None)
    keys = sorted(articles)
    random.Random(args.seed).shuffle(keys)
    keys = keys[:args.articles]
    lines = pd.DataFrame([line for k in keys for line in nb.article_lines(k, articles[k].get("content") or "")])
    documents = pd.DataFrame({"doc": keys, "source": [articles[k].get("source") or "" for k in keys]})
    without = ActorExtractor(document_surnames=False).fit(lines, documents).mentions_
    with_rule = ActorExtractor().fit(lines, documents).mentions_
    spans_without = set(zip(without["doc"], without["start"], without["end"]))
    spans_with = set(zip(with_rule["doc"], with_rule["start"], with_rule["end"]))
    added = with_rule[[s not in spans_without for s in zip(with_rule["doc"], with_rule["start"], with_rule["end"])]]
    removed = without[[s not in spans_with for s in zip(without["doc"], without["start"], without["end"])]]
    print(f"{len(keys)} articles (seed {args.seed}): {len(without)} mentions without the rule, {len(with_rule)} "
          f"with it; added {len(added)}, removed {len(removed)}")
    text = {(r.doc, r.line): (r.start, r.text) for r in lines.itertuples(index=False)}
    for r in added.sample(min(args.draw, len(added)), random_state=args.draw_seed).itertuples(index=False):
        start, line = text[(r.doc, r.line)]
        a, b = r.start - start, r.end - start
        print(f"{r.name} | …{line[max(0, a - 50):a]}[{line[a:b]}]{line[b:b + 30]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
