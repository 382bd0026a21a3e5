"""Arabic text normalizers: small pure ``str -> str`` functions composed into pipelines.

Normalized text feeds matching (duplicates, boilerplate, related-block markers) and the topic
vectorizer only. Embeddings and everything a reader sees use the raw text.

The diacritics and tatweel removed are PyArabic's (a maintained, dependency-free Arabic
library: its ``TASHKEEL`` and ``TATWEEL``); the letter-variant foldings are a few explicit
character maps, kept here so that each is visible and testable on its own. A normalizer that
maps or deletes single characters carries its table (``.table``), and ``compose`` runs a
sequence of such steps as one ``str.translate``: the same result as applying them one by one,
in one pass over the text instead of seven (the topic model's vectorizer normalizes every
paragraph several times; this was 80 of its 214 s on the dev corpus).
"""

from __future__ import annotations

import operator
import re
import unicodedata
from typing import Callable, Iterable

import pyarabic.araby as araby

Normalizer = Callable[[str], str]


def _chars(*ranges: tuple[str, str]) -> list[str]:
    return [chr(c) for lo, hi in ranges for c in range(ord(lo), ord(hi) + 1)]


# Bidi embedding/override/isolate controls, marks and zero-width characters that scraped
# Arabic text carries invisibly; they break exact matching and tokenization.
_INVISIBLE = dict.fromkeys(map(ord, _chars(("\u200b", "\u200f"), ("\u202a", "\u202e"), ("\u2060", "\u2069"),
                                           ("\u061c", "\u061c"), ("\ufeff", "\ufeff"), ("\u00ad", "\u00ad"))))
# Harakat, tanwin, shadda and sukun (PyArabic's TASHKEEL), and the Quranic annotation marks and
# superscript alef it leaves.
_DIACRITICS = dict.fromkeys(map(ord, [*araby.TASHKEEL, *_chars(("\u0610", "\u061a"), ("\u0670", "\u0670"),
                                                               ("\u06d6", "\u06ed"))]))
_TATWEEL = {ord(araby.TATWEEL): None}
_ALEF_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
_YEH_VARIANTS = str.maketrans({"ى": "ي", "ئ": "ي"})
_TEH_MARBUTA = str.maketrans({"ة": "ه"})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PUNCT_OR_SYMBOL = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACES = re.compile(r"\s+")
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_ARABIC_WORD = re.compile("[\u0621-\u064a\u0671-\u06d3]{2,}")
_WORD = re.compile(r"\w+", re.UNICODE)


def _character_map(table: dict, name: str, doc: str) -> Normalizer:
    """A normalizer that maps or deletes single characters, carrying its ``table``. Alone, a
    deletion runs as a regular-expression substitution (far faster than ``str.translate`` on
    text that has none of the characters, the usual case)."""
    if all(value is None for value in table.values()):
        deleted = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(table)) + "]")

        def normalizer(text: str) -> str:
            return deleted.sub("", text)
    else:
        def normalizer(text: str) -> str:
            return text.translate(table)

    normalizer.__name__ = normalizer.__qualname__ = name
    normalizer.__doc__ = doc
    normalizer.table = table  # type: ignore[attr-defined]
    return normalizer


strip_invisible = _character_map(_INVISIBLE, "strip_invisible",
                                 "Remove bidi controls, zero-width characters, BOMs and soft hyphens.")
strip_diacritics = _character_map(_DIACRITICS, "strip_diacritics",
                                  "Remove harakat, shadda, sukun and Quranic marks (PyArabic's plus the extra marks).")
strip_tatweel = _character_map(_TATWEEL, "strip_tatweel", "Remove the kashida (tatweel) used to stretch words.")
fold_alef = _character_map(_ALEF_VARIANTS, "fold_alef", "Fold hamzated and madda alef forms (أ إ آ ٱ) to bare alef.")
fold_yeh = _character_map(_YEH_VARIANTS, "fold_yeh", "Fold alef maqsura and yeh with hamza to yeh (ى ئ -> ي).")
fold_teh_marbuta = _character_map(_TEH_MARBUTA, "fold_teh_marbuta",
                                  "Fold teh marbuta to heh (ة -> ه), the usual spelling variation in news text.")
