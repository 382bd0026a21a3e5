"""Clean: set aside repeats, site chrome and related-articles blocks, deleting nothing.

Contract in and out: ``schema.LINES``. Cleaning only fills ``label`` (``related``,
``boilerplate`` or ``duplicate``) and ``reason`` for the lines it sets aside; kept lines keep
an empty label and go on to segmentation, embedding and separation.

Signals are general, not tied to one site:

- **related**: a short line that is a related-articles marker (``مقالات ذات صلة``, ``اقرأ
  أيضا``...; the list is data) opens a block of teasers that runs until the article body
  resumes (a run of long paragraphs), a new article header starts (a caption repeated on
  consecutive lines, as scraped image captions are), or the document ends.
- **boilerplate**: short lines containing a chrome phrase (list kept as data), short lines
  with no Arabic words, lines of a chrome shape (outlet datelines, end-of-story markers),
  short lines repeated across many documents of the corpus (learned in ``fit``), and short
  lines sandwiched in or trailing such chrome at the end of a document. A line with no
  letters at all (``***``, «2», (٣), a bare number) is set aside as carrying no text, but it
  is no evidence of chrome around it: columns, poems and lists number their sections with
  such lines, so only chrome with letters (a widget label, an e-mail, a repeated byline)
  grows into the short lines around it. A numbered list item (``3. تطبيق «فيسبوك»``) is the
  article's own list, not a share widget: one-word phrases do not hit it.
- **duplicate**: a line whose normalized text repeats an earlier line of the same document,
  exactly or nearly (rapidfuzz ratio at or above ``near_duplicate_ratio``). A near repeat has
  the same numbers as the line it repeats, and is a line of ``short_words`` words or more
  unless it repeats the document's first line (its headline, scraped twice).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml
from rapidfuzz import fuzz, process

from ..schema import LINES
from .normalize import count_arabic_words, match_key

_PROCLITICS = "(?:و|ف|ب|ل|ال|وال|بال|لل|فال|فب|وب|ول)?"
# No letter of any script: separators and section numbers («***», «2», (٣), "3601127075").
_NO_LETTERS = re.compile(r"[\W\d_]*")
# A list item's number: "3. ", "(4) ", "٥- ", "6) ".
_ENUMERATED = re.compile(r"^\W{0,3}[\d٠-٩]{1,2}\s*[.)\-–:]")
# Nouns by which a related-articles marker names its block as a list of articles (normalized).
_LIST_NOUNS = frozenset({"مقالات", "اخبار", "مواضيع", "موضوعات", "related", "more"})
_DIGITS = re.compile(r"\d+")
NO_LETTERS_REASON = "line with no letters (a separator or a number)"


@dataclass(frozen=True)
class ChromePatterns:
    """Compiled related markers, chrome phrases and chrome shapes."""

    related_markers: tuple[str, ...]
    chrome_phrases: tuple[str, ...]
    chrome_shapes: tuple[re.Pattern, ...]
    source: str

    @classmethod
    def load(cls, path: str | Path | None = None) -> "ChromePatterns":
        """Read the YAML pattern file; the packaged default when ``path`` is None."""
        if path is None:
            text = resources.files("toolkit.resources").joinpath("chrome_patterns.yml").read_text("utf-8")
            source = "toolkit/resources/chrome_patterns.yml"
        else:
            text = Path(path).read_text("utf-8")
            source = str(path)
        data = yaml.safe_load(text) or {}
        for field in ("related_markers", "chrome_phrases", "chrome_shapes"):
            if not isinstance(data.get(field, []), list):
                raise ValueError(f"{source}: '{field}' must be a list")
        return cls(
            related_markers=tuple(sorted({match_key(m) for m in data.get("related_markers", [])} - {""})),
            chrome_phrases=tuple(sorted({match_key(p) for p in data.get("chrome_phrases", [])} - {""})),
            chrome_shapes=tuple(re.compile(s) for s in data.get("chrome_shapes", [])),
            source=source,
        )

    def phrase_regex(self) -> list[tuple[str, re.Pattern]]:
        return [
            (p, re.compile(rf"(?:^| ){_PROCLITICS}{re.escape(p)}(?: |$)"))
            for p in self.chrome_phrases
        ]


def short_line_keys(lines: pd.DataFrame, max_words: int = 16) -> pd.Series:
    """The keys of short lines (at most ``max_words`` words), once per document that has them.

    Their ``value_counts`` is the number of documents each short line occurs in; a document
    lies in one partition, so per-partition counts add up to the corpus's.
    """
    short = lines[(lines["n_words"] <= max_words) & (lines["key"] != "")]
    return short.drop_duplicates(["doc", "key"])["key"].reset_index(drop=True)


class LineCleaner:
    """Label duplicate, boilerplate and related lines (scikit-learn style estimator).

    Parameters
    ----------
    patterns : path of a YAML pattern file, or None for the packaged list.
    near_duplicate_ratio : rapidfuzz ``ratio`` (0-100) from which two lines are the same line.
    chrome_max_words : longest line (in words) that can be chrome.
    short_words : a line of at most this many words is "short" (headline, widget label).
    body_words : a line of at least this many words is body text.
    body_run : this many consecutive body lines end a related block.
    repeat_min_docs, repeat_min_share : a short line found in at least
        ``max(repeat_min_docs, repeat_min_share * n_documents)`` documents is boilerplate.

    Attributes (after ``fit``)
    --------------------------
    patterns_ : the compiled ChromePatterns.
    repeated_keys_ : dict normalized line -> number of documents it appears in, for the
        lines frequent enough to be boilerplate.
    repeat_threshold_ : the document count used.
    """

    def __init__(self, patterns=None, near_duplicate_ratio=90.0, chrome_max_words=16,
                 short_words=8, body_words=12, body_run=3, repeat_min_docs=5,
                 repeat_min_share=0.002):
        self.patterns = patterns
        self.near_duplicate_ratio = near_duplicate_ratio
        self.chrome_max_words = chrome_max_words
        self.short_words = short_words
        self.body_words = body_words
        self.body_run = body_run
        self.repeat_min_docs = repeat_min_docs
        self.repeat_min_share = repeat_min_share

    # ------------------------------------------------------------------ fit
    def fit(self, lines: pd.DataFrame) -> "LineCleaner":
        """Learn the corpus-level statistics: short lines repeated across documents."""
        lines = LINES.check(lines, "clean.fit input")
        keys = short_line_keys(lines, self.chrome_max_words)
        return self.fit_counts(keys.value_counts(), lines["doc"].nunique())

    def repeat_threshold(self, n_docs: int) -> int:
        """Documents a short line must occur in to count as repeated chrome."""
        return max(self.repeat_min_docs, math.ceil(self.repeat_min_share * n_docs))

    def fit_counts(self, doc_counts: pd.Series, n_docs: int) -> "LineCleaner":
        """``fit`` from its statistics, computed elsewhere: for each short line's key, the number
        of documents it occurs in (``short_line_keys(...).value_counts()`` summed over the parts
        of a partitioned corpus; the keys below ``repeat_threshold(n_docs)`` may be left out),
        and the number of documents."""
        self.patterns_ = ChromePatterns.load(self.patterns)
        self._phrases = self.patterns_.phrase_regex()
        self.repeat_threshold_ = self.repeat_threshold(n_docs)
        frequent = doc_counts[doc_counts >= self.repeat_threshold_]
        self.repeated_keys_ = {str(k): int(v) for k, v in sorted(frequent.items(), key=lambda kv: (-kv[1], kv[0]))}
        return self

    # ------------------------------------------------------------ transform
    def transform(self, lines: pd.DataFrame, progress: bool = False) -> pd.DataFrame:
        """Return ``lines`` with ``label``/``reason`` set for the lines set aside."""
        from tqdm import tqdm

        if not hasattr(self, "patterns_"):
            raise RuntimeError("LineCleaner.transform called before fit")
        lines = LINES.check(lines, "clean.transform input").copy()
        labels = list(lines["label"])
        reasons = list(lines["reason"])
        # Positions of each document's lines, in line order.
        line_numbers = lines["line"].to_numpy()
        groups = lines.groupby("doc", sort=False).indices
        for _, idx in tqdm(groups.items(), total=len(groups), desc="clean", unit="doc",
                           disable=not progress, mininterval=5):
            idx = sorted(idx, key=lambda i: line_numbers[i])
            doc_labels = self._clean_document(lines.iloc[idx])
            for i, (label, reason) in zip(idx, doc_labels):
                if label:
                    labels[i], reasons[i] = label, reason
        lines["label"], lines["reason"] = labels, reasons
        return LINES.check(lines, "clean.transform")

    def fit_transform(self, lines: pd.DataFrame, progress: bool = False) -> pd.DataFrame:
        return self.fit(lines).transform(lines, progress=progress)

    # --------------------------------------------------------- per document
    def _clean_document(self, doc: pd.DataFrame) -> list[tuple[str, str]]:
        texts = list(doc["text"])
        keys = list(doc["key"])
        words = [int(w) for w in doc["n_words"]]
        n = len(texts)
        out: list[tuple[str, str]] = [("", "")] * n

        # Related blocks first: teasers inside them are neither chrome nor repeats.
        for start, end, marker in self._related_blocks(texts, keys, words):
            for i in range(start, end):
                out[i] = ("related", f"in the related-articles block opened by '{marker}' (line {doc['line'].iat[start]})")

        # The footer zone: lines after the document's last body-length line.
        last_body = max((i for i, w in enumerate(words) if w >= self.body_words), default=-1)
        chrome = [self._chrome_reason(texts[i], keys[i], words[i], in_tail=i >= last_body)
                  for i in range(n)]
        self._grow_chrome(chrome, words, doc["line"].tolist())
        for i, reason in enumerate(chrome):
            if reason and not out[i][0]:
                out[i] = ("boilerplate", reason)

        for i, reason in self._duplicates(keys, doc["line"].tolist()):
            if not out[i][0]:
                out[i] = ("duplicate", reason)
        return out

    def _chrome_reason(self, text: str, key: str, n_words: int, in_tail: bool) -> str:
        stripped = text.strip()
        # A shape is anchored on the line's start and form, so it may hold a headline of its
        # own (a story's link line: its prefix and the headline, 17-20 words); twice the
        # phrase limit, not more: a longer line holds text (the next story) after it.
        if n_words > 2 * self.chrome_max_words:
            return ""
        for shape in self.patterns_.chrome_shapes:
            if shape.search(stripped):
                return f"chrome shape /{shape.pattern}/"
        if n_words > self.chrome_max_words:
            return ""
        enumerated = bool(_ENUMERATED.match(stripped))
        if _NO_LETTERS.fullmatch(stripped):
            return NO_LETTERS_REASON
        # A numbered item in Latin script is the article's list («5. Superman | Richard
        # Donner»), a short Latin line otherwise a widget, an e-mail or a sign-off.
        if count_arabic_words(text) == 0 and n_words <= 6 and not enumerated:
            return "short line with no Arabic words"
        for phrase, rx in self._phrases:
            # One-word phrases ('تعليقات', 'share') only on widget-sized lines, unless the line
            # sits in the footer zone (a footer line is short too: «تويتر: Arfaj1», not a sentence
            # naming Twitter); longer phrases are specific enough anywhere. Never on a
            # numbered list item: a widget is not numbered, an article's list of apps is.
            if " " not in phrase and (enumerated or n_words > (self.short_words if in_tail else 4)):
                continue
            if rx.search(key):
                return f"chrome phrase '{phrase}'"
        if key in self.repeated_keys_:
            return f"repeated in {self.repeated_keys_[key]} documents"
        return ""

    def _grow_chrome(self, chrome: list[str], words: list[int], line_numbers: list[int]) -> None:
        """Chrome comes in blocks: extend it to short lines inside and after such blocks. Only
        chrome with letters grows: a line with no letters is how a column or a poem separates
        its own sections («***», (٣)), so the short lines between two of them are its text."""
        n = len(chrome)
        grows = [bool(c) and c != NO_LETTERS_REASON for c in chrome]
        # Short lines sandwiched between two chrome lines.
        for i in range(1, n - 1):
            if not chrome[i] and words[i] <= self.chrome_max_words and grows[i - 1] and grows[i + 1]:
                chrome[i] = f"between chrome lines {line_numbers[i - 1]} and {line_numbers[i + 1]}"
                grows[i] = True
        # The trailing run of chrome and short lines, from its first chrome line with letters
        # to the end.
        first = None
        for i in range(n - 1, -1, -1):
            if grows[i]:
                first = i
            elif not chrome[i] and words[i] > self.short_words:
                break
        if first is not None:
            for i in range(first, n):
                if not chrome[i]:
                    chrome[i] = f"in the trailing chrome block from line {line_numbers[first]}"

    def _related_blocks(self, texts, keys, words):
        """Yield ``(start, end, marker)`` index ranges of related-articles blocks."""
        markers = self.patterns_.related_markers
        n = len(texts)
        i = 0
        while i < n:
            marker = self._marker(keys[i], words[i], markers)
            if not marker:
                i += 1
                continue
            end = self._related_block_end(texts, words, i + 1)
            yield i, end, marker
            i = max(end, i + 1)

    def _marker(self, key: str, n_words: int, markers) -> str:
        if not key:
            return ""
        if n_words <= 6:
            for m in markers:
                if key == m or (key.startswith(m + " ") and n_words <= len(m.split()) + 2):
                    return m
        # A marker that names what follows as a list of articles («مقالات أخرى للكاتب»، «أخبار
        # ذات صلة») opening a line of any length: the block's teasers scraped onto the
        # marker's line, their titles run together. Prose does not open a paragraph so; a
        # marker such as «قد يهمك» or «الأكثر قراءة» may, and must stand alone.
        for m in markers:
            if key.startswith(m) and len(m.split()) >= 2 and m.split()[0] in _LIST_NOUNS:
                return m
        return ""

    def _related_block_end(self, texts, words, start: int) -> int:
        """Index one past the block: where body text or a new article header begins."""
        n = len(texts)
        for j in range(start, n):
            # A new article header: an image caption scraped twice on consecutive lines; the
            # short headline just before it belongs to the new article too.
            if j + 1 < n and texts[j].strip() == texts[j + 1].strip() and words[j] >= self.short_words:
                head = j - 1 if j - 1 >= start and words[j - 1] <= self.short_words + 8 else j
                return max(head, start)
            # The article body resumes: a run of body-length lines.
            run = words[j:j + self.body_run]
            if len(run) == self.body_run and all(w >= self.body_words for w in run):
                return j
        return n

    def _duplicates(self, keys: list[str], line_numbers: list[int]):
        """Yield ``(index, reason)`` for lines that repeat an earlier line of the document."""
        seen: dict[str, int] = {}
        earlier: list[str] = []
        earlier_idx: list[int] = []
        for i, key in enumerate(keys):
            if not key:
                continue
            if key in seen:
                yield i, f"repeats line {line_numbers[seen[key]]}"
                continue
            if len(key) >= 12 and earlier:
                # Near-exact repeats: compare with earlier lines of similar length only.
                # The window (document head plus recent lines) keeps this linear in long files.
                window = list(zip(earlier[:30], earlier_idx[:30])) + list(
                    zip(earlier[30:][-300:], earlier_idx[30:][-300:]))
                # A near repeat differs in form, not in what it says: the same numbers (a
                # recipe's 4 and 1.5 spoons, a list's items 2 and 3, quarters' figures are
                # different lines), and a short line only near-repeats the headline (a title
                # scraped twice); elsewhere short lines that differ by a word are different
                # lines (ترتيب المجموعة الثانية / الثالثة, a poem's verses, two signatures).
                digits = _DIGITS.findall(key)
                long_line = len(key.split()) >= self.short_words
                cands = [(k, j) for k, j in window if 0.8 <= len(k) / len(key) <= 1.25
                         and (long_line or j == earlier_idx[0]) and _DIGITS.findall(k) == digits]
                if cands:
                    match = process.extractOne(key, [k for k, _ in cands], scorer=fuzz.ratio,
                                               score_cutoff=self.near_duplicate_ratio)
                    if match is not None:
                        j = cands[match[2]][1]
                        yield i, f"near-repeat of line {line_numbers[j]} (similarity {match[1]:.0f})"
                        seen.setdefault(key, j)
                        continue
            seen[key] = i
            earlier.append(key)
            earlier_idx.append(i)
