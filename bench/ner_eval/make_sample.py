"""Draw the sentence sample for the actor-extraction evaluation (issue 13).

usage: .venv/bin/python bench/ner_eval/make_sample.py [--corpus ../shared/corpora/saudinewsnet-dev]
       [--out outputs/ner_eval/candidates.jsonl]

Reads the SaudiNewsNet dev split in place (the zips are never modified), orders the articles as
they come (zip files sorted by name, articles in array order; article id = ``FILE.json#INDEX``),
and with ``numpy.random.default_rng(2026)`` shuffles them (``permutation``) and takes the first
140 articles in that order that have at least one eligible sentence (an article with none, e.g. an
empty body or only sentences over 45 words, is passed over). For each taken article it splits the body (``content``) into paragraphs (newlines) and
the paragraphs into sentences after ``.`` (not inside a number), ``؟``, ``?``, ``!``, ``;`` and
``؛``; keeps sentences of 12-45 whitespace words from paragraphs that are not chrome (see
``chrome``); draws one position among them with the same generator, and writes that sentence and
up to five following eligible sentences as candidates. The labeller takes the first candidate
that names a person, place or organisation (hand judgement), or the first candidate when none
does. The sentence text is an exact substring of the article's ``content`` (``offset``).
The candidates go to ``outputs/`` (not tracked: the corpus is not to be copied into the
repository); only the 140 chosen sentences are kept, in ``bench/ner_eval/sentences.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import re
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
N_ARTICLES = 140
SEED = 2026
MIN_WORDS, MAX_WORDS = 12, 45
# A sentence ends after . ؟ ? ! ; ؛ (a period between digits, 3.5, does not end one).
END = re.compile(r"(?<!\d)[.](?!\d)|[؟?!;؛]")
CHROME = re.compile(r"https?://|www\.|@|اقرأ أيضا|اقرأ أيضاً|للمزيد|المصدر:|تابعونا|شاهد الفيديو|صورة:|الصورة:|رابط الخبر")


def chrome(paragraph: str) -> bool:
    """A line that is not body prose: links, handles, read-more / source / photo lines, list items,
    and short lines (under 8 words: bylines, datelines, headings), "رابط الخبر" (link-to-story) lines."""
    p = paragraph.strip()
    return (len(p.split()) < 8 or bool(CHROME.search(p)) or p[:1] in "-–—•·●▪►"
            or bool(re.match(r"^\(?\d+[\)\.\-]", p)))


def load_articles(corpus: Path) -> list[tuple[str, dict]]:
    """The split's articles in file order as (id, article): zips sorted by name, members sorted,
    articles in array order; id = ``MEMBER#INDEX``."""
    articles = []
    for z in sorted(Path(corpus).glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            for name in sorted(zf.namelist()):
                for i, art in enumerate(json.loads(zf.read(name).decode("utf-8"))):
                    articles.append((f"{name}#{i}", art))
    return articles


def sentences(content: str, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS):
    """(offset, text) of each eligible sentence of the body (``min_words``..``max_words``
    whitespace words, not in a chrome paragraph), text exactly as in ``content``."""
    pos = 0
    for para in content.split("\n"):
        base = pos
        pos += len(para) + 1
        if chrome(para):
            continue
        last = 0
        for m in list(END.finditer(para)) + [None]:
            end = m.end() if m else len(para)
            raw = para[last:end]
            last = end
            text = raw.strip()
            if not text:
                continue
            if min_words <= len(text.split()) <= max_words:
                yield base + (end - len(raw)) + (len(raw) - len(raw.lstrip())), text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared/corpora/saudinewsnet-dev"))
    ap.add_argument("--out", default=str(ROOT / "outputs/ner_eval/candidates.jsonl"))
    args = ap.parse_args()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    articles = load_articles(Path(args.corpus))
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(articles))
    k = -1
    with open(args.out, "w", encoding="utf-8") as out:
        for idx in order:
            doc, art = articles[int(idx)]
            sents = list(sentences(art.get("content") or ""))
            if not sents:
                continue
            k += 1
            if k == N_ARTICLES:
                break
            for off, text in sents:
                assert art["content"][off:off + len(text)] == text
            pos = int(rng.integers(len(sents)))
            cands = [{"offset": o, "text": t} for o, t in sents[pos:pos + 6]]
            out.write(json.dumps({"id": f"s{k + 1:03d}", "doc": doc, "source": art.get("source", ""),
                                  "url": art.get("url", ""), "n_eligible": len(sents), "position": pos,
                                  "candidates": cands}, ensure_ascii=False) + "\n")
    print(f"{len(articles)} articles; wrote {N_ARTICLES} to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
