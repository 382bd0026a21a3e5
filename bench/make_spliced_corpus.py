"""Build a test corpus for separation from the SaudiNewsNet dev split, with hand-free gold labels.

Articles on one topic (titles naming it) become .txt files, one paragraph per line, headline
first. Into some of them a run of 2-5 paragraphs from an article on an unrelated subject is
spliced (at the end or in the middle, with that article's headline on top half of the time),
and a few wholly unrelated articles are mixed in. Every line is labelled: the topic article's
own lines `core`, spliced and unrelated lines `insert`. Only paragraphs of 8+ words are used,
so no site chrome enters the corpus and the labels need no judgement.

usage: python bench/make_spliced_corpus.py OUT_FOLDER [--topic yemen|football] [--seed 0]
Writes OUT_FOLDER/articles/*.txt and OUT_FOLDER/gold_lines.csv; prints what it built.
Score a run with: python ../shared/tools/score_lines.py RUN/tables/lines.csv OUT_FOLDER/gold_lines.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import zipfile
from pathlib import Path

TOPICS = {
    # topic: (title keywords of the topic, title keywords of the unrelated pool, focus)
    "yemen": (("الحوثي", "الحوثيين", "اليمن", "اليمني", "اليمنية", "عدن", "تعز", "صنعاء"),
              ("الهلال", "الدوري", "المنتخب", "اللاعب", "لاعب", "مدرب", "المدرب", "مهرجان"),
              "الحرب في اليمن: المواجهات بين المقاومة الشعبية وقوات التحالف بقيادة السعودية "
              "وميليشيات الحوثي في عدن وتعز والمحافظات اليمنية"),
    "football": (("الهلال", "الدوري", "المنتخب", "اللاعب", "لاعب", "مدرب", "المدرب", "اللاعبين"),
                 ("الحوثي", "اليمن", "إيران", "النووي", "داعش", "النفط", "أسعار", "الأحمر"),
                 "كرة القدم السعودية: الأندية واللاعبون والمدربون وانتقالات الموسم الجديد"),
}


def load_articles(corpus: Path) -> list[dict]:
    articles = []
    for archive in sorted(corpus.glob("*.zip")):
        with zipfile.ZipFile(archive) as z:
            for member in sorted(z.namelist()):
                articles += json.loads(z.read(member))
    return articles


def title_words(title: str) -> set[str]:
    """Words of a title, with a leading و/ب/ل/ف proclitic also tried off (whole words only:
    'تعز' the city must not match 'تعزز')."""
    words = set(re.findall(r"[\u0621-\u064a]+", title))
    return words | {w[1:] for w in words if len(w) > 3 and w[0] in "وبلف"}


def paragraphs(article: dict) -> list[str]:
    return [p.strip() for p in (article.get("content") or "").split("\n") if len(p.split()) >= 8]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared/corpora/saudinewsnet-dev"))
    parser.add_argument("--topic", choices=sorted(TOPICS), default="yemen")
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--unrelated", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    on_topic_words, other_words, focus = TOPICS[args.topic]
    articles = load_articles(Path(args.corpus))
    seen_titles = set()

    def pick(words, exclude):
        pool = []
        for a in articles:
            title = (a.get("title") or "").strip()
            if title in seen_titles or not title:
                continue
            found = title_words(title)
            body = paragraphs(a)
            # On topic throughout, not a roundup that names the topic once: the topic's words
            # appear in at least 40% of the paragraphs.
            on_topic = sum(1 for p in body if title_words(p) & set(words)) >= 0.4 * max(len(body), 1)
            if found & set(words) and not found & set(exclude) and len(body) >= 4 and on_topic:
                pool.append(a)
                seen_titles.add(title)
        rng.shuffle(pool)
        return pool

    topic_pool = pick(on_topic_words, other_words)[:args.articles]
    other_pool = pick(other_words, on_topic_words)
    if len(topic_pool) < 10 or len(other_pool) < args.unrelated + 10:
        raise SystemExit("not enough articles for this topic in the corpus")

    out = Path(args.out)
    folder = out / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    gold_rows, spliced = [], 0
    donors = iter(other_pool)
    for number, article in enumerate(topic_pool, start=1):
        lines = [(article["title"].strip(), "core")] + [(p, "core") for p in paragraphs(article)]
        if number % 3 == 0:  # a third of the articles get a spliced run
            donor = next(donors)
            run = paragraphs(donor)[:rng.randint(2, 5)]
            block = ([(donor["title"].strip(), "insert")] if rng.random() < 0.5 else []) + [(p, "insert") for p in run]
            at = len(lines) if rng.random() < 0.5 else rng.randint(3, max(3, len(lines) - 2))
            lines = lines[:at] + block + lines[at:]
            spliced += 1
        name = f"{args.topic}_{number:03d}.txt"
        (folder / name).write_text("\n\n".join(text for text, _ in lines) + "\n", encoding="utf-8")
        gold_rows += [(name, 2 * i + 1, label, text) for i, (text, label) in enumerate(lines)]
    for number in range(1, args.unrelated + 1):
        donor = next(donors)
        lines = [donor["title"].strip()] + paragraphs(donor)
        name = f"other_{number:03d}.txt"
        (folder / name).write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        gold_rows += [(name, 2 * i + 1, "insert", text) for i, text in enumerate(lines)]
    with open(out / "gold_lines.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["doc", "line", "label", "text"])
        writer.writerows(gold_rows)
    (out / "focus.txt").write_text(focus + "\n", encoding="utf-8")
    core = sum(1 for r in gold_rows if r[2] == "core")
    print(f"{len(topic_pool)} {args.topic} articles ({spliced} with a spliced run) and {args.unrelated} unrelated "
          f"articles -> {folder}; {core} core and {len(gold_rows) - core} insert lines in {out / 'gold_lines.csv'}")
    print(f"focus: {focus}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
