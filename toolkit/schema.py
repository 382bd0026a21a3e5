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

TOPICS_OVER_TIME = Contract(
    "topics_over_time.csv", "topic per time step",
    {
        "date": ("str", "day (YYYY-MM-DD) of the documents; with many days, the first day of a span"),
        "topic": ("int", "topic id"),
        "paragraphs": ("int", "fitted paragraphs of that topic in documents of that day or span"),
        "top_words": ("str", "the topic's words at that time (BERTopic topics_over_time, corpus spelling)"),
    },
    key=("date", "topic"),
)

TOPICS_PER_OUTLET = Contract(
    "topics_per_outlet.csv", "topic per outlet",
    {
        "outlet": ("str", "the documents' source; '(no source)' where none is given"),
        "topic": ("int", "topic id"),
        "paragraphs": ("int", "fitted paragraphs of that topic in that outlet's documents"),
        "share": ("float", "share of the outlet's fitted paragraphs in the topic"),
        "top_words": ("str", "the topic's words in that outlet (BERTopic topics_per_class, corpus spelling)"),
    },
    key=("outlet", "topic"),
)

ACTORS = Contract(
    "actors.csv", "actor per document",
    {
        "name": ("str", "merged form of the name (gazetteer name, else the most frequent full spelling)"),
        "variants": ("str", "every spelling of this actor seen in the coverage, separated by ' | '"),
        "kind": ("str", "person|institution|place"),
        "doc": ("str", "document id"),
        "mentions": ("int", "mentions in the document's coverage lines"),
        "outlet": ("str", "the document's source, or the document id when the corpus has no source"),
    },
    key=("name", "doc"),
)

ACTOR_MENTIONS = Contract(
    "actor_mentions.csv", "mention of an actor",
    {
        "doc": ("str", "document id"),
        "line": ("int", "line number"),
        "start": ("int", "character offset of the mention in the document text"),
        "end": ("int", "offset one past its end"),
        "name": ("str", "merged name"),
        "kind": ("str", "person|institution|place"),
        "surface": ("str", "the mention as written (diacritics and a leading و/ب/ل removed)"),
    },
    key=("doc", "start"),
)

CLAIMS = Contract(
    "claims.csv", "numeric claim",
    {
        "doc": ("str", "document id"),
        "line": ("int", "line number"),
        "start": ("int", "character offset of the number in the document text"),
        "end": ("int", "offset one past the number (and its multiplier word)"),
        "value": ("float", "the quantity (lower bound of a range or a vague quantity)"),
        "value_max": ("float", "upper bound of a range or a vague quantity; empty for one number"),
        "qualifier": ("str", "exact|about|more_than|less_than|up_to|at_least|range|vague"),
        "unit": ("str", "the counted noun as written (جندي، مادة، بلدة); empty when none"),
        "quantity": ("str", "the unit's kind from resources/claim_units.yml (troops, time, ...); other"),
        "speaker": ("str", "who is quoted as saying it; empty when no one is"),
        "number_text": ("str", "the number as written"),
        "text": ("str", "the sentence holding the number (at most 600 characters)"),
        "casualty": ("str", "killed|injured|captured|missing from the words around the number; empty"),
        "party": ("str", "fighters|civilians: whose casualties or who is counted, from the noun and its "
                         "من-phrase; empty"),
        "hedge": ("str", "the word that hedges the claim in its sentence before the number (قد، "
                         "اتهامات، تقارير ...); empty"),
    },
    key=("doc", "start"),
)

SHARED_PASSAGES = Contract(
    "shared_passages.csv", "pair of near-duplicate sentences in two outlets",
    {
        "doc_a": ("str", "document of the first occurrence"),
        "line_a": ("int", "its line"),
        "doc_b": ("str", "document in another outlet"),
        "line_b": ("int", "its line"),
        "similarity": ("float", "Jaccard similarity of the two sentences' word 3-grams"),
        "text_a": ("str", "sentence in doc_a"),
        "text_b": ("str", "sentence in doc_b"),
        "outlet_a": ("str", "outlet of doc_a"),
        "outlet_b": ("str", "outlet of doc_b"),
    },
    key=("doc_a", "line_a", "doc_b", "line_b", "text_a", "text_b"),
)

SHARED_QUOTATIONS = Contract(
    "shared_quotations.csv", "pair of quotations two outlets share by meaning",
    {
        "doc_a": ("str", "document of the first quotation"),
        "line_a": ("int", "its line"),
        "doc_b": ("str", "document in another outlet"),
        "line_b": ("int", "its line"),
        "similarity": ("float", "cosine of the two quotations' embeddings"),
        "shared_words": ("str", "the corpus's rare content words both use (normalized)"),
        "kind_a": ("str", "quoted (in quotation marks) or reported (after an attribution verb)"),
        "kind_b": ("str", "quoted or reported"),
        "text_a": ("str", "the quotation in doc_a"),
        "text_b": ("str", "the quotation in doc_b"),
        "outlet_a": ("str", "outlet of doc_a"),
        "outlet_b": ("str", "outlet of doc_b"),
    },
    key=("doc_a", "line_a", "doc_b", "line_b", "text_a", "text_b"),
)

TYPICAL_LINES = Contract(
    "typical_lines.csv", "typical coverage paragraph of a topic",
    {
        "topic": ("int", "topic id"),
        "doc": ("str", "document id"),
        "line": ("int", "line of the paragraph"),
        "similarity": ("float", "cosine of the paragraph to its topic's centroid"),
        "text": ("str", "paragraph text"),
    },
    key=("topic", "doc", "line", "text"),
)
