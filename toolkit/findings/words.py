"""Words of running Arabic text, as the findings read them: tokens with their offsets and the
gap before each, and a word's readings with and without a proclitic (و، ف، ب، ل، ك).

Shared by ``actors``, ``claims`` and ``quotations``; pure functions, cached where every token
passes through them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..corpus.normalize import normalize_arabic, strip_diacritics, strip_invisible, strip_tatweel
from ..resources import load_yaml

# A word: letters with their diacritics and tatweel, hyphen-joined parts kept together
# (دايز-بيرغون). Digits and punctuation separate words.
_LETTER = r"[^\W\d_]|[\u064b-\u065f\u0670\u0640]"
WORD = re.compile(rf"(?:{_LETTER})+(?:-(?:{_LETTER})+)*")
# Proclitics a name can carry in running text (و بوتين، لبوتين، وللولايات -> الولايات).
PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك")
OPEN_QUOTES = "«“\"'‘"
CLOSE_QUOTES = "»”\"'’"
TRANSPARENT = "()[]«»“”\"'‘’"  # brackets and quotes do not break a name: الرئيس (جو) بايدن


def speech_verbs() -> set[str]:
    """Verbs of speech (``resources/attribution.yml``), normalized: never a word of a name."""
    return {normalize_arabic(str(w)) for w in load_yaml("attribution.yml").get("verbs") or []}


@dataclass
class Token:
    start: int  # offset in the line
    end: int
    surface: str  # without diacritics, tatweel, invisible marks
    key: str  # normalize_arabic(surface)
    gap: str  # raw text between the previous word and this one


def is_speech_verb(key: str, verbs) -> bool:
    """Whether a normalized word is one of ``verbs``, bare or with و/ف (قال، وقال، فأكد)."""
    return key in verbs or (key[:1] in "وف" and key[1:] in verbs)


@lru_cache(maxsize=1 << 18)
def word_key(word: str) -> str:
    """``normalize_arabic`` of one word, cached: a corpus repeats its words, and normalization
    is most of tokenizing."""
    return normalize_arabic(word)


@lru_cache(maxsize=1 << 18)
def _surface_and_key(word: str) -> tuple[str, str]:
    """A word as shown (no diacritics, tatweel or invisible marks) and its normalized key."""
    surface = strip_invisible(strip_tatweel(strip_diacritics(word)))
    return surface, word_key(surface)


def tokenize(text: str) -> list[Token]:
    tokens, last = [], 0
    for m in WORD.finditer(text):
        surface, key = _surface_and_key(m.group())
        tokens.append(Token(m.start(), m.end(), surface, key, text[last:m.start()]))
        last = m.end()
    return tokens


def plain_gap(gap: str) -> bool:
    """Only spaces (and brackets/quotes) between two words of one name."""
    return gap == " " or not gap.strip(" \t" + TRANSPARENT)


def comma_gap(gap: str) -> bool:
    return gap.strip(" \t" + TRANSPARENT) in (",", "،")


@lru_cache(maxsize=1 << 18)
def readings(key: str) -> tuple[tuple[str, int, bool], ...]:
    """Readings of a word: as written, and without a proclitic. Each is (form, letters cut from
    the front, whether the article's alef was restored: للولايات -> الولايات). Cached: every
    pass over the tokens reads each word's forms."""
    forms = [(key, 0, False)]
    for p in PROCLITICS:
        if key.startswith(p) and len(key) - len(p) >= 2:
            rest = key[len(p):]
            if p.endswith("ل") and rest.startswith("ل"):
                forms.append(("ا" + rest, len(p), True))
            forms.append((rest, len(p), False))
    return tuple(forms)


def mention_surface(tokens: list[Token], cut: int, alef: bool) -> str:
    """The words of a mention as written, without the proclitic cut from the first word."""
    text = " ".join(t.surface for t in tokens)
    if cut >= len(tokens[0].surface):
        return text
    return ("ا" if alef else "") + text[cut:]
