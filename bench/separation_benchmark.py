"""Separation benchmark: a family of spliced corpora from the SaudiNewsNet dev split, scored by kind.

Issue 11, "How to measure it, honestly". Each corpus of the family is built around one THEME
(Yemen war, Syria, ...) from real articles of the dev split (July 2015) and has every case the
separation must handle, each line of its gold labelled with a `kind`:

  core              real on-theme news articles (hosts): headline first, one paragraph per line
  core_drift        the later paragraphs of long on-theme articles (6+ paragraphs, --drift-min-
                    paragraphs; their last third names none of the theme's title words): real drift
                    to another facet, still core. Rare in real news: 1-4 such hosts per theme, none
                    for palestine and iran (with 8+ paragraphs: only yemen and iraq have any)
  core_short        on-theme articles of 2-3 paragraphs
  insert_far        2-7 consecutive paragraphs of an article from an unrelated section (sport,
                    economy, health, society, culture) glued into a host
  insert_neighbour  the same from a political/security article on a neighbouring subject (another
                    theme of the family or another Middle-East conflict) that never names this theme
  insert_homonym    the same from a sports article naming clubs whose names are common words
                    (الهلال "crescent", النصر "victory", الاتحاد "union", ...)
  doc_far, doc_neighbour, doc_homonym   whole unrelated articles of those three sorts (label insert)

Inserts go into about half of the plain hosts, at the end or in the middle (2+ host paragraphs
before and after), half of the time with the donor's headline on top; the gold says where
(`position`), whether (`headline`) and which line is that headline (`is_headline`). Gold is built
to be right: a donor names none of the theme's keywords anywhere (title or body), is no near
duplicate of a host or of another donor (shared word 5-grams), and is used once; far and homonym
donors name no theme of the family and no war/politics word either. Hosts are news (a dateline or
agency in the byline; no columns, interviews, poems, lists, round-ups, result tables, no section
word - sport, economy, culture... - in the title) on affairs of state, with the theme's title
keywords in the title (and no other theme's), its keywords in 40%+ of the paragraphs. Lines are
the articles' own content lines of 8+ words, a repeat of the headline, of a paragraph or a
headline link ("رابط الخبر ...") left out. Each focus.txt is a researcher's sentence naming the
facets of the theme's coverage.

The split is fixed: choose parameters on the TUNE themes, report on the REPORT themes.

  TUNE   = yemen, iraq, palestine
  REPORT = syria, iran, egypt

usage (from the repository root; OUT outside the repository, e.g. /work/bench-sep/seed0):

  .venv/bin/python bench/separation_benchmark.py build OUT [--split tune|report|all | --themes T ...]
                                                     [--seed 0] [--hosts 40]
  .venv/bin/python bench/separation_benchmark.py fast OUT [--split ...] [--no-focus]  # tuning loop, seconds
                                                     [--run-name fast] [--toolkit DIR] [--refresh]
  .venv/bin/python bench/separation_benchmark.py score OUT [--split ...] [--run-name fast|run]
                                                     [--show-errors N] [--json FILE]
  .venv/bin/python bench/separation_benchmark.py run OUT [--split ...]       # the full CLI, minutes
  .venv/bin/python bench/separation_benchmark.py compare OUT [--split ...]   # fast vs run labels
  .venv/bin/python bench/separation_benchmark.py deltas OUT [--run-names fast nofocus]  # with vs without focus

build   writes OUT/<theme>/articles/*.txt, OUT/<theme>/gold_lines.csv (doc, line, label, text, kind,
        position, headline, is_headline, donor) and OUT/<theme>/focus.txt; prints counts by kind.
        Another --seed gives another family from the same themes (other donors; other hosts where
        the data has them: --against OUT0 prints how many hosts and donors it shares with OUT0).
        The gold's promises are checked again on what was built (build stops if one fails).
deltas  prints two run names' main scores side by side per corpus, e.g. the run with the focus
        against the run without (`fast OUT --no-focus --run-name nofocus`, then `deltas OUT`).
fast    runs only the stages up to separation, in this process, into OUT/<theme>/fast/ (as
        notebooks 1 and 2 call them, local engine). The first call prepares, embeds and fits
        topics and keeps what separate_corpus needs (OUT/<theme>/fast/work/bench_state.pkl: the
        fitted dict with the topic model reduced to its top words, and the focus vector); later
        calls run only separate_corpus, then score. The prepared stages are redone when the corpus,
        the focus or the toolkit code they depend on changes (load, segment, clean, normalize,
        embed, encoder, topics, schema, params, and pipeline.py but for its separation functions),
        or with --refresh. Edits to the separation (separate.py, lexical.py, splice.py, ...) take
        effect at the next call: each call is a new process that imports the toolkit anew (~15 s
        of a call: BERTopic's import). --toolkit DIR --run-name NAME scores another version of
        the toolkit (e.g. `git archive COMMIT toolkit | tar -x -C DIR`) on the same corpora.
run     runs `python -m toolkit run OUT/<theme>/articles --focus "$(cat focus.txt)" --out
        OUT/<theme>/run --cache-dir OUT/cache --quiet` per corpus (OUT/<theme>/run must be absent
        or an earlier run) and records the wall time in OUT/<theme>/run_time.json.
score   prints per corpus and the mean over the selection: core retention (all core kinds and by
        kind), removal of glued runs (overall, by kind, by position, with/without headline, the
        headline lines themselves), of whole unrelated articles (document level: 90%+ of its
        lines not core; and line level) and kept precision. A line is kept when its predicted
        label is core; a gold line without prediction counts as lost (core) or not removed
        (insert), as in ../shared/tools/score_lines.py; cleaning labels count as not kept.

Both fast and run use the embedding cache OUT/cache (--cache-dir), so they see the same vectors.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import math
import os
import pickle
import random
import re
import subprocess
import sys
import time
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV_SPLIT = REPO.parent / "shared/corpora/saudinewsnet-dev"
TOOLKIT_ROOT = REPO  # the folder holding the toolkit/ that fast imports (fast --toolkit)

# ================================================================================ themes
@dataclass(frozen=True)
class Theme:
    """A subject of the family. ``title`` words pick its articles (title and paragraphs);
    ``title`` and ``related`` words together say an article names the theme at all (donors
    must name none). A word with a space is a phrase."""

    name: str
    title: tuple[str, ...]
    related: tuple[str, ...] = ()
    focus: str | None = None  # None: only a source of neighbouring-subject donors


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.replace("_", " ") for w in text.split())


THEMES: dict[str, Theme] = {t.name: t for t in (
    Theme("yemen",
          _words("اليمن اليمني اليمنية اليمنيين اليمنيون يمني يمنية الحوثي الحوثيين الحوثيون الحوثية "
                 "صنعاء عدن تعز مأرب الضالع لحج أبين شبوة حضرموت المكلا الحديدة صعدة"),
          _words("هادي المخلوع الانقلابيين الانقلابيون عاصفة_الحزم إعادة_الأمل التحالف_العربي دعم_الشرعية "
                 "الحد_الجنوبي جازان نجران مقذوف مقذوفات المقذوفات علي_عبدالله_صالح باب_المندب "
                 "المقاومة_الشعبية"),
          "الحرب في اليمن وتداعياتها صيف 2015: المعارك بين المقاومة الشعبية والقوات الموالية للشرعية المدعومة "
          "من التحالف بقيادة السعودية وبين الحوثيين وقوات صالح، وسقوط المقذوفات على المناطق الحدودية "
          "السعودية، والأوضاع الإنسانية وجهود الإغاثة وأحوال اليمنيين، والمساعي "
          "السياسية لإنهاء الحرب، وسائر أخبار اليمن واليمنيين."),
    Theme("syria",
          _words("سوريا سورية السوري السورية السوريين السوريون الأسد دمشق حلب حمص إدلب درعا الزبداني "
                 "القلمون اللاذقية الرقة الحسكة"),
          _words("بشار النصرة كوباني عين_العرب دير_الزور الجيش_الحر حماة"),
          "الحرب في سوريا: المعارك بين قوات نظام الأسد وفصائل المعارضة وتنظيم داعش والقوات الكردية، والغارات "
          "الجوية على مواقع التنظيم، ومعاناة المدنيين واللاجئين السوريين، والمواقف الإقليمية والدولية من "
          "الأزمة ومساعي الحل السياسي، وسائر أخبار سوريا والسوريين."),
    Theme("iran",
          _words("إيران الإيراني الإيرانية الإيرانيين الإيرانيون طهران روحاني ظريف خامنئي"),
          _words("النووي النووية فيينا الملالي الصفوي الصفوية الفارسي الفارسية الحرس_الثوري فيلق_القدس سليماني"),
          "إيران بعد الاتفاق النووي مع القوى الكبرى: بنود الاتفاق ورفع العقوبات والانفتاح الاقتصادي المنتظر، "
          "والجدل حوله في واشنطن وطهران، وقلق دول الخليج من السياسات الإيرانية وتدخلها في شؤون المنطقة، وسائر "
          "أخبار إيران وشؤونها الداخلية."),
    Theme("iraq",
          _words("العراق العراقي العراقية العراقيين العراقيون بغداد الأنبار الرمادي الفلوجة الموصل تكريت "
                 "العبادي"),
          _words("الحشد المالكي البصرة كربلاء النجف ديالى صلاح_الدين كردستان أربيل"),
          "الأوضاع في العراق: معارك القوات العراقية والحشد الشعبي وغارات التحالف الدولي ضد تنظيم داعش في "
          "الأنبار وغيرها، والتفجيرات التي تضرب بغداد والمدن العراقية، والخلافات بين القوى السياسية العراقية، "
          "والاحتجاج على الفساد وانقطاع الكهرباء، وأحوال العراقيين في ظل الحرب، وسائر أخبار العراق."),
    Theme("egypt",
          _words("مصر المصري المصرية المصريين المصريون القاهرة السيسي سيناء"),
          _words("الإسكندرية السويس الإخوان مرسي العريش الشيخ_زويد رفح"),
          "الشأن المصري: المواجهة بين الدولة والجماعات المسلحة في سيناء والتفجيرات، ومحاكمات قيادات "
          "جماعة الإخوان، وافتتاح قناة السويس الجديدة وتسلم الجيش مقاتلات جديدة، وسياسات حكومة الرئيس "
          "السيسي وعلاقات مصر بالسعودية ودول المنطقة، وسائر أخبار مصر والمصريين."),
    Theme("palestine",
          _words("فلسطين الفلسطيني الفلسطينية الفلسطينيين الفلسطينيون إسرائيل الإسرائيلي الإسرائيلية "
                 "الإسرائيليين غزة القدس الأقصى الضفة نتنياهو"),
          _words("الاحتلال حماس المستوطنين المستوطنون الاستيطان رام_الله الصهيوني الصهاينة تل_أبيب"),
          "الصراع الفلسطيني الإسرائيلي: اعتداءات الاحتلال الإسرائيلي والمستوطنين في الضفة الغربية والقدس "
          "والمسجد الأقصى، والأسرى الفلسطينيون، والحصار المفروض على غزة، والانقسام الفلسطيني، والتحركات "
          "الدبلوماسية ضد الاستيطان، وسياسات الحكومة الإسرائيلية وعلاقاتها بواشنطن، وسائر أخبار الفلسطينيين "
          "وإسرائيل."),
    # Sources of neighbouring-subject donors only.
    Theme("turkey", _words("تركيا التركي التركية الأتراك أنقرة أردوغان أوغلو الأكراد الكردي الكردية "
                           "الكردستاني"), _words("سروج")),
    Theme("libya", _words("ليبيا الليبي الليبية الليبيين بنغازي حفتر مصراتة سرت درنة القذافي")),
    Theme("lebanon", _words("لبنان اللبناني اللبنانية اللبنانيين بيروت عرسال حزب_الله"), _words("نصر_الله")),
)}

SPLITS = {"tune": ("yemen", "iraq", "palestine"), "report": ("syria", "iran", "egypt")}
SPLITS["all"] = SPLITS["tune"] + SPLITS["report"]

# Sports clubs whose names are common words.
HOMONYM_CLUBS = _words("الهلال النصر الاتحاد الأهلي الشباب الوحدة التعاون الفتح")

# "الاتحاد" of a federation and "الشباب" of the youth authority are no clubs.
_NOT_CLUBS = re.compile(r" (?:و|ف|ب|ل)?(?:ال|لل)?اتحاد (?:ال|لل)?(?:دولي|سعودي|اسيوي|اوروبي|عربي|خليجي|افريقي|مصري|"
                        r"انجليزي|اسباني|قاري|كره|لكره)\S* | (?:و|ف|ب|ل)?رعايه الشباب ")

# Unrelated sections (far donors): words of a title in that section.
SECTIONS = {
    "sport": _words("الدوري المنتخب اللاعب لاعب مدرب المدرب اللاعبين لاعبين لاعبي نادي النادي مباراة المباراة "
                    "مباريات بطولة البطولة كرة الكرة الملعب الملاعب ملعب معسكر المعسكر الفريق ودية الأولمبي "
                    "الفيفا الاحتراف المحترف هدف أهداف هداف الموسم صفقة الانتقالات التعاقد المهاجم الحارس "
                    "كأس رياضي الرياضي الرياضية الرياضة"),
    "economy": _words("النفط أسعار الأسعار الأسهم الأسهم السوق سوق البورصة الاستثمار الاستثمارات البنك بنك "
                      "السياحة سياحية السياحية سياحي الاقتصاد الاقتصادي الاقتصادية مليار مليون الشركة شركة "
                      "الشركات التضخم الذهب العقار "
                      "العقارات الأرباح أرباح المؤشر التجارية الصادرات الواردات"),
    "health": _words("الصحة صحة الصحية صحي مستشفى المستشفى مستشفيات المرضى مريض مرض المرض أمراض طبي الطبية "
                     "الأطباء طبيب علاج العلاج كورونا فيروس السرطان السكري الدواء الأدوية التطعيم"),
    "society": _words("محافظ المحافظ أمانة الأمانة البلدية بلدية المرور الدفاع_المدني حريق التعليم جامعة الجامعة "
                      "طلاب الطلاب الطالبات مدارس المدارس زواج حفل الأسر الأسرة جمعية الجمعية الخيرية "
                      "العيد عيد الفطر الأهالي المواطنين المياه الكهرباء الإسكان غرق فيضانات فيضان حادث"),
    "culture": _words("الفن مهرجان المهرجان الثقافة ثقافي الثقافي الثقافية الفنان الفنانة فيلم الفيلم رواية معرض "
                      "المسرح مسرحية الشعر الشاعر كتاب الكتاب أدبي الأدبي التراث السينما الموسيقى أغنية "
                      "مسلسل الدراما أثري أثرية أثريتين الآثار المتحف"),
}
# Section hints in URLs (outlets that have them).
URL_SECTIONS = (
    (r"al-jazirah\.com/.*/sp\d", "sport"), (r"al-jazirah\.com/.*/ec\d", "economy"),
    (r"al-jazirah\.com/.*/(cu|ak|at|bo)\d", "culture"), (r"alwatan\.com\.sa/Sports/", "sport"),
    (r"alwatan\.com\.sa/Economy/", "economy"), (r"alwatan\.com\.sa/Culture/", "culture"),
    (r"3alyoum\.com/sports/", "sport"), (r"3alyoum\.com/finance/", "economy"),
    (r"3alyoum\.com/culture/", "culture"), (r"arreyadi\.com\.sa/", "sport"),
)
# Politics and security anywhere: a far or homonym donor names none of these.
POLITICS = _words(
    "الحرب الحروب حرب قتلى قتيل القتلى مقتل هجوم الهجوم هجمات انفجار تفجير التفجير تفجيرات انتحاري الإرهاب "
    "الإرهابي الإرهابية إرهابي إرهابية الإرهابيين إرهابيين داعش الجيش جيش العسكري العسكرية عسكري عسكرية "
    "القوات قوات المسلحة المسلحين مسلحين مسلح غارات غارة قصف صاروخ صواريخ المعارضة المتمردين الميليشيات "
    "ميليشيات مليشيات الأمم_المتحدة مجلس_الأمن وزير_الخارجية الخارجية اللاجئين النازحين الاحتلال المقاومة "
    "الانقلاب السفير السفارة استشهاد شهيد الشهيد الشهداء أوباما بوتين واشنطن موسكو الكرملين البنتاغون "
    "النظام_السوري التحالف الدولي_للإرهاب طالبان القاعدة الأسرى اعتقال المعتقلين")
# Affairs of state (with POLITICS): a host names them in its title or in half of its paragraphs.
STATE = _words(
    "الرئيس رئيس وزير الوزير وزارة الحكومة حكومة الحكومية مباحثات المباحثات العلاقات علاقات مجلس البرلمان "
    "النواب الانتخابات السياسي السياسية سياسي سياسية الدولي الدولية اتفاق الاتفاق العقوبات السلطات الأمن "
    "الأمني الأمنية الشرطة المبعوث الأممي الأمين_العام الجامعة_العربية المفاوضات مفاوضات الإغاثة الإنسانية "
    "الملك ولي_العهد خادم_الحرمين القمة المتحدث بيان البيان الاحتجاجات المتظاهرين المحكمة محاكمة الإعدام "
    "السجن الدولة الحزب حزب الحوار التسوية الهدنة المنظمة")
# Bylines that mark news (a dateline, an agency) and words that mark what is not news.
AGENCIES = _words("واس رويترز الوكالات وكالات أ_ف_ب ا_ف_ب د_ب_أ الأناضول سبق الوئام الشرق_الأوسط "
                  "يو_بي_آي أ_ب_أ")
NOT_NEWS_WORDS = _words("حوار كاريكاتير قصيدة شعر خواطر مقال رأي كلمة_اليوم كلمة_الاقتصادية أبرز_عناوين "
                        "عناوين_الصحف الصحف جولة_الصحافة")
OPINION_URLS = re.compile(r"alwatan\.com\.sa/(Articles|Discussion|Dialogue)/|3alyoum\.com/opinion/|"
                          r"al-jazirah\.com/.*/(ar|rj|ms|lp|rv|wa|jd|du)\d")

MIN_WORDS = 8            # a paragraph: a content line of 8+ words
MAX_WORDS = 200          # longer lines would be cut by the toolkit: such articles are not used
THEME_SHARE = 0.4        # share of a host's paragraphs naming its theme
NEAR_DUPLICATE = 0.2     # share of an article's word 5-grams already in the corpus


# ============================================================================ Arabic words
_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_TOKEN = re.compile("[\u0621-\u064a]+")


def normalize(text: str) -> str:
    return _MARKS.sub("", text).translate(_FOLD)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize(text))


def word_forms(text: str) -> frozenset[str]:
    """Normalized words of a text, each also without a leading و/ف, then ب/ل/ك, and لل as ال
    (whole words only: 'تعز' the city must not match 'تعزز')."""
    out = set()
    for w in tokens(text):
        forms = {w}
        if len(w) > 3 and w[0] in "وف":
            forms.add(w[1:])
        for x in list(forms):
            if len(x) > 3 and x[0] in "بلك":
                forms.add(x[1:])
            if x.startswith("لل") and len(x) > 4:
                forms.add("ال" + x[2:])
        out |= forms
    return frozenset(out)


class Text:
    """A piece of text ready for matching: its word forms and its normalized words."""

    __slots__ = ("forms", "joined")

    def __init__(self, text: str):
        self.forms = word_forms(text)
        self.joined = " " + " ".join(tokens(text)) + " "


class Words:
    """A keyword list: single words matched as word forms, phrases as word sequences (with an
    optional proclitic on the first word)."""

    def __init__(self, words):
        words = [normalize(w) for w in words]
        self.single = frozenset(w for w in words if " " not in w)
        self.phrases = [re.compile(r" (?:و|ف|ب|ل|ال|وال|بال|لل|فال)?" + re.escape(w) + " ")
                        for w in words if " " in w]

    def found(self, text: Text) -> bool:
        return bool(self.single & text.forms) or any(p.search(text.joined) for p in self.phrases)

    def count(self, texts) -> int:
        return sum(1 for t in texts if self.found(t))


def shingles(texts: list[str], n: int = 5) -> set[str]:
    """Word n-grams of the texts (normalized), for near-duplicate checks."""
    out = set()
    for text in texts:
        w = tokens(text)
        out |= {" ".join(w[i:i + n]) for i in range(max(0, len(w) - n + 1))}
    return out


def near_same(a: str, b: str) -> bool:
    """Normalized lines that are the same give or take a few characters (the toolkit's cleaning
    would call the later one a duplicate)."""
    from rapidfuzz import fuzz

    return a == b or (0.8 < len(a) / max(1, len(b)) < 1.25 and fuzz.ratio(a, b) >= 90)


# ================================================================================ articles
@dataclass
class Article:
    key: int
    source: str
    url: str
    title: str
    author: str
    lines: list[str]          # non-blank content lines
    paragraphs: list[str]     # the lines of 8+ words, a repeat of the title or of a paragraph dropped

    @cached_property
    def title_text(self) -> Text:
        return Text(self.title)

    @cached_property
    def paragraph_texts(self) -> list[Text]:
        return [Text(p) for p in self.paragraphs]

    @cached_property
    def whole_text(self) -> Text:
        return Text(self.title + "\n" + "\n".join(self.lines))

    @cached_property
    def shingles(self) -> set[str]:
        return shingles([self.title] + self.paragraphs)


def load_articles(corpus: Path = DEV_SPLIT) -> list[Article]:
    """Every article of the dev split with a title and a paragraph (JSON arrays in zips)."""
    articles = []
    for archive in sorted(corpus.glob("*.zip")):
        with zipfile.ZipFile(archive) as z:
            for member in sorted(z.namelist()):
                for raw in json.loads(z.read(member)):
                    article = _article(len(articles), raw)
                    if article is not None:
                        articles.append(article)
    return articles


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("&nbsp;", " ")).strip()


def title_link(line: str, title: str) -> bool:
    """Site chrome that repeats the headline: 'رابط الخبر بصحيفة ...: <headline>' and the like."""
    words = tokens(line)
    head = tokens(title)
    if words[:2] == ["رابط", "الخبر"]:
        return True
    joined, head_joined = " ".join(words), " ".join(head)
    return len(head) >= 4 and head_joined in joined and len(words) <= len(head) + 6


def _article(key: int, raw: dict) -> Article | None:
    title = _clean(raw.get("title"))
    lines = [_clean(l) for l in (raw.get("content") or "").split("\n")]
    lines = [l for l in lines if l]
    paragraphs, seen = [], [normalize(title)]
    for line in lines:
        normalized = normalize(line)
        if len(line.split()) < MIN_WORDS or any(near_same(normalized, k) for k in seen) or title_link(line, title):
            continue
        paragraphs.append(line)
        seen.append(normalized)
    if not title or not paragraphs:
        return None
    return Article(key, raw.get("source") or "", raw.get("url") or "", title, _clean(raw.get("author")), lines,
                   paragraphs)


# ------------------------------------------------------------------ what an article is
class Vocabulary:
    """The compiled keyword lists."""

    def __init__(self):
        self.theme_title = {n: Words(t.title) for n, t in THEMES.items()}
        self.theme_any = {n: Words(t.title + t.related) for n, t in THEMES.items()}
        self.main_any = Words([w for n in SPLITS["all"] for w in THEMES[n].title + THEMES[n].related])
        self.sections = {s: Words(w) for s, w in SECTIONS.items()}
        self.clubs = Words(HOMONYM_CLUBS)
        self.politics = Words(POLITICS)
        self.state = Words(POLITICS + STATE)
        self.agencies = Words(AGENCIES)
        self.not_news = Words(NOT_NEWS_WORDS)

    def names_club(self, text: Text) -> bool:
        """One of the clubs named as a club (not a federation's الاتحاد, not the youth authority)."""
        return bool(self.clubs.single & word_forms(_NOT_CLUBS.sub(" ", text.joined)))


def well_formed(a: Article) -> bool:
    """Prose: most lines are paragraphs (not a poem, a list or a table of results), no line so
    long the toolkit would cut it."""
    short = len(a.lines) - len(a.paragraphs)
    if short > max(1, len(a.lines) // 4):
        return False
    if any(len(p.split()) > MAX_WORDS for p in a.paragraphs):
        return False
    numbered = sum(1 for p in a.paragraphs if re.match(r"^\s*([-*•●]|\d+\s*[-.)])", p))
    digits = sum(ch.isdigit() for p in a.paragraphs for ch in p) / max(1, sum(len(p) for p in a.paragraphs))
    return numbered <= 1 and digits < 0.08


def is_news(a: Article, v: Vocabulary) -> bool:
    """A news report: a dateline or an agency in the byline; no column, editorial, interview."""
    if OPINION_URLS.search(a.url) or v.not_news.found(a.title_text) or v.not_news.found(Text(a.author)):
        return False
    if re.search(r"[-–ـ:(،/]| من \S", a.author) or v.agencies.found(Text(a.author)):
        return True
    return not a.author and "3alyoum.com/news/" in a.url


def section_of(a: Article, v: Vocabulary) -> str | None:
    """The unrelated section of an article (URL hint, else the only section its title names)."""
    for pattern, section in URL_SECTIONS:
        if re.search(pattern, a.url):
            return section
    named = [s for s, words in v.sections.items() if words.found(a.title_text)]
    return named[0] if len(named) == 1 else None


def affairs_of_state(a: Article, v: Vocabulary) -> bool:
    """Politics, diplomacy or security: in the title or in half of the paragraphs."""
    return v.state.found(a.title_text) or v.state.count(a.paragraph_texts) >= len(a.paragraphs) / 2


def names_theme(a: Article, theme: str, v: Vocabulary) -> bool:
    return v.theme_any[theme].found(a.whole_text)


def host_shape(a: Article, theme: str, v: Vocabulary, drift_min: int = 6) -> tuple[str, int] | None:
    """('core'|'core_drift'|'core_short', first drift paragraph) for an on-theme article, else None.

    On theme: the theme's title words in the title, no word of another main theme there (an
    article on two themes, Israel and the Iran deal, belongs to neither), and its words (title or
    related) in 40%+ of the paragraphs. Drift: ``drift_min``+ paragraphs whose last third names
    none of the theme's title words (the drift starts after the last paragraph naming one), the
    part before it a third of the article or more with the theme's words in half of its
    paragraphs, and no other theme named in half of the drift's paragraphs, nor two other themes
    in it (a round-up of several stories, not another facet of this one).
    """
    if not v.theme_title[theme].found(a.title_text) or any(
            v.theme_any[o].found(a.title_text) for o in SPLITS["all"] if o != theme):
        return None
    texts = a.paragraph_texts
    has = [v.theme_any[theme].found(t) for t in texts]
    n = len(has)
    if n in (2, 3):
        return ("core_short", n) if sum(has) >= THEME_SHARE * n else None
    if n < 4:
        return None
    named = [v.theme_title[theme].found(t) for t in texts]
    last = max((i for i, h in enumerate(named) if h), default=-1)
    if n >= drift_min and n - 1 - last >= math.ceil(n / 3):
        drift = texts[last + 1:]
        others = [v.theme_title[o].count(drift) for o in THEMES if o != theme]
        if (last + 1 >= n / 3 and sum(has[:last + 1]) >= 0.5 * (last + 1) and max(others) < len(drift) / 2
                and sum(map(bool, others)) < 2):
            return ("core_drift", last + 1)
        return None
    return ("core", n) if sum(has) >= THEME_SHARE * n else None


def roundup(a: Article, theme: str, v: Vocabulary) -> bool:
    """Paragraphs not on the theme that name two other themes: a round-up of several stories."""
    off = [t for t in a.paragraph_texts if not v.theme_any[theme].found(t)]
    return sum(1 for o in THEMES if o != theme and v.theme_title[o].count(off)) >= 2


# ================================================================================ pools
@dataclass
class Pools:
    hosts: dict[str, list[Article]]                 # kind -> on-theme articles, shuffled
    drift_start: dict[int, int]                     # article key -> first drift paragraph
    far: dict[str, list[Article]]                   # section -> donors, shuffled
    neighbour: list[Article]
    homonym: list[Article]


def host_candidate(a: Article, v: Vocabulary) -> bool:
    """News on affairs of state, in no unrelated section (URL, or a word of one in the title), prose."""
    if section_of(a, v) or any(words.found(a.title_text) for words in v.sections.values()):
        return False
    return well_formed(a) and is_news(a, v) and affairs_of_state(a, v)


def theme_articles(articles: list[Article], theme: str, v: Vocabulary, drift_min: int) -> tuple[dict, dict]:
    """On-theme news articles by kind, and where each drift begins."""
    hosts, drift_start = defaultdict(list), {}
    for a in articles:
        if not host_candidate(a, v):
            continue
        shape = host_shape(a, theme, v, drift_min)
        if shape is None or roundup(a, theme, v):
            continue
        hosts[shape[0]].append(a)
        if shape[0] == "core_drift":
            drift_start[a.key] = shape[1]
    return hosts, drift_start


def build_pools(articles: list[Article], theme: str, v: Vocabulary, rng: random.Random, drift_min: int) -> Pools:
    hosts, drift_start = theme_articles(articles, theme, v, drift_min)
    far, neighbour, homonym = defaultdict(list), [], []
    political = political_keys(articles, v, drift_min)
    for a in articles:
        if not well_formed(a) or names_theme(a, theme, v):
            continue
        section = section_of(a, v)
        unrelated = section and not v.main_any.found(a.whole_text) and not v.politics.found(a.whole_text)
        if unrelated and section == "sport" and v.names_club(a.title_text) and any(
                map(v.names_club, a.paragraph_texts)):
            homonym.append(a)
        elif unrelated and not v.clubs.found(a.whole_text):
            far[section].append(a)
        elif a.key in political:
            neighbour.append(a)
    for pool in [*hosts.values(), *far.values(), neighbour, homonym]:
        pool.sort(key=lambda a: a.key)
        rng.shuffle(pool)
    return Pools(dict(hosts), drift_start, dict(far), neighbour, homonym)


_POLITICAL: dict = {}


def political_keys(articles: list[Article], v: Vocabulary, drift_min: int) -> set[int]:
    """Articles that would be hosts of some theme (the source of neighbouring-subject donors)."""
    if drift_min not in _POLITICAL:
        _POLITICAL[drift_min] = {a.key for a in articles if host_candidate(a, v)
                                 and any(host_shape(a, t, v, drift_min) for t in THEMES)}
    return _POLITICAL[drift_min]


class Taken:
    """What a corpus already holds: titles and word 5-grams. An article is refused when
    ``NEAR_DUPLICATE`` of its 5-grams are in the corpus already, or when taking it would put that
    share of an article already there elsewhere too (no wire copy enters after its original)."""

    def __init__(self):
        self.titles: set[str] = set()
        self.owners: dict[str, list[int]] = defaultdict(list)
        self.sizes: dict[int, int] = {}
        self.covered: dict[int, set[str]] = {}   # an article's 5-grams found in others

    def _new_cover(self, a: Article) -> dict[int, set[str]]:
        new = defaultdict(set)
        for g in a.shingles:
            for owner in self.owners.get(g, ()):
                if g not in self.covered[owner]:
                    new[owner].add(g)
        return new

    def fits(self, a: Article) -> bool:
        if normalize(a.title) in self.titles:
            return False
        mine = a.shingles
        if mine and sum(1 for g in mine if g in self.owners) >= NEAR_DUPLICATE * len(mine):
            return False
        return all(len(self.covered[o]) + len(g) < NEAR_DUPLICATE * self.sizes[o]
                   for o, g in self._new_cover(a).items())

    def add(self, a: Article) -> None:
        for owner, grams in self._new_cover(a).items():
            self.covered[owner] |= grams
        self.titles.add(normalize(a.title))
        self.covered[a.key] = {g for g in a.shingles if g in self.owners}
        for g in a.shingles:
            self.owners[g].append(a.key)
        self.sizes[a.key] = max(1, len(a.shingles))


def take(pool: list[Article], taken: Taken, n: int, ok=lambda a: True) -> list[Article]:
    """The first ``n`` articles of a shuffled pool that fit the corpus (removed from the pool)."""
    out = []
    for a in list(pool):
        if len(out) == n:
            break
        if ok(a) and taken.fits(a):
            taken.add(a)
            pool.remove(a)
            out.append(a)
    return out


# ================================================================================ corpus
@dataclass
class Line:
    text: str
    label: str
    kind: str
    position: str = ""
    headline: str = ""
    is_headline: int = 0
    donor: str = ""


@dataclass
class Document:
    lines: list[Line]
    name: str = ""


@dataclass
class Plan:
    """Insert settings for the plain hosts that receive one, balanced over the 12 combinations."""

    kind: str
    position: str
    headline: bool


def insert_plans(n: int, rng: random.Random) -> list[Plan]:
    """``n`` plans cycling through kind, then position, then headline (every 12 plans hold each
    combination once, so the kinds differ by one at most), in a shuffled order."""
    kinds = ("insert_far", "insert_neighbour", "insert_homonym")
    plans = [Plan(kinds[i % 3], ("end", "middle")[i // 3 % 2], i // 6 % 2 == 0) for i in range(n)]
    rng.shuffle(plans)
    return plans


def host_lines(a: Article, kind: str, drift_start: int | None) -> list[Line]:
    lines = [Line(a.title, "core", "core", is_headline=1, donor=a.url)]
    for i, p in enumerate(a.paragraphs):
        k = "core_drift" if drift_start is not None and i >= drift_start else kind
        lines.append(Line(p, "core", k, donor=a.url))
    return lines


def donor_run(donor: Article, length: int, plan: Plan, v: Vocabulary, rng: random.Random) -> list[Line]:
    """``length`` consecutive paragraphs of the donor (from its start under its headline; for a
    homonym donor without its headline a window naming one of the clubs), the headline on top when
    planned."""
    paras = donor.paragraphs
    length = min(length, len(paras))
    starts = [0] if plan.headline else list(range(len(paras) - length + 1))
    if plan.kind == "insert_homonym" and not plan.headline:  # under its headline the title names a club
        clubs = [i for i, t in enumerate(donor.paragraph_texts) if v.names_club(t)]
        starts = [s for s in starts if any(s <= i < s + length for i in clubs)]
    start = rng.choice(starts)
    common = dict(label="insert", kind=plan.kind, position=plan.position,
                  headline="yes" if plan.headline else "no", donor=donor.url)
    block = [Line(donor.title, is_headline=1, **common)] if plan.headline else []
    return block + [Line(p, **common) for p in paras[start:start + length]]


def splice(host: list[Line], block: list[Line], position: str, rng: random.Random) -> list[Line]:
    """Insert the block at the end, or in the middle with 2+ host paragraphs before and after."""
    if position == "end":
        return host + block
    at = rng.randint(3, len(host) - 2)  # host[0] is the headline
    return host[:at] + block + host[at:]


def whole_article(a: Article, kind: str) -> list[Line]:
    return [Line(a.title, "insert", kind, is_headline=1, donor=a.url)] + [
        Line(p, "insert", kind, donor=a.url) for p in a.paragraphs]


def build_corpus(articles: list[Article], theme: str, v: Vocabulary, seed: int, n_hosts: int, n_drift: int,
                 n_short: int, n_unrelated: int, drift_min: int) -> tuple[list[Document], dict]:
    """The documents of one corpus, shuffled and named, and notes on what the data allowed."""
    rng = random.Random(f"{seed}:{theme}")
    pools = build_pools(articles, theme, v, rng, drift_min)
    taken = Taken()
    notes = {"available": {k: len(p) for k, p in sorted(pools.hosts.items())},
             "donors": {"far": {s: len(p) for s, p in sorted(pools.far.items())},
                        "neighbour": len(pools.neighbour), "homonym": len(pools.homonym)}}
    drift = take(pools.hosts.get("core_drift", []), taken, n_drift)  # the scarcest kind first
    plain = take(pools.hosts.get("core", []), taken, n_hosts)
    short = take(pools.hosts.get("core_short", []), taken, n_short)
    if len(plain) < n_hosts:
        print(f"  {theme}: only {len(plain)} plain hosts in the dev split (asked for {n_hosts})")
    docs = [Document(host_lines(a, "core", pools.drift_start.get(a.key))) for a in plain + drift]
    docs += [Document(host_lines(a, "core_short", None)) for a in short]
    notes["hosts"] = [a.url for a in plain + drift + short]
    donors: list[Article] = []

    # Inserts into half of the plain hosts.
    sections = itertools.cycle(sorted(pools.far))
    plans = insert_plans(len(plain) // 2, rng)
    for doc, plan in zip(docs[:len(plain)][::2], plans):
        length = rng.randint(2, 7)
        donor = _donor(pools, plan.kind, taken, sections, min_paragraphs=2)
        donors.append(donor)
        if plan.position == "middle" and len(doc.lines) < 5:
            plan = Plan(plan.kind, "end", plan.headline)
        doc.lines = splice(doc.lines, donor_run(donor, length, plan, v, rng), plan.position, rng)

    # Whole unrelated articles.
    for kind in ("doc_far", "doc_neighbour", "doc_homonym"):
        for _ in range(n_unrelated):
            donor = _donor(pools, "insert_" + kind[4:], taken, sections, min_paragraphs=3, max_paragraphs=12)
            donors.append(donor)
            docs.append(Document(whole_article(donor, kind)))

    rng.shuffle(docs)
    for number, doc in enumerate(docs, start=1):
        doc.name = f"doc_{number:03d}.txt"
    notes["donor_urls"] = [d.url for d in donors]
    notes["checks"] = audit(theme, plain + drift + short, donors, v)
    return docs, notes


def audit(theme: str, hosts: list[Article], donors: list[Article], v: Vocabulary) -> dict:
    """Check the gold's promises again on what was built; stop if one is broken."""
    problems = [f"donor names the theme: {d.url}" for d in donors if names_theme(d, theme, v)]
    if len({d.key for d in donors}) != len(donors):
        problems.append("a donor is used twice")
    problems += [f"host off theme: {h.url}" for h in hosts if not v.theme_title[theme].found(h.title_text)]
    overlap = 0.0
    for i, a in enumerate(hosts + donors):
        others = set().union(*(b.shingles for j, b in enumerate(hosts + donors) if j != i))
        if a.shingles:
            overlap = max(overlap, len(a.shingles & others) / len(a.shingles))
    if overlap >= NEAR_DUPLICATE:
        problems.append(f"near duplicates: {overlap:.0%} of an article's 5-grams elsewhere in the corpus")
    if problems:
        raise SystemExit(f"{theme}: gold checks failed: {problems[:5]}")
    return {"donors": len(donors), "hosts": len(hosts), "max_shared_5grams": round(overlap, 3)}


def _donor(pools: Pools, kind: str, taken: Taken, sections, min_paragraphs: int, max_paragraphs: int = 10 ** 6):
    ok = lambda a: min_paragraphs <= len(a.paragraphs) <= max_paragraphs  # noqa: E731
    if kind == "insert_far":
        for _ in range(len(pools.far)):
            found = take(pools.far[next(sections)], taken, 1, ok)
            if found:
                return found[0]
    else:
        found = take(pools.neighbour if kind == "insert_neighbour" else pools.homonym, taken, 1, ok)
        if found:
            return found[0]
    raise SystemExit(f"not enough {kind} donors left in the dev split")


GOLD_COLUMNS = ["doc", "line", "label", "text", "kind", "position", "headline", "is_headline", "donor"]


def write_corpus(folder: Path, theme: str, docs: list[Document]) -> list[dict]:
    """OUT/<theme>/{articles/*.txt, gold_lines.csv, focus.txt}; returns the gold rows."""
    articles = folder / "articles"
    if articles.exists():
        for old in articles.glob("*.txt"):
            old.unlink()
    articles.mkdir(parents=True, exist_ok=True)
    rows = []
    for doc in docs:
        (articles / doc.name).write_text("\n\n".join(l.text for l in doc.lines) + "\n", encoding="utf-8")
        for i, l in enumerate(doc.lines):
            rows.append({"doc": doc.name, "line": 2 * i + 1, "label": l.label, "text": l.text, "kind": l.kind,
                         "position": l.position, "headline": l.headline, "is_headline": l.is_headline,
                         "donor": l.donor})
    with open(folder / "gold_lines.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, GOLD_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    (folder / "focus.txt").write_text(THEMES[theme].focus + "\n", encoding="utf-8")
    return rows


# ================================================================================ commands
def selected(args) -> list[str]:
    return list(args.themes) if args.themes else list(SPLITS[args.split])


def cmd_build(args) -> int:
    out = Path(args.out)
    print(f"loading {DEV_SPLIT} ...", flush=True)
    articles = load_articles(DEV_SPLIT)
    v = Vocabulary()
    previous = _family(out)
    against = _family(Path(args.against)) if args.against else None
    family = previous if previous and previous.get("seed") == args.seed else {"seed": args.seed, "themes": {}}
    family["options"] = {k: getattr(args, k) for k in ("hosts", "drift", "short", "unrelated", "drift_min_paragraphs")}
    for theme in selected(args):
        docs, notes = build_corpus(articles, theme, v, args.seed, args.hosts, args.drift, args.short, args.unrelated,
                                   args.drift_min_paragraphs)
        rows = write_corpus(out / theme, theme, docs)
        counts = Counter(r["kind"] for r in rows)
        doc_counts = Counter(_doc_kind(r for r in rows if r["doc"] == d.name) for d in docs)
        family["themes"][theme] = {"documents": len(docs), "lines_by_kind": dict(sorted(counts.items())),
                                   "documents_by_kind": dict(sorted(doc_counts.items())), **notes}
        print(f"\n{theme}: {len(docs)} documents {dict(sorted(doc_counts.items()))} -> {out / theme}")
        print(f"  lines by kind: {dict(sorted(counts.items()))}")
        print(f"  candidates in the dev split: hosts {notes['available']}, donors {notes['donors']}")
        print(f"  gold checks passed: {notes['checks']['donors']} donors, each used once, none naming the theme; "
              f"at most {notes['checks']['max_shared_5grams']:.0%} of an article's word 5-grams found in another")
        other = (against or {}).get("themes", {}).get(theme)
        if other:
            print(f"  shared with the family in {args.against} (seed {against['seed']}): hosts "
                  f"{len(set(other['hosts']) & set(notes['hosts']))} of {len(notes['hosts'])}, donors "
                  f"{len(set(other['donor_urls']) & set(notes['donor_urls']))} of {len(notes['donor_urls'])}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "family.json").write_text(json.dumps(family, ensure_ascii=False, indent=1), "utf-8")
    return 0


def _family(out: Path) -> dict | None:
    path = out / "family.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def _doc_kind(rows) -> str:
    kinds = {r["kind"] for r in rows}
    for k in ("doc_far", "doc_neighbour", "doc_homonym"):
        if k in kinds:
            return k
    inserted = sorted(k for k in kinds if k.startswith("insert_"))
    base = "drift" if "core_drift" in kinds else "short" if "core_short" in kinds else "host"
    return base + ("+" + inserted[0][7:] if inserted else "")


# ------------------------------------------------------------------------------ run (CLI)
def replaceable(path: Path) -> bool:
    """What ``--out`` may replace: nothing there, an empty folder, or an earlier run's folder."""
    return (not path.exists() or (path.is_dir() and not any(path.iterdir()))
            or (path / ".toolkit-run.json").is_file() or (path / "manifest.json").is_file())


def cmd_run(args) -> int:
    out = Path(args.out).resolve()
    cache = Path(args.cache_dir).resolve() if args.cache_dir else out / "cache"
    for theme in selected(args):
        folder = out / theme
        target = folder / args.run_name
        if not replaceable(target):
            raise SystemExit(f"{target} exists and is not an earlier run: move it away or pick --run-name")
        focus = (folder / "focus.txt").read_text("utf-8").strip()
        focus_args = [] if args.no_focus else ["--focus", focus]
        command = [str(REPO / ".venv/bin/python"), "-m", "toolkit", "run", str(folder / "articles"),
                   *focus_args, "--out", str(target), "--cache-dir", str(cache), "--quiet"]
        shown = "" if args.no_focus else f" --focus \"$(cat {folder / 'focus.txt'})\""
        print(f"{theme}: {' '.join(command[:4])} {folder / 'articles'}{shown} "
              f"--out {target} --cache-dir {cache} --quiet", flush=True)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=REPO)
        seconds = time.perf_counter() - start
        (folder / f"{args.run_name}_time.json").write_text(json.dumps(
            {"seconds": round(seconds, 1), "returncode": done.returncode}) + "\n", "utf-8")
        print(f"  {seconds:.0f} s, exit {done.returncode}", flush=True)
        if done.returncode:
            return done.returncode
    return 0


# ------------------------------------------------------------------------- fast (in process)
#: The toolkit modules the prepared stages (load, clean, paragraphs, embeddings, topics) depend on.
PREPARED_MODULES = ("load", "segment", "clean", "normalize", "embed", "encoder", "topics", "schema", "params")
STATE_FILE = "bench_state.pkl"


def _digest(paths) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.name).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


#: The functions of toolkit/study/pipeline.py that separate (edited freely between fast calls).
SEPARATION_FUNCTIONS = ("separate_corpus", "_query_task", "_seed_sum_task", "_statistics_task", "_label_task",
                        "map_points")


def _module_file(name: str) -> Path:
    """The file of toolkit module ``name``: in its layer (toolkit/corpus/, model/, findings/,
    study/) or, in a toolkit from before the layers (``--toolkit`` of an older commit), flat."""
    found = sorted((TOOLKIT_ROOT / "toolkit").glob(f"*/{name}.py"))
    return found[0] if found else TOOLKIT_ROOT / "toolkit" / f"{name}.py"


def _pipeline_digest() -> str:
    """toolkit/study/pipeline.py without its separation functions (``ast`` dump, comments aside)."""
    import ast

    tree = ast.parse(_module_file("pipeline").read_text("utf-8"))
    tree.body = [n for n in tree.body if not (isinstance(n, ast.FunctionDef) and n.name in SEPARATION_FUNCTIONS)]
    return hashlib.sha256(ast.dump(tree).encode()).hexdigest()[:16]


def _prepared_key(folder: Path, focus: str, cache: Path) -> dict:
    return {"corpus": _digest(sorted((folder / "articles").glob("*.txt"))), "focus": focus, "cache": str(cache),
            "toolkit": _digest([f for f in map(_module_file, PREPARED_MODULES) if f.exists()]),
            "pipeline": _pipeline_digest()}


def toolkit_version() -> str:
    """The git commit and a digest of the toolkit's modules as they are now (the working tree changes)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=TOOLKIT_ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    digest = _digest(sorted((TOOLKIT_ROOT / "toolkit").rglob("*.py")))
    return f"{TOOLKIT_ROOT}: commit {commit or '(none)'}, toolkit/**/*.py digest {digest}"


def import_toolkit():
    """The toolkit of this checkout, imported by this process: each command is a new process, so
    edits to toolkit/ count at the next call. (Importing it takes ~12 s, BERTopic's share; a
    call on several corpora pays it once.)"""
    import types

    if str(TOOLKIT_ROOT) not in sys.path:
        sys.path.insert(0, str(TOOLKIT_ROOT))
    import importlib

    # A toolkit from before the layer packages (``--toolkit`` DIR of an older commit) is flat.
    layered = (TOOLKIT_ROOT / "toolkit" / "study").is_dir()

    def module(layer: str, name: str):
        return importlib.import_module(f"toolkit.{layer}.{name}" if layered else f"toolkit.{name}")

    embed, params, pipeline = module("model", "embed"), module("study", "params"), module("study", "pipeline")
    open_engine, RunFolder = module("study", "engine").open_engine, module("study", "workspace").RunFolder
    try:
        coverage = module("model", "coverage")
    except ImportError:  # a toolkit from before issue 16
        coverage = None
    return types.SimpleNamespace(embed=embed, params=params, pipeline=pipeline, open_engine=open_engine, coverage=coverage,
                                 RunFolder=RunFolder)


def fast_corpus(folder: Path, cache: Path, refresh: bool, run_name: str = "fast", no_focus: bool = False) -> dict:
    """Prepare/embed/topics once (kept in <run_name>/work/bench_state.pkl), then separate_corpus
    (``no_focus``: as a run without --focus, the coverage decided from the corpus)."""
    import types

    tk = import_toolkit()
    focus = (folder / "focus.txt").read_text("utf-8").strip()
    p = tk.params.resolve({"corpus": str(folder / "articles"), "run_dir": str(folder / run_name), "run_name": run_name,
                           "focus": focus, "cache_dir": str(cache), "gold": None})
    run = tk.RunFolder(p["run_dir"])
    key = _prepared_key(folder, focus, cache)
    state_path = run.work(STATE_FILE)
    state = pickle.loads(state_path.read_bytes()) if state_path.exists() and not refresh else None
    timing = {}
    if state is None or state["key"] != key:
        start = time.perf_counter()
        with tk.open_engine("local") as engine:  # as notebooks 1 and 2 call them
            tk.pipeline.prepare_corpus(p, run, engine)
            tk.pipeline.embed_corpus(p, run, engine)
            embedder, embed_cache = tk.pipeline.focus_embedder(p)
            fitted = tk.pipeline.fit_topics(p, run, engine, embedder)
            focus_vector = tk.embed.embed_texts([focus], embedder, embed_cache)[0][0]
        # Of the topic model, separate_corpus reads the top words (topics.csv); the BERTopic
        # model itself holds the embedder and is not kept.
        model = fitted["model"]
        fitted = dict(fitted, model=types.SimpleNamespace(topic_words_=dict(model.topic_words_), note_=model.note_,
                                                          sizes_=dict(model.sizes_)))
        state = {"key": key, "fitted": fitted, "focus_vector": focus_vector}
        state_path.write_bytes(pickle.dumps(state))
        timing["prepare_s"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    if tk.coverage is None:  # an older toolkit: the focus only
        with tk.open_engine("local") as engine:
            tk.pipeline.separate_corpus(p, run, engine, state["focus_vector"], state["fitted"])
        timing["separate_s"] = round(time.perf_counter() - start, 2)
        return timing
    coverage = tk.coverage.Coverage.given(focus, state["focus_vector"])
    if no_focus:
        coverage = tk.pipeline.find_coverage(dict(p, focus=None), state["fitted"], None, None)
    with tk.open_engine("local") as engine:
        tk.pipeline.separate_corpus(p, run, engine, coverage.focus_vector, state["fitted"], coverage.profile_sample)
    timing["separate_s"] = round(time.perf_counter() - start, 2)
    timing["coverage"] = {k: v for k, v in coverage.record().items() if k != "statement"}
    return timing


def cmd_fast(args) -> int:
    global TOOLKIT_ROOT
    out = Path(args.out).resolve()
    if args.toolkit:
        TOOLKIT_ROOT = Path(args.toolkit).resolve()
    cache = Path(args.cache_dir).resolve() if args.cache_dir else out / "cache"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    start = time.perf_counter()
    tk = import_toolkit()
    # The package's own file, not pipeline.py's: that one moved into toolkit/study/ with the layers.
    package = Path(sys.modules["toolkit"].__file__).resolve()
    if package.parents[1] != TOOLKIT_ROOT:
        raise SystemExit(f"imported {package}, not the toolkit in {TOOLKIT_ROOT}")
    version = toolkit_version()
    print(f"toolkit ({version}) imported in {time.perf_counter() - start:.0f} s", flush=True)
    results = {}
    for theme in selected(args):
        start = time.perf_counter()
        timing = fast_corpus(out / theme, cache, args.refresh, args.run_name, args.no_focus)
        timing["total_s"] = round(time.perf_counter() - start, 1)
        print(f"{theme}: {timing}", flush=True)
        timing["toolkit"] = version
        (out / theme / f"{args.run_name}_time.json").write_text(json.dumps(timing) + "\n", "utf-8")
        results[theme] = score_corpus(out / theme, args.run_name)
    print()
    print_scores(results)
    return 0


# ================================================================================ scoring
CORE_KINDS = ("core", "core_drift", "core_short")
INSERT_KINDS = ("insert_far", "insert_neighbour", "insert_homonym")
DOC_KINDS = ("doc_far", "doc_neighbour", "doc_homonym")


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def joined(folder: Path, run_name: str) -> list[dict]:
    """Gold rows with the predicted label and reason (``<missing>`` without a prediction)."""
    gold = read_csv(folder / "gold_lines.csv")
    pred = {(r["doc"], int(r["line"])): r for r in read_csv(folder / run_name / "tables" / "lines.csv")}
    for g in gold:
        p = pred.get((g["doc"], int(g["line"])))
        g["predicted"] = p["label"] if p else "<missing>"
        g["reason"] = p["reason"] if p else ""
    return gold


def _share(rows, good) -> tuple[float | None, int]:
    rows = list(rows)
    return (sum(1 for r in rows if good(r)) / len(rows) if rows else None), len(rows)


def kept(r) -> bool:
    return r["predicted"] == "core"


def removed(r) -> bool:
    return r["predicted"] not in ("core", "<missing>")


def score_rows(rows: list[dict]) -> dict[str, tuple[float | None, int]]:
    """metric -> (value, number of lines or documents it is computed on)."""
    core = [r for r in rows if r["kind"] in CORE_KINDS]
    runs = [r for r in rows if r["kind"] in INSERT_KINDS]
    body = [r for r in runs if r["is_headline"] != "1"]
    docs = [r for r in rows if r["kind"] in DOC_KINDS]
    m = {"core_retention": _share(core, kept)}
    for k in CORE_KINDS:
        m[f"  {k}"] = _share((r for r in core if r["kind"] == k), kept)
    m["insert_removed"] = _share(runs, removed)
    for k in INSERT_KINDS:
        m[f"  {k}"] = _share((r for r in runs if r["kind"] == k), removed)
    for pos in ("end", "middle"):
        m[f"  at the {pos}"] = _share((r for r in runs if r["position"] == pos), removed)
    m["  run under a headline"] = _share((r for r in body if r["headline"] == "yes"), removed)
    m["  run without headline"] = _share((r for r in body if r["headline"] == "no"), removed)
    m["  the headline lines"] = _share((r for r in runs if r["is_headline"] == "1"), removed)
    by_doc = defaultdict(list)
    for r in docs:
        by_doc[(r["doc"], r["kind"])].append(r)
    whole = {key: sum(map(removed, g)) >= 0.9 * len(g) for key, g in by_doc.items()}
    m["doc_removed (90% of lines)"] = _share(whole.values(), bool)
    for k in DOC_KINDS:
        m[f"  {k}"] = _share((ok for (d, kind), ok in whole.items() if kind == k), bool)
    m["doc_lines_removed"] = _share(docs, removed)
    m["all_insert_removed"] = _share((r for r in rows if r["label"] == "insert"), removed)
    m["kept_precision"] = _share((r for r in rows if kept(r)), lambda r: r["label"] == "core")
    m["missing_predictions"] = (sum(1 for r in rows if r["predicted"] == "<missing>"), len(rows))
    return m


def score_corpus(folder: Path, run_name: str) -> dict:
    return score_rows(joined(folder, run_name))


def print_scores(results: dict[str, dict]) -> None:
    names = list(results)
    metrics = list(next(iter(results.values())))
    width = max(len(m) for m in metrics) + 1
    print(f"{'':{width}}" + "".join(f"{n:>16}" for n in names) + f"{'mean':>8}")
    for metric in metrics:
        cells, values = [], []
        for n in names:
            value, count = results[n][metric]
            if metric == "missing_predictions":
                cells.append(f"{value:>10d}/{count:<5d}")
            elif value is None:
                cells.append(f"{'-':>10} {'':5}")
            else:
                cells.append(f"{value:>10.3f} {'(' + str(count) + ')':5}")
                values.append(value)
        mean = f"{sum(values) / len(values):8.3f}" if values and metric != "missing_predictions" else ""
        print(f"{metric:{width}}" + "".join(cells) + mean)
    print("(n): lines, or documents for doc_removed; mean: unweighted over the corpora that have the case")


def show_errors(folder: Path, run_name: str, n: int) -> None:
    rows = joined(folder, run_name)
    failing = defaultdict(list)
    for r in rows:
        if (r["kind"] in CORE_KINDS and not kept(r)) or (r["label"] == "insert" and not removed(r)):
            failing[r["kind"]].append(r)
    rng = random.Random(0)
    for kind in (*CORE_KINDS, *INSERT_KINDS, *DOC_KINDS):
        errors = failing.get(kind, [])
        if not errors:
            continue
        print(f"  {kind}: {len(errors)} lines wrong; {min(n, len(errors))} of them:")
        for r in sorted(rng.sample(errors, min(n, len(errors))), key=lambda r: (r["doc"], int(r["line"]))):
            flag = " [headline]" if r["is_headline"] == "1" and kind not in CORE_KINDS else ""
            print(f"    {r['doc']}:{r['line']} {r['predicted']}{flag} | {r['reason'][:70]} | {r['text'][:80]}")


def cmd_score(args) -> int:
    out = Path(args.out)
    results = {}
    for theme in selected(args):
        if not (out / theme / args.run_name / "tables" / "lines.csv").exists():
            print(f"{theme}: no {args.run_name}/tables/lines.csv yet", file=sys.stderr)
            continue
        results[theme] = score_corpus(out / theme, args.run_name)
    if not results:
        return 1
    print_scores(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    if args.show_errors:
        for theme in results:
            print(f"\n{theme} ({args.run_name}): lines scored wrong")
            show_errors(out / theme, args.run_name, args.show_errors)
    return 0


def cmd_compare(args) -> int:
    """Whether the fast path labels every line as the full run did."""
    out, status = Path(args.out), 0
    for theme in selected(args):
        a = {(r["doc"], r["line"]): r for r in read_csv(out / theme / "fast/tables/lines.csv")}
        b = {(r["doc"], r["line"]): r for r in read_csv(out / theme / args.run_name / "tables/lines.csv")}
        labels = [k for k in a.keys() | b.keys() if (a.get(k) or {}).get("label") != (b.get(k) or {}).get("label")]
        other = [k for k in a.keys() & b.keys() if (a[k]["reason"], a[k]["topic"], a[k]["score"])
                 != (b[k]["reason"], b[k]["topic"], b[k]["score"])]
        print(f"{theme}: {len(a)} fast / {len(b)} {args.run_name} lines; {len(labels)} labels differ, "
              f"{len(other)} lines differ in reason/topic/score")
        for k in sorted(labels)[:10]:
            print(f"  {k}: fast {a.get(k, {}).get('label')} / {args.run_name} {b.get(k, {}).get('label')}")
        status |= bool(labels)
    return int(status)


def cmd_deltas(args) -> int:
    out = Path(args.out).resolve()
    a, b = args.run_names
    keys = ("core_retention", "insert_removed", "doc_removed (90% of lines)", "kept_precision")
    print(f"{'corpus':12}" + "".join(f"{k[:22]:>30}" for k in keys))
    for theme in selected(args):
        folder = out / theme
        if not all((folder / name / "tables" / "lines.csv").exists() for name in (a, b)):
            print(f"{theme:12} (no {a} or {b} run)")
            continue
        sa, sb = score_rows(joined(folder, a)), score_rows(joined(folder, b))
        cells = []
        for k in keys:
            va, vb = sa[k][0], sb[k][0]
            cells.append(f"{'-':>30}" if va is None or vb is None else f"{va:.3f} -> {vb:.3f} ({vb - va:+.3f})".rjust(30))
        print(f"{theme:12}" + "".join(cells))
    print(f"{a} -> {b}; (difference)")
    return 0


# ================================================================================ main
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name, handler, help_):
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument("out", help="family folder (outside the repository), e.g. /work/bench-sep/seed0")
        p.add_argument("--split", choices=sorted(SPLITS), default="all",
                       help=f"tune = {', '.join(SPLITS['tune'])}; report = {', '.join(SPLITS['report'])}")
        p.add_argument("--themes", nargs="+", choices=SPLITS["all"], help="these themes instead of a split")
        p.set_defaults(handler=handler)
        return p

    b = add("build", cmd_build, "build the corpora of the family from the dev split")
    b.add_argument("--seed", type=int, default=0, help="another seed: another family (other hosts and donors)")
    b.add_argument("--hosts", type=int, default=40, help="plain on-theme hosts per corpus (half get an insert)")
    b.add_argument("--drift", type=int, default=6, help="drifting hosts per corpus (as many as the data has)")
    b.add_argument("--drift-min-paragraphs", type=int, default=6,
                   help="a drifting host has this many paragraphs or more (8 finds drift in 2 themes only)")
    b.add_argument("--short", type=int, default=6, help="short hosts (2-3 paragraphs) per corpus")
    b.add_argument("--against", default=None, metavar="FAMILY",
                   help="another family folder (e.g. seed 0's): print how many hosts and donors both use")
    b.add_argument("--unrelated", type=int, default=2,
                   help="whole unrelated articles per kind (far, neighbour, homonym)")
    for name, handler, help_ in (("run", cmd_run, "run the toolkit's CLI on each corpus (OUT/<theme>/run)"),
                                 ("fast", cmd_fast, "separation only, reusing the prepared stages; then score")):
        p = add(name, handler, help_)
        p.add_argument("--cache-dir", default=None, help="embedding/UMAP cache (default OUT/cache)")
        if name == "fast":
            p.add_argument("--refresh", action="store_true", help="redo the prepared stages")
            p.add_argument("--run-name", default="fast", help="folder name under OUT/<theme>/ (another toolkit: "
                                                              "another name)")
            p.add_argument("--no-focus", action="store_true",
                           help="separate as a run without --focus: the corpus decides its coverage (issue 16); "
                                "use with --run-name nofocus and compare with `deltas`")
            p.add_argument("--toolkit", default=None, metavar="DIR",
                           help="import the toolkit/ of this folder (e.g. `git archive` of an older commit, to "
                                "score a before/after on the same corpora) instead of this checkout's")
        else:
            p.add_argument("--run-name", default="run", help="run folder name under OUT/<theme>/")
            p.add_argument("--no-focus", action="store_true", help="run without --focus (the corpus decides)")
    s = add("score", cmd_score, "score OUT/<theme>/<run-name>/tables/lines.csv against the gold, by kind")
    s.add_argument("--run-name", default="fast", help="fast (the fast path) or run (the full CLI run)")
    s.add_argument("--show-errors", type=int, default=0, metavar="N", help="N sample lines per failing kind")
    s.add_argument("--json", default=None, help="also write the scores to this JSON file")
    d = add("deltas", cmd_deltas, "the main scores of two run names side by side, per corpus (e.g. the run with "
                                  "the focus against the run without: fast / nofocus)")
    d.add_argument("--run-names", nargs=2, default=["fast", "nofocus"], metavar=("A", "B"))
    c = add("compare", cmd_compare, "compare the labels of OUT/<theme>/fast with OUT/<theme>/<run-name>")
    c.add_argument("--run-name", default="run")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
