"""Numeric claims: every quantity the coverage states, with its unit and who says it.

Contract in: the coverage lines (``doc``, ``line``, ``start``, ``text``) and the actor mentions
(``schema.ACTOR_MENTIONS``) for speakers. Out: ``schema.CLAIMS``, one row per quantity with its
character offsets in the document.

What counts as a number: digits in Western or Arabic-Indic form with either thousands separator
(10,000 / ١٠٬٠٠٠), a multiplier word (10 آلاف، 1.5 مليون), Arabic number words (عشرة آلاف،
خمسة وعشرون، ثلاثمئة، ألفين), ranges (10,000 إلى 12,000؛ بين 10 و12 ألفا) and vague
quantities (عشرات الآلاف = 10,000–99,999). Dates (Gregorian, Levantine and Hijri months; a year
with its era mark: 1436 هـ، 2015م), years, clock times, article/resolution numbers, ordinals and
session numbers (الدورة الـ30، الجولة 12) and numbers inside Latin tokens (F-16) are not claims
of a quantity and are skipped (``skipped_`` counts them by reason).

The unit is the counted noun after the number (skipping من and quotes); its kind comes from
``resources/claim_units.yml``; «في المائة» / «بالمئة» / % make a percentage. A number with no noun
of its own takes the unit of an earlier number of the same sentence only when it is a part of
that quantity, which Arabic marks with a partitive: «من أصل عشرة آلاف جندي ... ثمة 8 آلاف»,
«أصيب 30 شخصا، بينهم 4 ...» (منهم، منها، بينهم، بينها, and not more than the whole). «على الأقل»
after (or before) a number, like «ما لا يقل عن» before it, makes it ``at_least``. Every word list
is compared in the form ``normalize.normalize_arabic`` gives (مائة -> مايه, مئة -> ميه).

The speaker is the subject of the last attribution verb before the number
(``resources/attribution.yml``): the actor named between the verb and إن/أن/«:», else the words
there (an addressee with لل — قال للصحفيين — is not the subject), else the actor just before the
verb (بلينكن ... حيث قال إن), else the source after بحسب/وفق; a verb with no subject (وأضاف:)
continues the document's previous speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from ..corpus.normalize import normalize_arabic, western_digits
from ..resources import load_yaml
from ..schema import CLAIMS
from .words import WORD, is_speech_verb, readings, word_key

_DIGITS = re.compile(r"\d+(?:[,٬.٫]\d+)*")
_LATIN_ADJACENT = re.compile(r"[A-Za-z]")

UNITS = {"واحد": 1, "واحده": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاث": 3, "ثلاثه": 3,
         "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7,
         "ثماني": 8, "ثمانيه": 8, "ثمان": 8, "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10}
TENS = {"عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40,
        "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
        "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90}
HUNDREDS = {"ميه": 100, "مائه": 100, "مئه": 100, "مءه": 100, "ميتان": 200, "ميتين": 200, "مايتان": 200,
            "مايتين": 200, "مئتان": 200, "مئتين": 200}
for _w, _v in (("ثلاث", 3), ("اربع", 4), ("خمس", 5), ("ست", 6), ("سبع", 7), ("ثمان", 8), ("تسع", 9)):
    for _h in ("ميه", "مائه", "مئه"):
        HUNDREDS[_w + _h] = _v * 100
MULTIPLIERS = {"الف": 1e3, "الفا": 1e3, "الاف": 1e3, "الفين": 2e3, "الفان": 2e3, "مليون": 1e6, "مليونا": 1e6,
               "ملايين": 1e6, "مليونين": 2e6, "مليار": 1e9, "مليارا": 1e9, "مليارات": 1e9, "بليون": 1e9,
               "تريليون": 1e12}
# Vague quantities: (lower, upper) of the word alone; a multiplier after it scales both.
VAGUE = {"عشرات": (10, 99), "العشرات": (10, 99), "مئات": (100, 999), "المئات": (100, 999), "ميات": (100, 999),
         "الاف": (1000, 9999), "الالاف": (1000, 9999), "ملايين": (1e6, 9.99e6), "الملايين": (1e6, 9.99e6),
         "بضعه": (3, 9), "بضع": (3, 9)}


def _normalized(table: dict) -> dict:
    """A word table keyed by the forms normalization really produces (مائة -> مايه, مئات -> ميات):
    tokens are compared after ``normalize_arabic``, so a key it never yields would never match."""
    out = {}
    for word, value in table.items():
        out.setdefault(normalize_arabic(word), value)
    return out


UNITS, TENS, HUNDREDS = _normalized(UNITS), _normalized(TENS), _normalized(HUNDREDS)
MULTIPLIERS, VAGUE = _normalized(MULTIPLIERS), _normalized(VAGUE)
# «في المائة» / «في المئة» (two words) and «بالمائة» / «بالمئة» (one): a percentage.
PERCENT_AFTER_FI = {normalize_arabic(w) for w in ("المائة", "المئة", "المية")}
PERCENT_WORDS = {normalize_arabic(w) for w in ("بالمائة", "بالمئة", "بالمية")}
# A part of an earlier quantity: «من أصل» before the whole, «منهم»/«بينهم» before the part.
WHOLE_MARKERS = [tuple(normalize_arabic(w).split()) for w in ("من أصل", "أصل")]
PART_MARKERS = [tuple(normalize_arabic(w).split()) for w in
                ("من بينهم", "من بينها", "منهم", "منها", "بينهم", "بينها", "ومنهم", "وبينهم", "ومنها", "وبينها")]
AT_LEAST_AFTER = tuple(normalize_arabic(w) for w in ("على", "الأقل"))
MONTHS = {normalize_arabic(m) for m in (
    "يناير فبراير مارس أبريل إبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر "
    "كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين").split()}
# The Hijri calendar: its months (one word each, the first of ربيع الأول، جمادى الآخرة، ذو القعدة;
# صفر "zero" only after a number) and the era marks after a year (1436 هـ، 1436 هجرية، 2015م).
HIJRI_MONTHS = {normalize_arabic(m) for m in "محرم صفر ربيع جمادى رجب شعبان رمضان شوال".split()}
HIJRI_MONTHS |= {normalize_arabic(w) for w in "ذو ذي".split()}  # ذو القعدة، ذو الحجة
ERA_MARKS = {normalize_arabic(w) for w in "هـ ه هجرية هجري للهجرة الهجري الهجرية م ميلادية ميلادي للميلاد".split()}
# An ordinal or a session's number, not a quantity: «الدورة الـ30»، «الذكرى الـ70»، «الجولة 12».
ORDINAL_WORDS = {normalize_arabic(w) for w in (
    "الـ ال الدورة دورة الجلسة جلسة النسخة نسخة الطبعة طبعة الحلقة حلقة الجولة جولة العدد "
    "المرتبة المركز الذكرى القمة الموسم الأسبوع الفصل الباب الجزء").split()}
YEAR_WORDS = {normalize_arabic(w) for w in "عام العام سنة السنة لعام".split()}
REFERENCE_WORDS = {normalize_arabic(w) for w in ("المادة مادة رقم الرقم البند بند الفقرة فقرة القرار قرار الساعة "
                                                  "صفحة الصفحة مقاس الرمز رمز هاتف الهاتف جوال الجوال فاكس الفاكس "
                                                  "تحويلة واتساب").split()}
# A number that names rather than counts: a phone number, an account or a code (a long run of digits
# with no thousands separator, or one opening with 0), a model or code after a Latin word (Stc 635031),
# and the sides of a size (4 x 6، 6في4).
_IDENTIFIER_DIGITS = 8
_LATIN_WORD_BEFORE = re.compile(r"[A-Za-z]{2,}\s*$")
_SIZE_JOINT = re.compile(r"^\s*[xX×*]\s*$")
_SIZE_WORDS = {"x", "X", "في"}
# The ordinal units (and the article's cardinal الأحد) that make a compound number with عشر/عشرة
# (الحادي عشر، الثانية عشرة، الأبيات الأحد عشر): an age, a rank or a count, read as its number.
ORDINAL_UNITS = _normalized({"الحادي": 1, "الحادية": 1, "الأحد": 1, "الإحدى": 1, "الثاني": 2, "الثانية": 2, "الثالث": 3, "الثالثة": 3,
                             "الرابع": 4, "الرابعة": 4, "الخامس": 5, "الخامسة": 5, "السادس": 6, "السادسة": 6,
                             "السابع": 7, "السابعة": 7, "الثامن": 8, "الثامنة": 8, "التاسع": 9, "التاسعة": 9})
QUALIFIERS = [(tuple(normalize_arabic(w).split()), name) for w, name in (  # words before the number
    ("ما يصل إلى", "up_to"), ("ما يقارب", "about"), ("ما يقرب من", "about"),
    ("ما لا يقل عن", "at_least"), ("لا يقل عن", "at_least"), ("على الأقل", "at_least"),
    ("ما يزيد على", "more_than"), ("ما يزيد عن", "more_than"), ("أكثر من", "more_than"),
    ("أزيد من", "more_than"), ("أقل من", "less_than"), ("نحو", "about"), ("حوالي", "about"),
    ("قرابة", "about"), ("زهاء", "about"), ("حتى", "up_to"),
    ("يزيد على", "more_than"), ("يزيد عن", "more_than"), ("تزيد على", "more_than"), ("تزيد عن", "more_than"),
    ("يتجاوز", "more_than"), ("تتجاوز", "more_than"), ("تجاوز", "more_than"), ("تجاوزت", "more_than"),
    ("يفوق", "more_than"), ("تفوق", "more_than"), ("يقارب", "about"), ("تقارب", "about"),
)]


def load_units(path: str | Path | None = None) -> tuple[dict[str, str], set[str]]:
    """Counted noun (normalized, without ال) -> kind of quantity; and the words that are never a
    unit (``not_units``)."""
    data = yaml.safe_load(Path(path).read_text("utf-8")) if path else load_yaml("claim_units.yml")
    units: dict[str, str] = {}
    for kind, words in (data or {}).items():
        if kind == "not_units":
            continue
        for w in words or []:
            key = normalize_arabic(str(w))
            key = key[2:] if key.startswith("ال") and len(key) > 3 else key
            units.setdefault(key, kind)
    return units, {normalize_arabic(str(w)) for w in (data or {}).get("not_units") or []}


_SENTENCE_END = re.compile(r"[.!?؟؛;]\s")


@lru_cache(maxsize=1 << 14)
def _ends_sentence(gap: str) -> bool:
    """Whether the gap before a token closes a sentence (a stop and a space; not an ellipsis).
    Cached: a corpus's gaps are a few hundred strings (" ", "، ", ". ")."""
    return bool(_SENTENCE_END.search(gap + " ")) and ".." not in gap


