"""Split documents into lines and paragraphs (segments), keeping character offsets.

- ``split_lines``: documents (``schema.DOCUMENTS``) -> lines (``schema.LINES``), one row per
  non-blank line, 1-based line numbers as in the raw file, offsets into the document text.
- ``make_segments``: kept lines -> segments (``schema.SEGMENTS``). Scraped news puts one
  paragraph per line, so a paragraph is a line; a line longer than ``max_words`` (a whole
  article pasted on one line) is cut at sentence ends into paragraphs of at most that size,
  each with its own offsets.
"""

from __future__ import annotations

import re

import pandas as pd

from ..schema import DOCUMENTS, LINES, SEGMENTS
from .normalize import count_words, match_key

# Sentence ends: Latin and Arabic full stop/question/exclamation, followed by space.
_SENTENCE_END = re.compile(r"(?<=[.!?؟。])\s+")


def iter_lines(text: str):
    """Yield ``(line_number, start, end, line_text)`` for every line, blank ones included.

    Lines are split on ``\\n`` only (as editors and ``wc -l`` count them); a trailing ``\\r``
    is excluded from the line text but stays in the raw document.
    """
    start = 0
    for number, raw_line in enumerate(text.split("\n"), start=1):
        end = start + len(raw_line)
        stripped = raw_line[:-1] if raw_line.endswith("\r") else raw_line
        yield number, start, start + len(stripped), stripped
        start = end + 1


def split_lines(documents: pd.DataFrame, progress: bool = False) -> pd.DataFrame:
    """One row per non-blank (not whitespace-only) line of every document."""
    from tqdm import tqdm

    documents = DOCUMENTS.check(documents, "segment.split_lines input")
    rows = []
    for doc, text in tqdm(zip(documents["doc"], documents["text"]), total=len(documents), desc="lines",
                          unit="doc", disable=not progress, mininterval=5):
        for number, start, end, line in iter_lines(text):
            if not line.strip():
                continue
            rows.append({
                "doc": doc, "line": number, "start": start, "end": end, "text": line,
                "key": match_key(line), "n_words": count_words(line),
                "label": "", "reason": "",
            })
    lines = pd.DataFrame(rows, columns=list(LINES.columns))
    lines = lines.astype({"line": "int64", "start": "int64", "end": "int64", "n_words": "int64"})
    return LINES.check(lines, "segment.split_lines")


def split_long(text: str, max_words: int) -> list[tuple[int, int]]:
    """Cut ``text`` at sentence ends into spans of at most about ``max_words`` words.

    Returns ``(start, end)`` offsets relative to ``text``. A single sentence longer than the
    limit is cut at word boundaries.
    """
    if count_words(text) <= max_words:
        return [(0, len(text))]
    pieces, cursor = [], 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append((cursor, match.start()))
        cursor = match.end()
    pieces.append((cursor, len(text)))
    spans: list[tuple[int, int]] = []
    cur_start, cur_end, cur_words = None, None, 0
    for s, e in pieces:
        words = count_words(text[s:e])
        if words > max_words:  # one huge sentence: cut at word boundaries
            if cur_start is not None:
                spans.append((cur_start, cur_end))
                cur_start, cur_words = None, 0
            for m_start, m_end in _word_windows(text, s, e, max_words):
                spans.append((m_start, m_end))
            continue
        if cur_start is not None and cur_words + words > max_words:
            spans.append((cur_start, cur_end))
            cur_start, cur_words = None, 0
        if cur_start is None:
            cur_start = s
        cur_end, cur_words = e, cur_words + words
    if cur_start is not None:
        spans.append((cur_start, cur_end))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _word_windows(text: str, start: int, end: int, max_words: int):
    words = list(re.finditer(r"\S+", text[start:end]))
    for i in range(0, len(words), max_words):
        chunk = words[i:i + max_words]
        yield start + chunk[0].start(), start + chunk[-1].end()


def make_segments(lines: pd.DataFrame, max_words: int = 200) -> pd.DataFrame:
    """Paragraphs from the lines that cleaning kept (empty ``label``)."""
    lines = LINES.check(lines, "segment.make_segments input")
    kept = lines[lines["label"] == ""]
    rows = []
    for doc, group in kept.groupby("doc", sort=False):
        number = 0
        for line, start, text in zip(group["line"], group["start"], group["text"]):
            for s, e in split_long(text, max_words):
                number += 1
                rows.append({"doc": doc, "segment": number, "line": int(line),
                             "start": int(start) + s, "end": int(start) + e, "text": text[s:e]})
    segments = pd.DataFrame(rows, columns=list(SEGMENTS.columns))
    segments = segments.astype({"segment": "int64", "line": "int64", "start": "int64", "end": "int64"})
    return SEGMENTS.check(segments, "segment.make_segments")
