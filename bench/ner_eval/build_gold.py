"""Build ``sentences.jsonl`` (the gold standard) from ``candidates.jsonl`` and ``labels.txt``.

usage: .venv/bin/python bench/ner_eval/make_sample.py   # writes outputs/ner_eval/candidates.jsonl
       .venv/bin/python bench/ner_eval/build_gold.py [--review]

``labels.txt`` holds, per sentence, which candidate was taken and each mention as its span
text; this script finds the character offsets (end exclusive) of each span in the sentence, at a
word start (optionally after one or two proclitic letters و ف ب ل ك) and a word end, the N-th
such occurrence that does not overlap a mention already placed, checks ``text[start:end] ==
span``, and writes one JSON object per sentence: id, part (first 70 in sample order: tune; the
rest: report), doc, source, url, offset (of the sentence in the article's ``content``), text,
entities [{start, end, type, text}]. It fails on a span it cannot place or on overlapping
mentions, and warns when a labelled span string also occurs elsewhere in the sentence unlabelled
(to be checked by hand). ``--review`` prints each sentence with its mentions in brackets.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CANDIDATES = HERE.parents[1] / "outputs/ner_eval/candidates.jsonl"
TYPES = ("PER", "LOC", "ORG")
PROCLITIC = set("وفبلك")
N_TUNE = 70


def _is_letter(ch: str) -> bool:
    return ch.isalpha() or ch == "\u0640" or "\u064b" <= ch <= "\u065f"


def occurrences(text: str, span: str) -> list[int]:
    """Starts of ``span`` in ``text`` at a word start (after at most two proclitic letters) and
    ending at a word end."""
    starts, i = [], text.find(span)
    while i >= 0:
        end = i + len(span)
        w = i
        while w > 0 and _is_letter(text[w - 1]):
            w -= 1
        prefix = text[w:i]
        if len(prefix) <= 2 and set(prefix) <= PROCLITIC and (end == len(text) or not _is_letter(text[end])):
            starts.append(i)
        i = text.find(span, i + 1)
    return starts


def parse_labels(path: Path) -> dict[str, tuple[int, list[tuple[str, str, int | None]]]]:
    blocks, current = {}, None
    for raw in path.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        head = line.split()
        if head[0].startswith("s") and head[0][1:].isdigit() and len(head) == 2 and head[1].isdigit():
            current = head[0]
            blocks[current] = (int(head[1]), [])
            continue
        typ, rest = line.split(" ", 1)
        if typ not in TYPES:
            raise SystemExit(f"{current}: bad type in {line!r}")
        nth = None
        if " @" in rest:
            rest, n = rest.rsplit(" @", 1)
            nth = int(n)
        blocks[current][1].append((typ, rest.strip(), nth))
    return blocks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--review", action="store_true")
    args = ap.parse_args()
    cands = [json.loads(l) for l in CANDIDATES.open(encoding="utf-8")]
    labels = parse_labels(HERE / "labels.txt")
    missing = [c["id"] for c in cands if c["id"] not in labels]
    if missing:
        raise SystemExit(f"no labels for {missing}")
    out, problems = [], 0
    for k, c in enumerate(cands):
        pick, mentions = labels[c["id"]]
        cand = c["candidates"][pick]
        text = cand["text"]
        taken: list[tuple[int, int]] = []
        used: dict[str, int] = {}
        ents = []
        for typ, span, nth in mentions:
            occ = occurrences(text, span)
            free = [s for s in occ if not any(s < e and s + len(span) > b for b, e in taken)]
            if nth is not None:
                chosen = occ[nth - 1] if nth <= len(occ) else None
            else:
                idx = used.get(span, 0)
                chosen = free[0] if free else None
            if chosen is None:
                print(f"ERROR {c['id']}: cannot place {typ} {span!r} in {text}")
                problems += 1
                continue
            used[span] = used.get(span, 0) + 1
            start, end = chosen, chosen + len(span)
            if any(start < e and end > b for b, e in taken):
                print(f"ERROR {c['id']}: {span!r} overlaps another mention")
                problems += 1
            assert text[start:end] == span
            taken.append((start, end))
            ents.append({"start": start, "end": end, "type": typ, "text": span})
        for span in {e["text"] for e in ents}:
            for s in occurrences(text, span):
                if not any(s < e and s + len(span) > b for b, e in taken):
                    print(f"WARN {c['id']}: {span!r} also at {s} unlabelled")
        ents.sort(key=lambda e: e["start"])
        out.append({"id": c["id"], "part": "tune" if k < N_TUNE else "report", "doc": c["doc"],
                    "source": c["source"], "url": c["url"], "offset": cand["offset"], "text": text,
                    "entities": ents})
        if args.review:
            marked, last = [], 0
            for e in ents:
                marked.append(text[last:e["start"]] + f"[{e['type']} {e['text']}]")
                last = e["end"]
            print(c["id"], "".join(marked) + text[last:], "\n")
    if problems:
        print(f"{problems} problems; sentences.jsonl not written")
        return 1
    with (HERE / "sentences.jsonl").open("w", encoding="utf-8") as fh:
        for row in out:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(out)} sentences, {sum(len(r['entities']) for r in out)} mentions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
