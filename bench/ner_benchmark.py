"""Actor extraction against hand labels (issue 13): exact span-and-type precision, recall and F1.

usage: .venv/bin/python bench/ner_benchmark.py [--gold bench/ner_eval/sentences.jsonl]
       [--context sentence|article|dev] [--corpus ../shared/corpora/saudinewsnet-dev]
       [--show-errors N] [--errors-part tune|report|all]

Gold: ``bench/ner_eval/sentences.jsonl``, 140 real sentences from the SaudiNewsNet dev split
(one per randomly drawn article, see ``bench/ner_eval/README.md`` for the sampling and the
labelling conventions), split into ``tune`` (70, rules may be written on these) and ``report``
(70, held out). Mentions are PER, LOC, ORG with character offsets into the sentence (end
exclusive).

What is run: ``toolkit.findings.actors.ActorExtractor().fit(lines, documents)``, the sentence's
outlet as ``source``. The extractor fits its corpus statistics (phrase counts, vocabulary,
pattern support, the names found after titles) on its input, so what it is given matters;
``--context`` says what:

- ``sentence`` (default): one document per sentence (one line, start 0), nothing else: the names
  the gazetteer and patterns find in 140 isolated sentences;
- ``article``: the 140 articles the sentences were drawn from, whole (their ``content``, one line
  per paragraph, offsets into the content), as a researcher's run on a corpus would see them;
  only the mentions inside the sentence (``offset`` .. ``offset + len(text)``) are scored;
- ``dev``: the whole dev split (15,042 articles) as the corpus, scored the same way (slow: a
  full actor fit, about two minutes).

Mentions (``schema.ACTOR_MENTIONS``: ``start``/``end`` are offsets into the document text) are
shifted to offsets into the sentence and mapped person -> PER, place -> LOC, institution -> ORG.

Matching: a predicted mention is correct when its (start, end, type) equals a gold mention's.
The toolkit already leaves a proclitic out of the span when it cut one (و ب ل ك ف, للـ -> one
ل cut, as in the gold convention); a predicted span that still starts with one or two
proclitic letters (و ف ب ل ك) is compared as the span after them when a gold mention (of any
type) starts right there with the same end. Scores are at mention level, micro-averaged; "all"
pools the three types; "span only" ignores the type.

``--show-errors N`` lists up to N misses (FN) and false positives (FP) per type, for the tune
part by default: keep the report part's errors unseen by whoever writes rules
(``--errors-part report`` shows them anyway).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pandas as pd  # noqa: E402

KIND_TO_TYPE = {"person": "PER", "place": "LOC", "institution": "ORG"}
TYPES = ("PER", "LOC", "ORG")
PARTS = ("tune", "report")
PROCLITIC = set("وفبلك")


def load_gold(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    for r in rows:
        for e in r["entities"]:
            if r["text"][e["start"]:e["end"]] != e["text"] or e["type"] not in TYPES:
                raise SystemExit(f"{path}: bad gold mention {e} in {r['id']}")
    return rows


def read_articles(corpus: Path, wanted: set[str] | None) -> dict[str, dict]:
    """The dev split's articles by id (``FILE.json#INDEX``, as in ``make_sample.py``); only
    ``wanted`` ones unless None."""
    from ner_eval.make_sample import load_articles

    return {key: art for key, art in load_articles(corpus) if wanted is None or key in wanted}


def article_lines(doc: str, content: str) -> list[dict]:
    """One line per paragraph of ``content`` with its offsets (empty paragraphs left out)."""
    out, pos = [], 0
    for number, para in enumerate(content.split("\n"), start=1):
        if para.strip():
            out.append({"doc": doc, "line": number, "start": pos, "end": pos + len(para), "text": para})
        pos += len(para) + 1
    return out


def extract(rows: list[dict], context: str = "sentence", corpus: Path | None = None) -> tuple[pd.DataFrame, float]:
    """Mentions with offsets into each gold sentence (doc = sentence id), and the fit's seconds."""
    from toolkit.findings.actors import ActorExtractor

    if context == "sentence":
        lines = pd.DataFrame({"doc": [r["id"] for r in rows], "line": 1, "start": 0,
                              "end": [len(r["text"]) for r in rows], "text": [r["text"] for r in rows]})
        documents = pd.DataFrame({"doc": [r["id"] for r in rows], "source": [r["source"] for r in rows]})
    else:
        articles = read_articles(corpus, None if context == "dev" else {r["doc"] for r in rows})
        missing = sorted({r["doc"] for r in rows} - set(articles))
        if missing:
            raise SystemExit(f"{corpus}: gold articles not found: {', '.join(missing[:5])}")
        for r in rows:
            if articles[r["doc"]]["content"][r["offset"]:r["offset"] + len(r["text"])] != r["text"]:
                raise SystemExit(f"{corpus}: {r['id']}'s text is not at its offset in {r['doc']}")
        lines = pd.DataFrame([line for key, art in articles.items() for line in article_lines(key, art.get("content") or "")])
        documents = pd.DataFrame({"doc": list(articles), "source": [a.get("source") or "" for a in articles.values()]})
    t0 = time.perf_counter()
    model = ActorExtractor().fit(lines, documents)
    seconds = time.perf_counter() - t0
    mentions = model.mentions_
    if context == "sentence":
        return mentions, seconds
    # Keep the mentions inside a gold sentence, as offsets into it.
    shifted = []
    by_doc = mentions.groupby("doc")
    for r in rows:
        if r["doc"] not in by_doc.groups:
            continue
        m = by_doc.get_group(r["doc"])
        m = m[(m["start"] >= r["offset"]) & (m["end"] <= r["offset"] + len(r["text"]))].copy()
        m["start"] -= r["offset"]
        m["end"] -= r["offset"]
        m["doc"] = r["id"]
        shifted.append(m)
    return (pd.concat(shifted, ignore_index=True) if shifted else mentions.iloc[0:0]), seconds