western_digits = _character_map(_DIGITS, "western_digits", "Map Arabic-Indic and Persian digits to 0-9.")


def unicode_nfkc(text: str) -> str:
    """NFKC: presentation forms (ﻻ, ﷲ...) and full-width characters to their base letters."""
    return unicodedata.normalize("NFKC", text)


def strip_punctuation(text: str) -> str:
    """Replace punctuation and symbols (Arabic and Latin) with spaces."""
    return _PUNCT_OR_SYMBOL.sub(" ", text)


def collapse_spaces(text: str) -> str:
    """Collapse runs of whitespace to one space and trim."""
    return _SPACES.sub(" ", text).strip()


def lowercase(text: str) -> str:
    """Lower-case the Latin parts (Arabic has no case)."""
    return text.lower()


def _then(first: dict, second: dict) -> dict:
    """The translate table of ``first`` followed by ``second``."""
    out = {}
    for code, value in first.items():
        text = "" if value is None else (chr(value) if isinstance(value, int) else value)
        result = text.translate(second)
        out[code] = result if result else None
    for code, value in second.items():
        out.setdefault(code, value)
    return out


def _fused(steps: tuple) -> list[Normalizer]:
    """``steps`` with each run of character maps replaced by one map (same result, one pass)."""
    flat = [s for step in steps for s in getattr(step, "steps", (step,))]
    out: list = []
    for step in flat:
        table = getattr(step, "table", None)
        if table is not None and out and isinstance(out[-1], dict):
            out[-1] = _then(out[-1], table)
        else:
            out.append(dict(table) if table is not None else step)
    return [operator.methodcaller("translate", s) if isinstance(s, dict) else s for s in out]


class Composed:
    """Normalizers run left to right (what ``compose`` returns): a ``str -> str`` callable
    that pickles by its steps, so a model holding one (the topic model's vectorizer) can be
    kept whole in the stage cache (``toolkit.study.stage_cache``)."""

    __slots__ = ("steps", "_run")

    def __init__(self, steps: tuple):
        self.steps = steps
        self._run = tuple(_fused(steps))

    def __call__(self, text: str) -> str:
        for step in self._run:
            text = step(text)
        return text

    def __reduce__(self):
        return compose, tuple(self.steps)

    def __repr__(self) -> str:
        return f"compose({', '.join(getattr(s, '__name__', repr(s)) for s in self.steps)})"


def compose(*steps: Normalizer) -> Normalizer:
    """Compose normalizers left to right into one ``str -> str`` callable (``.steps``: the
    normalizers given; consecutive character maps run as one)."""
    return Composed(steps)


#: Orthographic normalization: what two spellings of the same word should agree on.
normalize_arabic: Normalizer = compose(
    unicode_nfkc,
    strip_invisible,
    strip_diacritics,
    strip_tatweel,
    fold_alef,
    fold_yeh,
    fold_teh_marbuta,
    western_digits,
    lowercase,
)

#: Key for matching lines (duplicates, patterns, cross-document repeats): orthography plus
#: punctuation removed, so "موسكو وبيونج يانج.." and "موسكو وبيونج يانج:" agree.
match_key: Normalizer = compose(normalize_arabic, strip_punctuation, collapse_spaces)


def arabic_letter_counts(text: str) -> tuple[int, int]:
    """``(Arabic letters, letters)`` in ``text``."""
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if _ARABIC_LETTER.match(c)), len(letters)


def arabic_letter_ratio(text: str) -> float:
    """Share of the letters in ``text`` that are Arabic (0 when it has no letters)."""
    arabic, letters = arabic_letter_counts(text)
    return arabic / letters if letters else 0.0


def count_words(text: str) -> int:
    """Number of word tokens (letters/digits runs) in ``text``."""
    return len(_WORD.findall(text))


def count_arabic_words(text: str) -> int:
    """Number of Arabic words of two or more letters."""
    return len(_ARABIC_WORD.findall(strip_diacritics(strip_tatweel(text))))


def normalize_terms(terms: Iterable[str]) -> list[str]:
    """Normalize a word list (e.g. stop words) the way the vectorizer normalizes text."""
    return sorted({match_key(t) for t in terms if match_key(t)})
