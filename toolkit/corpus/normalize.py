"""Arabic text normalizers: small pure ``str -> str`` functions composed into pipelines.

Normalized text feeds matching (duplicates, boilerplate, related-block markers) and the topic
vectorizer only. Embeddings and everything a reader sees use the raw text.

Diacritics and tatweel are stripped with PyArabic (a maintained, dependency-free Arabic
library); the letter-variant foldings are a few explicit character maps, kept here so that
each is visible and testable on its own.
"""

from __future__ import annotations

import re
import unicodedata
from functools import reduce
from typing import Callable, Iterable

import pyarabic.araby as araby

Normalizer = Callable[[str], str]

# Bidi embedding/override/isolate controls, marks and zero-width characters that scraped
# Arabic text carries invisibly; they break exact matching and tokenization.
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2069\u061c\ufeff\u00ad]"
)
# Quranic annotation marks and superscript alef, not covered by strip_tashkeel.
_EXTRA_MARKS = re.compile("[\u0610-\u061a\u0670\u06d6-\u06ed]")
_ALEF_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
_YEH_VARIANTS = str.maketrans({"ى": "ي", "ئ": "ي"})
_TEH_MARBUTA = str.maketrans({"ة": "ه"})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PUNCT_OR_SYMBOL = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACES = re.compile(r"\s+")
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_ARABIC_WORD = re.compile("[\u0621-\u064a\u0671-\u06d3]{2,}")
_WORD = re.compile(r"\w+", re.UNICODE)


def strip_invisible(text: str) -> str:
    """Remove bidi controls, zero-width characters, BOMs and soft hyphens."""
    return _INVISIBLE.sub("", text)


def strip_diacritics(text: str) -> str:
    """Remove harakat, shadda, sukun and Quranic marks (PyArabic plus the extra marks)."""
    return _EXTRA_MARKS.sub("", araby.strip_tashkeel(text))


def strip_tatweel(text: str) -> str:
    """Remove the kashida (tatweel) used to stretch words."""
    return araby.strip_tatweel(text)


def fold_alef(text: str) -> str:
    """Fold hamzated and madda alef forms (أ إ آ ٱ) to bare alef."""
    return text.translate(_ALEF_VARIANTS)


def fold_yeh(text: str) -> str:
    """Fold alef maqsura and yeh with hamza to yeh (ى ئ -> ي)."""
    return text.translate(_YEH_VARIANTS)


def fold_teh_marbuta(text: str) -> str:
    """Fold teh marbuta to heh (ة -> ه), the usual spelling variation in news text."""
    return text.translate(_TEH_MARBUTA)


def western_digits(text: str) -> str:
    """Map Arabic-Indic and Persian digits to 0-9."""
    return text.translate(_DIGITS)


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


def compose(*steps: Normalizer) -> Normalizer:
    """Compose normalizers left to right into one ``str -> str`` function."""

    def pipeline(text: str) -> str:
        return reduce(lambda acc, step: step(acc), steps, text)

    pipeline.steps = steps  # type: ignore[attr-defined]
    return pipeline


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
