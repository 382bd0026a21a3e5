"""Build ``claims.jsonl`` (the numeric-claim gold standard) from ``candidates.jsonl`` and ``labels.txt``.

usage: .venv/bin/python bench/claims_eval/make_sample.py   # writes outputs/claims_eval/candidates.jsonl
       .venv/bin/python bench/claims_eval/build_gold.py [--review] [--corpus DIR]

``labels.txt`` holds, per sentence, one line per number occurrence: ``+`` a claim (number as
written, value, value_max, qualifier, unit, speaker, casualty, party), ``-`` not a claim (number
as written, why), ``!`` a note. This script places each number in the sentence (the first free
occurrence, or the N-th with ``@N``) that is not part of a longer number or word (a proclitic
و ف ب ل ك or a tatweel may come before a word; letters such as هـ / م may follow digits), and checks:

* ``text[start:end] == number_text`` for every claim and not-claim, and no two overlap;
* ``content[offset:offset+len(text)] == text`` against the article in the corpus (read in place);
* every digit run and every number word of the sampler's list (``make_sample.NUMBER_WORD``) in
  the sentence is covered by a labelled span (or by the percent unit of a claim, في المائة);
* field values: qualifier / casualty / party in their sets, value_max set exactly for range and
  vague, value_max > value, the unit occurs in the sentence as written.

It fails (writes nothing) on any problem. Output: one JSON object per sentence, keys id, part, doc,
source, url, offset, text, claims [{start, end, number_text, value, value_max, qualifier, unit,
speaker, casualty, party}], not_claims [{start, end, number_text, why}], note. ``--review``
prints each sentence with its claims in ``[…]`` and not-claims in ``{…}``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from make_sample import NUMBER_WORD  # noqa: E402

CANDIDATES = ROOT / "outputs/claims_eval/candidates.jsonl"
QUALIFIERS = {"exact", "about", "more_than", "less_than", "up_to", "at_least", "range", "vague"}
CASUALTY = {"", "killed", "injured", "captured", "missing"}
PARTY = {"", "fighters", "civilians"}
PROCLITIC = set("وفبلك")
DIGITS = "0123456789\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9"
DIGIT_RUN = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]+")


def _is_letter(ch: str) -> bool:
    return ch.isalpha() or ch == "\u0640" or "\u064b" <= ch <= "\u065f"


def _number_char(text: str, i: int) -> bool:
    """A digit at i, or a decimal mark at i between digits."""
    if not 0 <= i < len(text):
        return False
    if text[i] in DIGITS:
        return True
    return text[i] in ".,٫" and 0 < i < len(text) - 1 and text[i - 1] in DIGITS and text[i + 1] in DIGITS


def occurrences(text: str, span: str) -> list[int]:
    """Starts of ``span`` in ``text`` that are not inside a longer number or word."""
    starts, i = [], text.find(span)
    while i >= 0:
        end = i + len(span)
        ok = True
        if span[0] in DIGITS:
            ok = not _number_char(text, i - 1)
        else:
            w = i
            while w > 0 and _is_letter(text[w - 1]):
                w -= 1
            prefix = text[w:i].replace("\u0640", "")
            ok = len(prefix) <= 2 and set(prefix) <= PROCLITIC
        if span[-1] in DIGITS:
            ok = ok and not _number_char(text, end)
        else:
            ok = ok and not (end < len(text) and _is_letter(text[end]))
        if ok:
            starts.append(i)
        i = text.find(span, i + 1)
    return starts


def _num(s: str):
    if s == "":
        return None
    d = Decimal(s)
    return int(d) if d == d.to_integral_value() else float(s)


def parse_labels(path: Path) -> dict[str, list[tuple[str, list[str]]]]:
    blocks: dict[str, list[tuple[str, list[str]]]] = {}
    current = None
    for n, raw in enumerate(path.read_text("utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if re.fullmatch(r"c\d{3}", line):
            current = line
            if current in blocks:
                raise SystemExit(f"labels.txt:{n}: {current} twice")
            blocks[current] = []
            continue
        kind, rest = line[0], line[1:].strip()
        if current is None or kind not in "+-!":
            raise SystemExit(f"labels.txt:{n}: cannot read {line!r}")
        fields = [rest] if kind == "!" else [f.strip() for f in rest.split("|")]
        if (kind == "+" and len(fields) != 8) or (kind == "-" and len(fields) != 2):
            raise SystemExit(f"labels.txt:{n}: {len(fields)} fields in {line!r}")
        blocks[current].append((kind, fields))
    return blocks


def load_contents(corpus: Path, docs: set[str]) -> dict[str, str]:
    """content of each wanted article id (MEMBER.json#INDEX), zips read in place."""
    out = {}
    for z in sorted(corpus.glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            for name in sorted(zf.namelist()):
                if not any(d.startswith(name + "#") for d in docs):
                    continue
                arts = json.loads(zf.read(name).decode("utf-8"))
                for d in docs:
                    member, idx = d.rsplit("#", 1)
                    if member == name:
                        out[d] = arts[int(idx)].get("content") or ""
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--review", action="store_true")
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared/corpora/saudinewsnet-dev"))
    args = ap.parse_args()
    t0 = time.perf_counter()
    cands = [json.loads(l) for l in CANDIDATES.open(encoding="utf-8")]
    labels = parse_labels(HERE / "labels.txt")
    missing = [c["id"] for c in cands if c["id"] not in labels]
    extra = sorted(set(labels) - {c["id"] for c in cands})
    if missing or extra:
        raise SystemExit(f"no labels for {missing}; labels for unknown ids {extra}")
    contents = load_contents(Path(args.corpus), {c["doc"] for c in cands})
    problems = 0

    def bad(cid: str, msg: str) -> None:
        nonlocal problems
        problems += 1
        print(f"ERROR {cid}: {msg}")

    rows = []
    for c in cands:
        cid, text = c["id"], c["text"]
        content = contents.get(c["doc"])
        if content is None or content[c["offset"]:c["offset"] + len(text)] != text:
            bad(cid, f"text is not at offset {c['offset']} of {c['doc']}")
        taken: list[tuple[int, int]] = []
        covered: list[tuple[int, int]] = []
        claims, not_claims, notes = [], [], []
        for kind, f in labels[cid]:
            if kind == "!":
                notes.append(f[0])
                continue
            span, nth = f[0], None
            if " @" in span:
                span, n = span.rsplit(" @", 1)
                nth = int(n)
            occ = occurrences(text, span)
            if nth is not None:
                chosen = occ[nth - 1] if nth <= len(occ) else None
            else:
                free = [s for s in occ if not any(s < e and s + len(span) > b for b, e in taken)]
                chosen = free[0] if free else None
            if chosen is None:
                bad(cid, f"cannot place {span!r}")
                continue
            start, end = chosen, chosen + len(span)
            if any(start < e and end > b for b, e in taken):
                bad(cid, f"{span!r} overlaps another labelled number")
            if text[start:end] != span:
                bad(cid, f"offsets of {span!r} do not give it back")
            taken.append((start, end))
            covered.append((start, end))
            if kind == "-":
                if not f[1]:
                    bad(cid, f"no reason given for {span!r}")
                not_claims.append({"start": start, "end": end, "number_text": span, "why": f[1]})
                continue
            value, value_max = _num(f[1]), _num(f[2])
            qualifier, unit, speaker, casualty, party = f[3:8]
            if qualifier not in QUALIFIERS:
                bad(cid, f"qualifier {qualifier!r}")
            if casualty not in CASUALTY:
                bad(cid, f"casualty {casualty!r}")
            if party not in PARTY:
                bad(cid, f"party {party!r}")
            if (value_max is not None) != (qualifier in ("range", "vague")):
                bad(cid, f"{span!r}: value_max must be set exactly for range / vague")
            if value_max is not None and not value_max > value:
                bad(cid, f"{span!r}: value_max {value_max} not above value {value}")
            if unit:
                u = text.find(unit, end)
                if u < 0 and unit not in text:
                    bad(cid, f"unit {unit!r} not in the sentence")
                if 0 <= u <= end + 3:  # the unit right after the number (e.g. "في المائة", "%")
                    covered.append((end, u + len(unit)))
            if speaker and speaker not in text:
                bad(cid, f"speaker {speaker!r} not in the sentence")
            claims.append({"start": start, "end": end, "number_text": span, "value": value,
                           "value_max": value_max, "qualifier": qualifier, "unit": unit,
                           "speaker": speaker, "casualty": casualty, "party": party})
        for m in list(DIGIT_RUN.finditer(text)) + list(NUMBER_WORD.finditer(text)):
            if not any(m.start() < e and m.end() > b for b, e in covered):
                bad(cid, f"number {m.group()!r} at {m.start()} is not labelled")
        claims.sort(key=lambda x: x["start"])
        not_claims.sort(key=lambda x: x["start"])
        rows.append({"id": cid, "part": c["part"], "doc": c["doc"], "source": c["source"], "url": c["url"],
                     "offset": c["offset"], "text": text, "claims": claims, "not_claims": not_claims,
                     "note": " ".join(notes)})
        if args.review:
            marks = sorted([(x["start"], x["end"], "[", "]") for x in claims]
                           + [(x["start"], x["end"], "{", "}") for x in not_claims])
            out, last = [], 0
            for b, e, o, cl in marks:
                out.append(text[last:b] + o + text[b:e] + cl)
                last = e
            print(cid, c["part"], "".join(out) + text[last:])
            for x in claims:
                print(f"   + {x['number_text']} = {x['value']}" + (f"..{x['value_max']}" if x["value_max"] is not None else "")
                      + f" {x['qualifier']} unit={x['unit']!r} speaker={x['speaker']!r} {x['casualty']} {x['party']}")
            for x in not_claims:
                print(f"   - {x['number_text']}: {x['why']}")
            if notes:
                print("   !", " ".join(notes))
            print()
    if problems:
        print(f"{problems} problems; claims.jsonl not written")
        return 1
    with (HERE / "claims.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    for part in ("tune", "report"):
        rs = [r for r in rows if r["part"] == part]
        print(f"{part}: {len(rs)} sentences, {sum(len(r['claims']) for r in rs)} claims, "
              f"{sum(len(r['not_claims']) for r in rs)} not-claims, "
              f"{sum(1 for r in rs if not r['claims'])} sentences without a claim")
    print(f"all offsets checked; wrote {len(rows)} sentences to {HERE / 'claims.jsonl'} "
          f"in {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