@dataclass
class _Tok:
    start: int
    end: int
    kind: str  # "num" (digits), "word", "pct"
    key: str  # normalized word, or the digits
    surface: str
    gap: str


def _tokens(text: str) -> list[_Tok]:
    """Words and digit runs of a line, in order, with offsets (Arabic-Indic digits read as 0-9)."""
    western = western_digits(text)  # one character per character: offsets stay valid
    spans = [(m.start(), m.end(), "num") for m in _DIGITS.finditer(western)]
    spans += [(m.start(), m.end(), "word") for m in WORD.finditer(text)]
    spans += [(m.start(), m.end(), "pct") for m in re.finditer("[%٪]", text)]
    out, last = [], 0
    for s, e, kind in sorted(spans):
        if s < last:
            continue
        key = western[s:e] if kind == "num" else ("%" if kind == "pct" else word_key(text[s:e]))
        out.append(_Tok(s, e, kind, key, text[s:e], text[last:s]))
        last = e
    return out


def _digits_value(raw: str, multiplied: bool) -> float | None:
    parts = re.split(r"[,٬.٫]", raw)
    seps = re.findall(r"[,٬.٫]", raw)
    if not seps:
        return float(raw)
    if all(s in ",٬" for s in seps) and all(len(p) == 3 for p in parts[1:]):
        return float("".join(parts))
    if len(seps) == 1 and seps[0] in ".٫" and not (len(parts[1]) == 3 and not multiplied):
        return float(raw.replace("٫", "."))
    if all(s == "." for s in seps) and all(len(p) == 3 for p in parts[1:]):
        return float("".join(parts))  # 10.000 written with a dot for thousands
    return None