def predictions(rows: list[dict], mentions: pd.DataFrame) -> dict[str, set[tuple[int, int, str]]]:
    gold_spans = {r["id"]: {(e["start"], e["end"]) for e in r["entities"]} for r in rows}
    texts = {r["id"]: r["text"] for r in rows}
    pred: dict[str, set] = defaultdict(set)
    for m in mentions.itertuples(index=False):
        start, end, typ = int(m.start), int(m.end), KIND_TO_TYPE.get(m.kind, m.kind)
        text = texts[m.doc]
        if (start, end) not in gold_spans[m.doc]:
            for k in (1, 2):
                if set(text[start:start + k]) <= PROCLITIC and (start + k, end) in gold_spans[m.doc]:
                    start += k
                    break
        pred[m.doc].add((start, end, typ))
    return pred


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(rows, pred, part):
    counts = {t: [0, 0, 0] for t in (*TYPES, "all", "span only")}
    for r in rows:
        if part != "all" and r["part"] != part:
            continue
        gold = {(e["start"], e["end"], e["type"]) for e in r["entities"]}
        got = pred.get(r["id"], set())
        for t in TYPES:
            g = {x for x in gold if x[2] == t}
            p = {x for x in got if x[2] == t}
            counts[t][0] += len(g & p)
            counts[t][1] += len(p - g)
            counts[t][2] += len(g - p)
        gs, ps = {x[:2] for x in gold}, {x[:2] for x in got}
        counts["span only"][0] += len(gs & ps)
        counts["span only"][1] += len(ps - gs)
        counts["span only"][2] += len(gs - ps)
    counts["all"] = [sum(counts[t][i] for t in TYPES) for i in range(3)]
    return counts


def show_errors(rows, pred, part, n):
    for t in TYPES:
        misses, fps = [], []
        for r in rows:
            if part != "all" and r["part"] != part:
                continue
            gold = {(e["start"], e["end"], e["type"]) for e in r["entities"]}
            got = pred.get(r["id"], set())
            text = r["text"]
            other = {x[:2]: x[2] for x in got}
            gold_at = {x[:2]: x[2] for x in gold}
            for s, e, typ in sorted(gold - got):
                if typ == t:
                    note = f" (predicted as {other[(s, e)]})" if (s, e) in other else ""
                    misses.append(f"  {r['id']}  «{text[s:e]}»{note}  … {text[max(0, s - 30):e + 30]} …")
            for s, e, typ in sorted(got - gold):
                if typ == t:
                    note = f" (gold {gold_at[(s, e)]})" if (s, e) in gold_at else ""
                    fps.append(f"  {r['id']}  «{text[s:e]}»{note}  … {text[max(0, s - 30):e + 30]} …")
        print(f"\n-- {t}, {part}: {len(misses)} misses (FN), showing {min(n, len(misses))}")
        print("\n".join(misses[:n]))
        print(f"-- {t}, {part}: {len(fps)} false positives (FP), showing {min(n, len(fps))}")
        print("\n".join(fps[:n]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", default=str(ROOT / "bench/ner_eval/sentences.jsonl"))
    ap.add_argument("--context", default="sentence", choices=("sentence", "article", "dev"),
                    help="what the extractor is fitted on (see above)")
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared/corpora/saudinewsnet-dev"))
    ap.add_argument("--show-errors", type=int, default=0, metavar="N")
    ap.add_argument("--errors-part", default="tune", choices=("tune", "report", "all"))
    args = ap.parse_args()
    rows = load_gold(Path(args.gold))
    mentions, seconds = extract(rows, args.context, Path(args.corpus))
    pred = predictions(rows, mentions)
    print(f"{len(rows)} sentences; fitted on: {args.context}; {len(mentions)} predicted mentions in the "
          f"sentences; extraction (ActorExtractor.fit) took {seconds:.2f} s")
    print("exact span-and-type match, mention level")
    for part in (*PARTS, "all"):
        n_sent = sum(1 for r in rows if part == "all" or r["part"] == part)
        print(f"\n== {part} ({n_sent} sentences)")
        print(f"{'type':10s} {'gold':>5s} {'pred':>5s} {'tp':>4s} {'fp':>4s} {'fn':>4s} {'P':>6s} {'R':>6s} {'F1':>6s}")
        for t, (tp, fp, fn) in score(rows, pred, part).items():
            p, r, f = prf(tp, fp, fn)
            print(f"{t:10s} {tp + fn:5d} {tp + fp:5d} {tp:4d} {fp:4d} {fn:4d} {p:6.3f} {r:6.3f} {f:6.3f}")
    if args.show_errors:
        show_errors(rows, pred, args.errors_part, args.show_errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
