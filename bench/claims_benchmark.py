"""Numeric claims against hand labels (issue 13): which numbers are claims, and each claim's value,
unit, qualifier and speaker.

usage: .venv/bin/python bench/claims_benchmark.py [--gold bench/claims_eval/claims.jsonl]
       [--context sentence|article] [--corpus ../shared/corpora/saudinewsnet-dev]
       [--show-errors N] [--errors-part tune|report|all]

Gold: ``bench/claims_eval/claims.jsonl``, 120 real sentences with a number from the SaudiNewsNet
dev split (one per randomly drawn article; ``bench/claims_eval/README.md`` gives the sampling
and the labelling conventions), split into ``tune`` (c001–c060: rules may be written on these)
and ``report`` (c061–c120, held out). Each sentence lists its claims (number span, value,
value_max, qualifier, unit, speaker, casualty, party) and the numbers that are no claim (dates,
years, ordinals, scores ...).

What is run: ``ActorExtractor`` (for the speakers' names) and ``ClaimExtractor().fit(lines,
mentions)`` on, with ``--context``, the sentences alone (one document each) or the articles
they come from, whole (a speaker named in an earlier sentence, an attribution verb before the
sentence); only the claims whose number lies in the gold sentence are scored.

Printed per part: detection (a predicted claim is found when its number span overlaps a gold
claim's; precision, recall; how many predictions were numbers the labels call no claim), and
for the found claims the share right in value (value and value_max), unit, qualifier, speaker,
casualty and party, and in all four of value, unit, qualifier and speaker ("right", the issue's
measure: right claims / predicted claims is its "claims right"). Values are equal up to a
float's last bits, a vague quantity's upper bound within 1 % (ملايين: 9,990,000 or 9,999,999).
Units are compared after
``normalize_arabic`` without the article and a final accusative alif, percentages as one unit
(٪، %، في المائة، بالمئة); speakers after ``normalize_arabic``, equal when one contains the other
or both end in the same word (the extractor may give an actor's full name where the sentence
has a surname), empty only when both are empty.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pandas as pd  # noqa: E402

from ner_benchmark import article_lines, read_articles  # noqa: E402

PARTS = ("tune", "report")
FIELDS = ("value", "unit", "qualifier", "speaker", "casualty", "party")
PERCENT_FORMS = ("%", "٪", "في المائة", "في المئة", "في المية", "بالمائة", "بالمئة", "بالمية", "المائة", "المئة")


def load_gold(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    for r in rows:
        for c in r["claims"] + r["not_claims"]:
            if r["text"][c["start"]:c["end"]] != c["number_text"]:
                raise SystemExit(f"{path}: {r['id']}: {c} is not at its offsets")
    return rows


def extract(rows: list[dict], context: str, corpus: Path) -> pd.DataFrame:
    """Predicted claims with offsets into each gold sentence (doc = sentence id)."""
    from toolkit.findings.actors import ActorExtractor
    from toolkit.findings.claims import ClaimExtractor

    if context == "sentence":
        lines = pd.DataFrame({"doc": [r["id"] for r in rows], "line": 1, "start": 0,
                              "end": [len(r["text"]) for r in rows], "text": [r["text"] for r in rows]})
    else:
        articles = read_articles(corpus, {r["doc"] for r in rows})
        for r in rows:
            if articles[r["doc"]]["content"][r["offset"]:r["offset"] + len(r["text"])] != r["text"]:
                raise SystemExit(f"{corpus}: {r['id']}'s text is not at its offset in {r['doc']}")
        lines = pd.DataFrame([line for key, art in articles.items()
                              for line in article_lines(key, art.get("content") or "")])
    mentions = ActorExtractor().fit(lines).mentions_
    claims = ClaimExtractor().fit(lines, mentions).claims_
    if context == "sentence":
        return claims
    shifted = []
    for r in rows:
        c = claims[(claims["doc"] == r["doc"]) & (claims["start"] >= r["offset"])
                   & (claims["end"] <= r["offset"] + len(r["text"]))].copy()
        c["start"] -= r["offset"]
        c["end"] -= r["offset"]
        c["doc"] = r["id"]
        shifted.append(c)
    return pd.concat(shifted, ignore_index=True) if shifted else claims.iloc[0:0]


def _norm(text) -> str:
    from toolkit.corpus.normalize import normalize_arabic

    return " ".join(normalize_arabic(str(text or "")).split())


def unit_key(unit) -> str:
    u = _norm(unit)
    if u in {_norm(w) for w in PERCENT_FORMS} or "%" in u or "٪" in u:
        return "%"
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in u.split()]
    return " ".join(w[:-1] if w.endswith("ا") and len(w) > 2 else w for w in words)


def same_speaker(gold, pred) -> bool:
    g, p = _norm(gold), _norm(pred)
    if not g or not p:
        return not g and not p
    return g in p or p in g or g.split()[-1] == p.split()[-1]


def _number(x):
    return None if x is None or (isinstance(x, float) and x != x) else float(x)


def same_number(a, b, rel: float) -> bool:
    a, b = _number(a), _number(b)
    return a is b is None or (a is not None and b is not None and math.isclose(a, b, rel_tol=rel))


def right(gold: dict, pred) -> dict[str, bool]:
    return {
        # (a float's last bits aside; a vague quantity's upper bound within 1 %: ملايين up to 9,990,000
        # or 9,999,999 say the same)
        "value": same_number(gold["value"], pred.value, 1e-9) and same_number(gold.get("value_max"), pred.value_max, 0.01),
        "unit": unit_key(gold["unit"]) == unit_key(pred.unit),
        "qualifier": gold["qualifier"] == pred.qualifier,
        "speaker": same_speaker(gold["speaker"], pred.speaker),
        "casualty": (gold.get("casualty") or "") == (pred.casualty if isinstance(pred.casualty, str) else ""),
        "party": (gold.get("party") or "") == (pred.party if isinstance(pred.party, str) else ""),
    }


def overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(rows, claims, part):
    found, missed, extra, non_claims, fields, errors = 0, 0, 0, 0, {f: 0 for f in (*FIELDS, "all four")}, []
    by_doc = {doc: g for doc, g in claims.groupby("doc")}
    for r in rows:
        if part != "all" and r["part"] != part:
            continue
        pred = list(by_doc[r["id"]].itertuples(index=False)) if r["id"] in by_doc else []
        used = set()
        for g in r["claims"]:
            hit = next((k for k, p in enumerate(pred) if k not in used and overlaps((g["start"], g["end"]),
                                                                                 (p.start, p.end))), None)
            if hit is None:
                missed += 1
                errors.append((r, "missed", g, None))
                continue
            used.add(hit)
            found += 1
            ok = right(g, pred[hit])
            for f, v in ok.items():
                fields[f] += v
            four = all(ok[f] for f in ("value", "unit", "qualifier", "speaker"))
            fields["all four"] += four
            if not four:
                errors.append((r, "wrong " + ", ".join(f for f in ("value", "unit", "qualifier", "speaker") if not ok[f]),
                               g, pred[hit]))
        for k, p in enumerate(pred):
            if k in used:
                continue
            extra += 1
            if any(overlaps((n["start"], n["end"]), (p.start, p.end)) for n in r["not_claims"]):
                non_claims += 1
            errors.append((r, "not a gold claim", None, p))
    return found, missed, extra, non_claims, fields, errors


def show(errors, n):
    for r, kind, g, p in errors[:n]:
        text = r["text"]
        where = (g["start"], g["end"]) if g else (int(p.start), int(p.end))
        print(f"  {r['id']} {kind}: «{text[where[0]:where[1]]}» … {text[max(0, where[0] - 40):where[1] + 40]} …")
        if g:
            print(f"      gold: value {g['value']} max {g.get('value_max')} {g['qualifier']} unit «{g['unit']}» "
                  f"speaker «{g['speaker']}»")
        if p is not None:
            print(f"      pred: value {p.value} max {p.value_max} {p.qualifier} unit «{p.unit}» speaker «{p.speaker}»")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", default=str(ROOT / "bench/claims_eval/claims.jsonl"))
    ap.add_argument("--context", default="sentence", choices=("sentence", "article"))
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared/corpora/saudinewsnet-dev"))
    ap.add_argument("--show-errors", type=int, default=0, metavar="N")
    ap.add_argument("--errors-part", default="tune", choices=("tune", "report", "all"))
    args = ap.parse_args()
    rows = load_gold(Path(args.gold))
    claims = extract(rows, args.context, Path(args.corpus))
    print(f"{len(rows)} sentences; fitted on: {args.context}; {len(claims)} predicted claims in the sentences")
    for part in (*PARTS, "all"):
        found, missed, extra, non_claims, fields, errors = score(rows, claims, part)
        gold, predicted = found + missed, found + extra
        p = found / predicted if predicted else 0.0
        rec = found / gold if gold else 0.0
        print(f"\n== {part}: {gold} gold claims, {predicted} predicted; found {found} (P {p:.3f}, R {rec:.3f}); "
              f"{extra} predictions no gold claim ({non_claims} of them numbers labelled no claim)")
        print("   right among the found: " + ", ".join(f"{f} {fields[f] / found:.3f}" if found else f"{f} -"
                                                      for f in fields))
        print(f"   claims right (all four) / predicted: {fields['all four'] / predicted:.3f}" if predicted else "")
        if args.show_errors and (args.errors_part == part or args.errors_part == "all" and part == "all"):
            show(errors, args.show_errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