def _word_number(toks: list[_Tok], i: int) -> tuple[float, int] | None:
    """An Arabic number word phrase starting at ``i`` (without its multiplier): (value, tokens)."""
    total, j, expect_and = 0.0, i, False
    first = toks[i].key if i < len(toks) else ""
    if toks[i:i + 1] and toks[i].kind == "word" and first in ORDINAL_UNITS and i + 1 < len(toks) \
            and toks[i + 1].key in ("عشر", "عشره"):
        return ORDINAL_UNITS[first] + 10, 2  # في الثانية عشرة من عمره: twelve
    while j < len(toks) and toks[j].kind == "word":
        key = toks[j].key
        if j == i and not (UNITS.get(key) or TENS.get(key) or HUNDREDS.get(key)):
            # a proclitic on the first word: لأربعة عقود، وخمسة متطرفين، بثلاثة
            # (a stem of three letters or more: لست "I am not" is no six)
            key = next((f for f, _, _ in readings(key)[1:]
                        if len(f) >= 3 and (UNITS.get(f) or TENS.get(f) or HUNDREDS.get(f))), key)
        if expect_and:
            if not key.startswith("و") or (j > i and not toks[j].gap.strip() == ""):
                break
            key = key[1:]
        value = UNITS.get(key) or TENS.get(key) or HUNDREDS.get(key)
        if value is None:
            if key in ("عشر", "عشره") and j > i:  # ثلاثة عشر: 13
                total += 10
                j += 1
                continue
            break
        total += value
        j += 1
        expect_and = True
    return (total, j - i) if j > i else None


class _Mentions(list):
    """A line's mentions as (start, end, name, kind), sorted by start, with ``starts``."""

    starts: list


