"""Table contracts between stages.

Every stage takes and returns a pandas DataFrame with fixed columns. A contract lists those
columns with their kind and meaning; ``check`` enforces it at each stage boundary so that a
broken table fails where it was made, with the stage named, not three stages later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

LABELS = ("core", "insert", "related", "boilerplate", "duplicate")
CLEAN_LABELS = ("related", "boilerplate", "duplicate")


class ContractError(ValueError):
    """A table does not have the columns or values its contract promises."""


@dataclass(frozen=True)
class Contract:
    name: str
    row: str
    columns: dict[str, tuple[str, str]]  # column -> (kind, meaning); kind in int/float/str
    key: tuple[str, ...] = field(default_factory=tuple)

    def check(self, df: pd.DataFrame, where: str) -> pd.DataFrame:
        """Return ``df`` with its columns in contract order, or raise ContractError."""
        if not isinstance(df, pd.DataFrame):
            raise ContractError(f"{where}: expected a DataFrame for the {self.name} table")
        missing = [c for c in self.columns if c not in df.columns]
        if missing:
            raise ContractError(f"{where}: {self.name} table lacks columns {missing}")
        for col, (kind, _) in self.columns.items():
            series = df[col]
            if kind == "int" and len(series) and not pd.api.types.is_integer_dtype(series):
                raise ContractError(f"{where}: {self.name}.{col} must be integers")
            if kind == "float" and len(series) and not pd.api.types.is_numeric_dtype(series):
                raise ContractError(f"{where}: {self.name}.{col} must be numbers")
        if self.key and len(df) and df.duplicated(list(self.key)).any():
            dup = df[df.duplicated(list(self.key), keep=False)][list(self.key)].head(3)
            raise ContractError(
                f"{where}: {self.name} rows must be unique by {self.key}; "
                f"repeated: {dup.to_dict('records')}"
            )
        if "label" in self.columns and len(df):
            bad = set(df["label"]) - set(LABELS) - {""}
            if bad:
                raise ContractError(f"{where}: unknown labels {sorted(bad)}")
        return df[list(self.columns)].reset_index(drop=True)

    def describe(self) -> str:
        """Markdown table of the columns, for docs and the report."""
        rows = [f"| `{c}` | {k} | {m} |" for c, (k, m) in self.columns.items()]
        return "\n".join([f"**{self.name}** (one row per {self.row})", "",
                          "| column | kind | meaning |", "|---|---|---|", *rows])


DOCUMENTS = Contract(
    "documents", "document",
    {
        "doc": ("str", "document id: path relative to the corpus folder"),
        "path": ("str", "absolute path of the source file"),
        "text": ("str", "raw text as decoded, never modified"),
        "sha256": ("str", "sha256 of the raw file bytes"),
        "encoding": ("str", "encoding the bytes were decoded with"),
        "n_chars": ("int", "characters in text"),
        "title": ("str", "title from metadata, empty when unknown"),
        "source": ("str", "outlet from metadata, empty when unknown"),
        "date": ("str", "publication date from metadata, empty when unknown"),
        "url": ("str", "url from metadata, empty when unknown"),
    },
    key=("doc",),
)

LINES = Contract(
    "lines", "non-blank input line",
    {
        "doc": ("str", "document id"),
        "line": ("int", "1-based line number in the raw text"),
        "start": ("int", "character offset of the line start in the document text"),
        "end": ("int", "character offset one past the line end"),
        "text": ("str", "raw line text"),
        "key": ("str", "normalized matching key (orthography folded, no punctuation)"),
        "n_words": ("int", "word tokens"),
        "label": ("str", "related|boilerplate|duplicate set by cleaning; empty when kept"),
        "reason": ("str", "why the label was set"),
    },
    key=("doc", "line"),
)

SEGMENTS = Contract(
    "segments", "paragraph kept after cleaning",
    {
        "doc": ("str", "document id"),
        "segment": ("int", "1-based paragraph number within the document"),
        "line": ("int", "source line of the paragraph"),
        "start": ("int", "character offset in the document text"),
        "end": ("int", "character offset one past the end"),
        "text": ("str", "raw paragraph text"),
    },
    key=("doc", "segment"),
)

TOPIC_ASSIGNMENTS = Contract(
    "segment topics", "paragraph kept after cleaning",
    {
        "doc": ("str", "document id"),
        "segment": ("int", "paragraph number"),
        "topic": ("int", "BERTopic topic id (-1: outlier)"),
        "topic_probability": ("float", "HDBSCAN membership strength"),
    },
    key=("doc", "segment"),
)

SEPARATION = Contract(
    "separation", "paragraph kept after cleaning",
    {
        "doc": ("str", "document id"),
        "segment": ("int", "paragraph number"),
        "label": ("str", "core|insert"),
        "score": ("float", "focus score of the paragraph (higher: closer to the focus)"),
        "reason": ("str", "why the label was set"),
    },
    key=("doc", "segment"),
)

LINE_LABELS = Contract(
    "lines.csv", "non-blank input line",
    {
        "doc": ("str", "document id (path relative to the corpus)"),
        "line": ("int", "1-based line number in the raw file"),
        "label": ("str", "core|insert|related|boilerplate|duplicate"),
        "reason": ("str", "why"),
        "topic": ("int", "topic of the line's paragraph; -1 outlier or not modelled"),
        "score": ("float", "focus score; empty for lines set aside by cleaning"),
    },
    key=("doc", "line"),
)

TOPICS = Contract(
    "topics.csv", "topic",
    {
        "topic": ("int", "topic id; -1 collects outliers"),
        "size": ("int", "paragraphs in the topic"),
        "top_words": ("str", "most distinctive (c-TF-IDF) normalized Arabic words"),
        "focus_share": ("float", "share of the topic's paragraphs labelled core"),
        "focus_similarity": ("float", "cosine of the topic centroid to the focus centroid"),
    },
    key=("topic",),
)
