"""Draw the sentence sample for the numeric-claim evaluation.

usage: .venv/bin/python bench/claims_eval/make_sample.py [--corpus ../shared/corpora/saudinewsnet-dev]
       [--out outputs/claims_eval/candidates.jsonl]

Reads the SaudiNewsNet dev split in place (the zips are never modified) and orders the articles as
``bench/ner_eval/make_sample.py`` does (zip files sorted by name, JSON members sorted by name,
articles in array order; article id = ``MEMBER.json#INDEX``). ``numpy.random.default_rng(2027)``
shuffles them (``permutation``); articles already in ``bench/ner_eval/sentences.jsonl`` (its
``doc`` field) are skipped, and the first 120 articles in that order with at least one eligible
sentence that contains a number are taken. Eligible = the ner_eval rules (paragraph = a line of
``content``, chrome paragraphs skipped, sentences end after ``.`` not between digits, ``؟ ? ! ; ؛``)
with 12-60 whitespace words. A number = a Western, Arabic-Indic or Persian digit, or an Arabic
cardinal / multiplier word (``NUMBER_WORD``). One such sentence per article is drawn with the same
generator (``integers``). Output: one JSON object per line, id (c001...c120 in sample order),
part (tune: c001-c060, report: c061-c120), doc, source, url, offset (start of the sentence in
``content``), text (``content[offset:offset+len(text)]``, asserted). Deterministic: a rerun
writes the same bytes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
N_ARTICLES = 120
N_TUNE = 60
SEED = 2027
MIN_WORDS, MAX_WORDS = 12, 60
NER_GOLD = ROOT / "bench/ner_eval/sentences.jsonl"

# The articles' order and the sentence splitting and chrome filter are the NER sample's
# (bench/ner_eval/make_sample.py); only the word limits differ (12-60 here, 12-45 there).
sys.path.insert(0, str(ROOT / "bench"))
from ner_eval.make_sample import load_articles, sentences as _sentences  # noqa: E402


def sentences(content: str):
    return _sentences(content, MIN_WORDS, MAX_WORDS)


DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
_A = "[أاإآ]"
# Cardinals 2-10 (with the feminine / construct forms), tens, hundreds, thousands, millions,
# billions and the vague plurals. "واحد" / "أحد" (also "one of", Sunday) are not in the list; "ست"
# only bare (وست / لست are other words); اثنين / اثنتين not after ال (الاثنين: Monday).
_TWO = [f"{_A}ثن[اي]ن", f"{_A}ثنت[اي]ن"]  # without ال: الاثنين is mostly Monday
_WORDS = [
    "ثلاث[ةه]?", f"{_A}ربع[ةه]?", "خمس[ةه]?", "ست[ةه]", "سبع[ةه]?",
    "ثمان(?:ي[ةه]?|ى)?", "تسع[ةه]?", "عشر[ةه]?",
    "عشر(?:ون|ين)", "ثلاث(?:ون|ين)", f"{_A}ربع(?:ون|ين)", "خمس(?:ون|ين)", "ست(?:ون|ين)", "سبع(?:ون|ين)",
    "ثمان(?:ون|ين)", "تسع(?:ون|ين)",
    "(?:ثلاث|" + _A + "ربع|خمس|ست|سبع|ثمان|تسع)?(?:مائ|مئ)[ةه]", "(?:مائ|مئ)ت[اي]ن?", "مئات",
    f"{_A}لف[اً]*", f"{_A}لف[اي]ن?", "آلاف", f"{_A}لاف", f"{_A}لوف",
    "مليون[اً]*", "مليون[اي]ن?", "ملايين",
    "مليار[اً]*", "مليار[اي]ن?", "مليارات", "بليون[اً]*", "بلايين",
    "عشرات", "بضع[ةه]?",
]
NUMBER_WORD = re.compile(
    r"(?<![\w\u0640])(?:[وفبلك]{0,2}(?:ال)?(?:" + "|".join(_WORDS) + r")|[وفبلك]{0,2}(?:" + "|".join(_TWO)
    + r")|ست)(?![\w\u0640])")


def has_number(text: str) -> bool:
    return bool(DIGIT.search(text) or NUMBER_WORD.search(text))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared/corpora/saudinewsnet-dev"))
    ap.add_argument("--out", default=str(ROOT / "outputs/claims_eval/candidates.jsonl"))
    args = ap.parse_args()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    articles = load_articles(Path(args.corpus))
    ner_docs = {json.loads(l)["doc"] for l in NER_GOLD.open(encoding="utf-8")}
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(articles))
    k = skipped = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for idx in order:
            if k == N_ARTICLES:
                break
            doc, art = articles[int(idx)]
            if doc in ner_docs:
                skipped += 1
                continue
            content = art.get("content") or ""
            sents = [(o, t) for o, t in sentences(content) if has_number(t)]
            if not sents:
                continue
            k += 1
            off, text = sents[int(rng.integers(len(sents)))]
            assert content[off:off + len(text)] == text
            out.write(json.dumps({"id": f"c{k:03d}", "part": "tune" if k <= N_TUNE else "report",
                                  "doc": doc, "source": art.get("source", ""), "url": art.get("url", ""),
                                  "offset": off, "text": text}, ensure_ascii=False) + "\n")
    print(f"{len(articles)} articles ({skipped} skipped as in ner_eval); wrote {k} to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