class ClaimExtractor:
    """Find numeric claims (scikit-learn style; ``fit`` does the work).

    Parameters
    ----------
    units : path of a units YAML (None: ``resources/claim_units.yml``).
    attribution : path of an attribution YAML (None: ``resources/attribution.yml``).
    carry_lines : a verb with no subject continues the previous speaker for this many lines.

    Attributes: ``claims_`` (``schema.CLAIMS``), ``skipped_`` (counts of numbers not taken as
    claims, by reason: date, year, time, reference, latin).
    """

    def __init__(self, units=None, attribution=None, carry_lines=3):
        self.units = units
        self.attribution = attribution
        self.carry_lines = carry_lines

    def fit(self, lines: pd.DataFrame, mentions: pd.DataFrame | None = None) -> "ClaimExtractor":
        from ..model.topics import arabic_stop_words

        self._units, self._not_units = load_units(self.units)
        self._stop = set(arabic_stop_words())
        att = yaml.safe_load(Path(self.attribution).read_text("utf-8")) if self.attribution \
            else load_yaml("attribution.yml")
        self._verbs = {normalize_arabic(w) for w in att.get("verbs", [])}
        self._according = [tuple(normalize_arabic(w).split()) for w in att.get("according_to", [])]
        self._complementizers = {normalize_arabic(w) for w in att.get("complementizers", [])}
        self._documents = {normalize_arabic(w) for w in att.get("documents", [])}
        context = load_yaml("claim_context.yml")
        self._casualty = {normalize_arabic(str(w)): kind for kind, words in (context.get("casualty") or {}).items()
                          for w in words}
        self._party = {normalize_arabic(str(w)): kind for kind, words in (context.get("party") or {}).items()
                       for w in words}
        self._hedges = [tuple(normalize_arabic(str(w)).split()) for w in context.get("hedges") or []]
        self._hedge_firsts = {words[0] for words in self._hedges if words}
        self.skipped_ = {}
        by_line = {}
        if mentions is not None and len(mentions):
            # Plain tuples per line: a speaker lookup is a short list scan, not a DataFrame filter.
            ordered = mentions.sort_values(["doc", "line", "start"])
            for doc, line, start, end, name, kind in ordered[["doc", "line", "start", "end", "name", "kind"]].itertuples(
                    index=False):
                by_line.setdefault((doc, int(line)), _Mentions()).append((int(start), int(end), name, kind))
            for group in by_line.values():
                group.starts = [m[0] for m in group]
        rows = []
        last_speaker: dict[str, tuple[int, str]] = {}
        for row in lines.sort_values(["doc", "line"]).itertuples(index=False):
            line_mentions = by_line.get((row.doc, int(row.line)))
            found, speaker_here = self._line_claims(row.text, int(row.start), line_mentions,
                                                    last_speaker.get(row.doc), int(row.line))
            for claim in found:
                rows.append({"doc": row.doc, "line": int(row.line), **claim})
            if speaker_here:
                last_speaker[row.doc] = (int(row.line), speaker_here)
        table = pd.DataFrame(rows, columns=list(CLAIMS.columns))
        self.claims_ = CLAIMS.check(table.astype({"line": "int64", "start": "int64", "end": "int64",
                                                  "value": "float64", "value_max": "float64"}), "claims.fit")
        return self

    # ------------------------------------------------------------------ one line
    def _skip(self, reason: str) -> None:
        self.skipped_[reason] = self.skipped_.get(reason, 0) + 1

    def _line_claims(self, text, offset, mentions, previous, line_no):
        toks = _tokens(text)
        claims, i = [], 0
        whole = None  # (unit, kind, value, sentence start, first token) of the last claim with a unit
        while i < len(toks):
            parsed = self._number_at(text, toks, i)
            if parsed is None:
                i += 1
                continue
            value, value_max, qualifier, first, last, reason = parsed
            if reason:
                self._skip(reason)
                i = last + 1
                continue
            unit, kind, last = self._unit_after(toks, last)
            if kind in ("", "other") and value_max is None and 1900 <= value <= 2100 \
                    and toks[first].kind == "num" and len(toks[first].key) == 4:
                self._skip("year")
                i = last + 1
                continue
            sentence = self._sentence_start(toks, first)
            if not unit:
                if whole and self._part_of(toks, whole, first, value, sentence):
                    unit, kind = whole[0], whole[1]
            else:
                whole = (unit, kind, value, sentence, first)
            q = self._qualifier(toks, first) or self._qualifier_after(toks, last)
            if not (qualifier or q) and claims and self._converts(toks, first, claims[-1]):
                q = claims[-1]["qualifier"]  # بنحو 1.2 مليار دولار (4.5 مليارات ريال): about, both
            casualty, party = self._casualty_of(toks, first, last, sentence, unit)
            claims.append({
                "start": offset + toks[first].start, "end": offset + toks[parsed[4]].end,
                "value": float(value), "value_max": float(value_max) if value_max is not None else float("nan"),
                "qualifier": qualifier or q or "exact", "unit": unit, "quantity": kind if unit else "",
                "speaker": "", "number_text": text[toks[first].start:toks[parsed[4]].end],
                "text": self._sentence_text(toks, text, first), "_token": first, "_last": last,
                "casualty": casualty, "party": party, "hedge": self._hedge(toks, sentence, first),
            })
            i = last + 1
        speaker_line = self._speaker_of_line(toks, text, offset, mentions)
        for claim in claims:
            claim.pop("_last")
            claim["speaker"] = self._speaker(toks, text, offset, mentions, claim.pop("_token"), previous, line_no)
        return claims, speaker_line

    @staticmethod
    def _reference_before(toks, i) -> bool:
        """Whether the number at ``i`` is the label of a reference noun, right before it or before
        its adjectives with the article (الرقم المجاني الموحد 8004411110، المادة 5)."""
        j = i - 1
        for _ in range(3):
            if j < 0 or toks[j].kind != "word":
                return False
            if any(f in REFERENCE_WORDS for f, _, _ in readings(toks[j].key)):
                return True  # بالرمز، ورقم
            if not toks[j].key.startswith("ال") or toks[j + 1].gap.strip() not in ("", "(", "«", '"'):
                return False
            j -= 1
        return False

    @staticmethod
    def _size_sides(toks, i) -> int | None:
        """The last token of a size (4 x 6، 6×4، 6في4) whose first side is the number at ``i``."""
        if i + 1 < len(toks) and toks[i + 1].kind == "num" and _SIZE_JOINT.match(toks[i + 1].gap):
            return i + 1  # 4×6، 4 * 6
        if i + 2 < len(toks) and toks[i + 1].key in _SIZE_WORDS and toks[i + 2].kind == "num" \
                and (toks[i + 1].key != "في" or toks[i + 1].gap == toks[i + 2].gap == ""):
            return i + 2  # 4 x 6; 6في4 written without spaces (6 في 4 may be a ratio)
        return None

    @staticmethod
    def _converts(toks, first, before: dict) -> bool:
        """Whether the number at ``first`` opens a bracket right after the claim ``before`` and
        its unit: the same amount in another currency or unit."""
        end = before["_last"]
        return first == end + 1 and toks[first].gap.strip() == "(" and bool(before["unit"])

    def _number_at(self, text, toks, i):
        """Parse a quantity at token ``i``: (value, value_max, qualifier, first, last, skip_reason)."""
        tok = toks[i]
        before = toks[i - 1] if i else None
        if tok.kind == "num":
            s, e = tok.start, tok.end
            if (s and (_LATIN_ADJACENT.match(text[s - 1]) or text[s - 1] == "-" and s > 1
                       and _LATIN_ADJACENT.match(text[s - 2]))) or (e < len(text) and _LATIN_ADJACENT.match(text[e])):
                return 0, None, None, i, i, "latin"
            if e < len(text) - 1 and text[e] == ":" and text[e + 1].isdigit():
                return 0, None, None, i, i + 1, "time"
            if s and text[s - 1] == ":" and s > 1 and text[s - 2].isdigit():
                return 0, None, None, i, i, "time"
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if (nxt and nxt.key in MONTHS) or any(t.key in MONTHS for t in toks[max(0, i - 2):i]):
                return 0, None, None, i, i, "date"
            if (nxt and nxt.kind == "word" and (nxt.key in HIJRI_MONTHS or nxt.key in ERA_MARKS)) or \
                    (before and before.key in HIJRI_MONTHS - {"صفر", "ذو", "ذي"}):
                return 0, None, None, i, i + (1 if nxt and nxt.key in ERA_MARKS else 0), "date"
            if before and before.key in ORDINAL_WORDS:
                return 0, None, None, i, i, "ordinal"
            size = self._size_sides(toks, i)
            if size:
                return 0, None, None, i, size, "size"
            if before and self._reference_before(toks, i):
                return 0, None, None, i, i, "reference"
            if tok.key.isdigit() and (len(tok.key) >= _IDENTIFIER_DIGITS or len(tok.key) >= 4 and tok.key[0] == "0") \
                    or _LATIN_WORD_BEFORE.search(text[max(0, s - 24):s]):
                return 0, None, None, i, i, "identifier"
            if before and before.key in YEAR_WORDS and len(tok.key) == 4:
                return 0, None, None, i, i, "year"
            j = i + 1
            mult = MULTIPLIERS.get(toks[j].key) if j < len(toks) and toks[j].kind == "word" else None
            value = _digits_value(tok.key, mult is not None)
            if value is None:
                return 0, None, None, i, i, "unreadable"
            last = i
            if mult:
                value, last = value * mult, j
        elif tok.kind == "word":
            key = tok.key
            forms = [f for f, _, _ in readings(key)]
            vague = next((VAGUE[f] for f in forms if f in VAGUE), None)
            if vague:
                lo, hi = vague
                j, last = i + 1, i
                # عشرات الآلاف / مئات الآلاف: the vague count scales the next multiplier.
                if j < len(toks) and toks[j].key in ("الاف", "الالاف", "ملايين", "الملايين"):
                    scale = 1e3 if "الاف" in toks[j].key else 1e6
                    lo, hi, last = lo * scale, hi * scale + (scale - 1), j
                elif key in ("الاف", "ملايين") and before and (before.kind == "num" or before.key in UNITS):
                    return None
                return lo, hi, "vague", i, last, None
            if key in MULTIPLIERS and not (before and (before.kind == "num" or _word_number(toks, i - 1))):
                if key in ("الف", "الفين", "الفان", "مليون", "مليار", "مليونين"):
                    return MULTIPLIERS[key], None, None, i, i, None
                return None
            parsed = _word_number(toks, i)
            if not parsed:
                return None
            value, n = parsed
            if n == 1 and toks[i].key in ("واحد", "واحده"):
                return None  # "one" is as often "one of" as a quantity
            last = i + n - 1
            j = last + 1
            if j < len(toks) and toks[j].key in MULTIPLIERS:
                value, last = value * MULTIPLIERS[toks[j].key], j
        else:
            return None
        # A range: X إلى Y, X - Y, بين X و Y (a multiplier on Y alone applies to X too).
        j = last + 1
        k = None
        if j + 2 < len(toks) and before is not None and before.key == "من" and toks[j].kind == "word" \
                and toks[j + 1].key in ("الي", "حتي") and toks[j + 2].kind == "num" \
                and not any(c in toks[j].gap + toks[j + 1].gap for c in ".,،;؛:"):
            j += 1  # من 10 طبقات إلى 30 طبقة: the counted noun between the bounds
        if j < len(toks):
            if toks[j].kind == "word" and toks[j].key in ("الي", "حتي"):
                k = j + 1
            elif toks[j].kind == "num" and toks[j].gap.strip() in ("-", "–", "—"):
                k = j
            elif toks[j].key == "و" and before is not None and before.key == "بين":
                k = j + 1
        if k is not None and k < len(toks) and toks[k].kind == "num":
            second, end = _digits_value(toks[k].key, False), k
            if second is not None and end + 1 < len(toks) and toks[end + 1].key in MULTIPLIERS:
                m = MULTIPLIERS[toks[end + 1].key]
                end += 1
                if last == i and tok.kind == "num" and value <= second:
                    value *= m  # بين 10 و12 ألفا: both in thousands
                second *= m
            if second is not None and second > value:
                if end + 1 < len(toks) and toks[end + 1].key in MONTHS:
                    return 0, None, None, i, end, "date"  # من 8 إلى 13 أكتوبر
                return value, second, "range", i, end, None
        return value, None, None, i, last, None

    @staticmethod
    def _lookup(table: dict, key: str) -> str:
        """The kind ``key`` reads as in ``table``, as written or without a proclitic."""
        for form, _, _ in readings(key):
            if form in table:
                return table[form]
            if form.startswith("ال") and form[2:] in table:  # الجنود
                return table[form[2:]]
        return ""

    def _casualty_of(self, toks, first, last, sentence, unit: str) -> tuple[str, str]:
        """Casualty kind and party of the quantity spanning ``first..last`` (its unit included):
        the unit itself (30 قتيلا، 5 جنود), the nearest event word before it in its sentence
        (مقتل 30، أصيب 12 شخصا), or a verb right after it (30 مسلحا قتلوا); the party from the
        unit or the من-phrase after it (مقتل 2927 من عناصر تنظيم داعش)."""
        unit_key = normalize_arabic(unit.split()[-1]) if unit else ""  # also a unit carried from the whole
        casualty = self._lookup(self._casualty, unit_key) if unit_key else ""
        for k in range(first - 1, max(sentence, first - 5) - 1, -1):
            if casualty:
                break
            if toks[k].kind == "word":
                casualty = self._lookup(self._casualty, toks[k].key)
        for k in range(last + 1, min(len(toks), last + 3)):
            if casualty:
                break
            if toks[k].kind == "word":
                casualty = self._lookup(self._casualty, toks[k].key)
        party = self._lookup(self._party, unit_key) if unit_key else ""
        k = last + 1
        if not party and k < len(toks) and toks[k].key in ("من", "بين"):
            for m in range(k + 1, min(len(toks), k + 4)):
                party = self._lookup(self._party, toks[m].key)
                if party:
                    break
        return casualty, party

    def _hedge(self, toks, sentence, first) -> str:
        """The first hedge (``claim_context.yml``) in the sentence before the number, normalized.
        قد hedges only before an imperfect verb (قد يصل "may reach"); before a perfect it
        asserts (وقد قتل "and … were killed", قد تم)."""
        keys = [t.key for t in toks[sentence:first + 1]]
        for i in range(len(keys) - 1):
            if self._hedge_firsts.isdisjoint(f for f, _, _ in readings(keys[i])):
                continue  # no hedge opens here (most words): the full check below is the slow part
            for words in self._hedges:
                n = len(words)
                if tuple(keys[i:i + n]) != words and not (n == 1 and any(f == words[0] for f, _, _ in readings(keys[i]))):
                    continue
                if words == ("قد",) and not (keys[i + 1][:1] in "يت" and keys[i + 1] not in ("تم", "تمت")):
                    continue
                return " ".join(words)
        return ""

    def _unit_after(self, toks, last):
        """The counted noun after the number: (surface, kind, index of the last token used)."""
        j = last + 1
        if j < len(toks) and toks[j].kind == "pct":
            return "%", "percent", j
        if j + 1 < len(toks) and toks[j].key == "في" and toks[j + 1].key in PERCENT_AFTER_FI:
            return "%", "percent", j + 1
        if j < len(toks) and toks[j].key in PERCENT_WORDS:
            return "%", "percent", j
        if j < len(toks) and toks[j].key == "من" and j + 1 < len(toks):
            j += 1
        if j >= len(toks) or toks[j].kind != "word" or any(c in toks[j].gap for c in ".،,;؛:؟!"):
            return "", "", last
        key = toks[j].key
        for form, _, _ in readings(key):
            bare = form[2:] if form.startswith("ال") and len(form) > 3 else form
            if bare in self._units:
                return toks[j].surface, self._units[bare], j
        if key in self._stop or key in self._not_units or key in MULTIPLIERS or key in UNITS or key in MONTHS:
            return "", "", last
        return toks[j].surface, "other", j

    def _qualifier(self, toks, first):
        """The qualifier before the number, its first word also with a proclitic (بنحو، وحوالي،
        بأكثر من)."""
        for words, name in QUALIFIERS:
            n = len(words)
            if first >= n and tuple(t.key for t in toks[first - n + 1:first]) == words[1:] \
                    and any(f == words[0] for f, _, _ in readings(toks[first - n].key)):
                return name
        return None

    @staticmethod
    def _qualifier_after(toks, last):
        """«على الأقل» right after the number (and its counted noun): at least."""
        j = last + 1
        if tuple(t.key for t in toks[j:j + 2]) == AT_LEAST_AFTER and \
                not any(c in toks[j].gap for c in ".;؛:؟!"):
            return "at_least"
        return None

    @staticmethod
    def _part_of(toks, whole, first, value, sentence) -> bool:
        """Whether the number at ``first`` (no noun of its own) is a part of the earlier quantity
        ``whole``: same sentence, not larger, and a partitive marks the whole or the part."""
        unit, _, whole_value, whole_sentence, whole_first = whole
        if whole_sentence != sentence or value > whole_value:
            return False
        keys = [t.key for t in toks]

        def preceded(at, markers, reach):
            return any(tuple(keys[k:k + len(m)]) == m for m in markers
                       for k in range(max(0, at - len(m) - reach), at - len(m) + 1))

        return preceded(whole_first, WHOLE_MARKERS, 0) or preceded(first, PART_MARKERS, 1)

    # ------------------------------------------------------------------ speakers
    @staticmethod
    def _within(mentions, lo: int, hi: int) -> list:
        """Mentions starting in [lo, hi): a bisection over the line's sorted starts, since one
        line can be a whole 20 MB article with hundreds of thousands of mentions."""
        if not mentions:
            return []
        return mentions[bisect_left(mentions.starts, lo):bisect_left(mentions.starts, hi)]

    def _is_verb(self, key: str) -> bool:
        return is_speech_verb(key, self._verbs)

    def _subject(self, toks, text, offset, mentions, v, stop):
        """Subject of the verb at ``v``: an actor before the complementizer, else the words there."""
        end = v + 1
        while end < stop and toks[end].key not in self._complementizers and ":" not in toks[end].gap:
            end += 1
        words, addressee = [], False
        for t in toks[v + 1:end]:
            if t.kind != "word":
                continue
            # An addressee phrase (للتلفزيون الرسمي): the لل word and the article words after it.
            addressee = self._addressee(t.key) or (addressee and t.key.startswith("ال") and not t.gap.strip())
            if not addressee and not self._time_word(t.key):
                words.append(t)
        if all(t.key in self._stop for t in words):
            words = []  # لفتت إلى أن، أشار إلى أن: a preposition, no subject (the speaker goes on)
        if mentions and words:
            lo, hi = offset + toks[v].end, offset + (toks[end].start if end < len(toks) else len(text))
            inside = [m for m in self._within(mentions, lo, hi) if m[1] <= hi]
            persons = [m for m in inside if m[3] == "person"]
            if persons:
                return persons[-1][2]
            if inside and (inside[0][0] == offset + words[0].start or len(words) > 8):
                return inside[0][2]  # وزارة الخارجية الأميركية، الثلاثاء، إن
        if words and len(words) <= 8 and end < stop:  # مسؤول في أوكرانيا ... أن
            return text[words[0].start:words[-1].end].strip(" ،,")
        return ""

    @staticmethod
    def _time_word(key: str) -> bool:
        return key in {"اليوم", "امس", "مساء", "صباح", "السبت", "الاحد", "الاثنين", "الثلاثاء", "الاربعاء",
                       "الخميس", "الجمعه", "في", "خلال"}

    @staticmethod
    def _addressee(key: str) -> bool:
        """A word with the preposition لـ and the article (للصحفيين، للصحافة، للتلفزيون): whom the
        words were said to, not who said them; a subject is never governed by a preposition."""
        return key.startswith("لل") and len(key) >= 5

    @classmethod
    def _sentence_text(cls, toks, text, i, limit: int = 600) -> str:
        """The sentence holding token ``i`` (at most ``limit`` characters around it): the claim's
        context. Not the whole line, which in a scraped corpus can be an entire article."""
        start = toks[cls._sentence_start(toks, i)].start
        end = len(text)
        for k in range(i + 1, len(toks)):
            if _ends_sentence(toks[k].gap):
                end = toks[k].start
                break
        if end - start > limit:
            start = max(start, toks[i].start - limit // 2)
            end = min(end, start + limit)
        return text[start:end].strip()

    @staticmethod
    def _sentence_start(toks, i) -> int:
        """First token of the sentence holding token ``i``."""
        for k in range(i, 0, -1):
            if _ends_sentence(toks[k].gap):
                return k
        return 0

    def _speaker(self, toks, text, offset, mentions, i, previous, line_no):
        start = self._sentence_start(toks, i)
        verbs = [v for v in range(start, i) if toks[v].kind == "word" and self._is_verb(toks[v].key)]
        if verbs:
            v = verbs[-1]
            subject = self._subject(toks, text, offset, mentions, v, i)
            if subject:
                return subject
            if mentions:  # بلينكن ... حيث قال إن
                before = [m for m in self._within(mentions, offset + toks[start].start, offset + toks[v].start)
                          if m[1] <= offset + toks[v].start]
                persons = [m for m in before if m[3] == "person"]
                if before:
                    return (persons or before)[-1][2]
            subject = toks[v - 1] if v > start else None  # (the verb's own subject is empty)
            if subject is not None and subject.kind == "word" and toks[v].key[:1] in "يت" and not toks[v].gap.strip():
                noun = subject.key[1:] if subject.key[:1] == "و" and subject.key[1:3] == "ال" else subject.key
                if noun.startswith("ال") and len(noun) >= 5 and noun not in self._stop and not self._time_word(noun):
                    # والباحثون يقولون، والخبراء يرون: the subject before an imperfect verb
                    return subject.surface[1:] if noun != subject.key else subject.surface
            if previous and line_no - previous[0] <= self.carry_lines:
                return previous[1]  # وأضاف: the speaker goes on
        owner = self._document_owner(toks, text, offset, mentions, start, i)
        if owner:
            return owner
        for k in range(i + 1, len(toks)):
            if _ends_sentence(toks[k].gap):
                break  # the sentence ends: بحسب/وفق further on is about something else
            for words in self._according:
                n = len(words)
                if tuple(t.key for t in toks[k:k + n]) == words:
                    rest = k + n + (1 if k + n < len(toks) and toks[k + n].key in ("ل", "لـ") else 0)
                    after = self._within(mentions, offset + toks[k].end, offset + len(text) + 1)
                    if rest < len(toks) and toks[rest].key.startswith("ال") and toks[rest].key[2:] in self._documents \
                            and not (after and after[0][0] == offset + toks[rest].start):
                        return toks[rest].surface  # بحسب التقرير (الذي نقلته وكالة ...): the report says it
                    if after:
                        return after[0][2]
                    span = [t for t in toks[rest:rest + 4] if t.kind == "word"]
                    return " ".join(t.surface for t in span)
        return ""

    def _document_owner(self, toks, text, offset, mentions, start, i) -> str:
        """The body whose document states the figure, named before it in its sentence: «وعرج
        تقرير مؤسسة النقد إلى الإعانات ... بنحو 1.2 مليار دولار». The actor named right after the
        document's noun, else the noun's complement (its words up to the first that has no
        article, the first one aside: مؤسسة النقد)."""
        for k in range(start, i - 1):
            key = toks[k].key
            if toks[k].kind != "word" or not (key in self._documents or key[:1] in "وفب" and key[1:] in self._documents):
                continue
            nxt = toks[k + 1]
            if nxt.kind != "word" or nxt.gap.strip() or nxt.key in self._stop:
                continue
            at = [m for m in self._within(mentions, offset + nxt.start, offset + nxt.end + 1)
                  if m[0] == offset + nxt.start] if mentions else []
            if at:
                return at[0][2]
            words = [nxt]
            for t in toks[k + 2:min(i, k + 5)]:
                if t.kind != "word" or t.gap.strip() or not t.key.startswith("ال") or t.key in self._stop:
                    break
                words.append(t)
            if len(words) >= 2:
                return text[words[0].start:words[-1].end]
        return ""

    def _speaker_of_line(self, toks, text, offset, mentions):
        """The subject of the line's last attribution verb (for a following وأضاف)."""
        verbs = [v for v in range(len(toks)) if toks[v].kind == "word" and self._is_verb(toks[v].key)]
        return self._subject(toks, text, offset, mentions, verbs[-1], len(toks)) if verbs else ""
