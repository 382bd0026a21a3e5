"""One document at a time: the view the separation's per-document steps judge and write through.

``toolkit.model.separate`` labels a partition of paragraphs document by document; each step
(``toolkit.model.judges``) reads one document's paragraphs and evidence and writes its labels,
reasons and the records the report shows (``pieces``) into the partition's arrays. A
``DocumentView`` is that document: its positions in the partition, in reading order, and the
partition's arrays it writes to, so that no step needs a dozen positional arguments.

Also here the small, pure helpers those steps share: the two-state Viterbi segmentation of a
document into runs, the lone short lines it must not cut, leave-one-out cohesion, where the
related-articles blocks end, and a paragraph's opening words for the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd


def unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n else v


def centroid(vectors: np.ndarray) -> np.ndarray:
    return unit(np.asarray(vectors, dtype=np.float64).mean(axis=0))


class PlaceMarks(NamedTuple):
    """Per paragraph of a partition, the places it names as the focus sees them
    (``places.FocusPlaces``)."""

    focus: np.ndarray    # bool: names one of the focus's places
    other: np.ndarray    # bool: names another place
    main: np.ndarray     # bool: names one of the focus's main places
    others: list         # tuple per paragraph: the other places it names


@dataclass
class DocumentView:
    """One document of the partition being labelled.

    ``idx``: the document's positions in the partition, in reading order; a step addresses
    its paragraphs by their place ``j`` in the document (0 .. len-1). ``labels``, ``reasons``
    and ``pieces`` are the partition's, written in place.
    """

    doc: str
    idx: np.ndarray
    segments: pd.DataFrame       # the partition's paragraphs, text as Python strings
    vectors: np.ndarray          # the partition's embeddings
    labels: np.ndarray
    reasons: np.ndarray
    pieces: list
    headline_words: int = 12
    _splice_document: object = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.idx)

    def text(self, j: int) -> str:
        return self.segments["text"].iat[self.idx[j]]

    def line(self, j: int) -> int:
        return int(self.segments["line"].iat[self.idx[j]])

    def texts(self) -> list[str]:
        return self.segments["text"].iloc[self.idx].tolist()

    def mark(self, j: int, reason: str, label: str | None = None) -> None:
        """Record paragraph ``j``'s reason, and its label when given."""
        if label is not None:
            self.labels[self.idx[j]] = label
        self.reasons[self.idx[j]] = reason

    def record(self, kind: str, j: int, paragraphs: int, decision: str, **evidence) -> None:
        """One decision for the report (``FocusSeparator.pieces_``): the run or part starting at
        paragraph ``j``, its evidence, the decision and its opening words."""
        self.pieces.append({"doc": self.doc, "kind": kind, "first_line": self.line(j), "paragraphs": int(paragraphs),
                            **evidence, "decision": decision, "text": first_words(self.text(j))})

    def splice_document(self):
        """The document as the splice detector reads it (built once per document)."""
        from .splice import Document

        if self._splice_document is None:
            self._splice_document = Document.from_texts(self.texts(), self.vectors[self.idx], self.headline_words)
        return self._splice_document


def viterbi_runs(costs_core: np.ndarray, costs_insert: np.ndarray, switch_penalty: float) -> np.ndarray:
    """Two-state segmentation: returns 0 (core) / 1 (insert) per position, minimising the
    summed emission costs plus ``switch_penalty`` per change of state."""
    n = len(costs_core)
    if n == 0:
        return np.zeros(0, dtype=int)
    emit = np.stack([costs_core, costs_insert], axis=1)
    total = emit[0].copy()
    back = np.zeros((n, 2), dtype=int)
    for i in range(1, n):
        new = np.empty(2)
        for s in (0, 1):
            stay, switch = total[s], total[1 - s] + switch_penalty
            # Ties keep the state (fewer switches), so equal costs give the same path each run.
            back[i, s] = s if stay <= switch else 1 - s
            new[s] = min(stay, switch) + emit[i, s]
        total = new
    states = np.zeros(n, dtype=int)
    states[-1] = 0 if total[0] <= total[1] else 1
    for i in range(n - 1, 0, -1):
        states[i - 1] = back[i, states[i]]
    return states


def lone_short_lines(states: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Off-focus runs of one line shorter than a full paragraph (weight < 1) with the
    article's own text on both sides (or the document's edge): a photo caption or a
    subheading embeds too noisily to be set aside on its own evidence. A glued-in piece is
    a run of paragraphs; its headline joins it (``judges.attach_headlines``)."""
    n = len(states)
    lone = np.zeros(n, dtype=bool)
    for j in range(n):
        if (states[j] == 1 and weight[j] < 1 and (j == 0 or states[j - 1] == 0)
                and (j == n - 1 or states[j + 1] == 0) and n > 1):
            lone[j] = True
    return lone


def runs_of(mask: np.ndarray) -> list[tuple[int, int]]:
    """The maximal runs ``[start, stop)`` of True in ``mask``, in order."""
    runs, j, n = [], 0, len(mask)
    while j < n:
        if not mask[j]:
            j += 1
            continue
        stop = j
        while stop < n and mask[stop]:
            stop += 1
        runs.append((j, stop))
        j = stop
    return runs


def leave_one_out_cohesion(E: np.ndarray) -> np.ndarray:
    """Cosine of each row with the mean of the other rows of ``E`` (1.0 for a lone row)."""
    if len(E) < 2:
        return np.ones(len(E))
    others = E.sum(axis=0)[None, :] - E
    norms = np.linalg.norm(others, axis=1) * np.linalg.norm(E, axis=1)
    return np.where(norms > 0, np.einsum("ij,ij->i", E, others) / np.where(norms > 0, norms, 1), 0.0)


def related_block_ends(lines: pd.DataFrame) -> dict[str, list[int]]:
    """Per document, the line numbers that end a related-articles block."""
    docs_with_blocks = set(lines.loc[lines["label"] == "related", "doc"])
    ends: dict[str, list[int]] = {}
    subset = lines[lines["doc"].isin(docs_with_blocks)].sort_values(["doc", "line"])
    for doc, group in subset.groupby("doc", sort=False):
        numbers = group["line"].tolist()
        related = (group["label"] == "related").tolist()
        for k in range(len(numbers) - 1):
            if related[k] and not related[k + 1]:
                ends.setdefault(doc, []).append(int(numbers[k]))
    return ends


def first_words(text: str, n: int = 12) -> str:
    words = str(text).split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def python_text(segments: pd.DataFrame) -> pd.DataFrame:
    """``segments`` with its text as a column of Python strings: each document's paragraphs are
    sliced from it several times, and a slice of an Arrow string column (as parquet gives it
    back) cost 0.6 ms, 10 s of the dev split's separation."""
    if segments["text"].dtype == object:
        return segments
    return segments.assign(text=np.asarray(segments["text"].tolist(), dtype=object))
