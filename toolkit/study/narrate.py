"""Sentences and small tables that let a notebook say what a step did, from the data.

Notebooks hold no logic: they call these and display the result (Markdown strings, pandas
tables). Each function reads only the tables a step wrote, so the words always match the run.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd

from ..schema import CLEAN_LABELS

#: What each cleaning label means, for readers who have not seen ``toolkit.corpus.clean``.
CLEAN_LABEL_MEANING = {
    "duplicate": "repeats an earlier line of the same document (word for word, or nearly: "
                 "similarity ≥ {near_duplicate_ratio:g} of 100)",
    "boilerplate": "site chrome: a phrase or shape from the patterns file ({patterns}), a short line "
                   "without Arabic words, a short line found in at least {repeat_threshold} documents, "
                   "or a short line between or after such lines",
    "related": "a related-articles block: from its marker line (such as «مقالات ذات صلة») up to where "
               "the article's body text resumes",
}
#: Characters of a run's text shown in a table cell (the rest is in the lines table).
TEXT_PREVIEW = 300


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 file``, ``3 files``."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def reading_summary(prepared: dict, corpus: str) -> str:
    """What loading read and skipped (Markdown), from ``pipeline.prepare_corpus``'s summary."""
    skipped = prepared["skipped"]
    text = (f"Read **{plural(prepared['documents'], 'document')}** from `{corpus}` in "
            f"{plural(prepared['partitions'], 'partition')}: {plural(prepared['lines'], 'non-blank line')}.")
    if skipped.empty:
        return text + " No file was skipped."
    reasons = skipped["reason"].map(_reason_kind).value_counts()
    listed = "; ".join(f"{plural(int(n), 'file')}: {kind}" for kind, n in reasons.items())
    return (text + f" **{plural(len(skipped), 'file was', 'files were')} skipped** and recorded "
                   f"(in the manifest and the report too) — {listed}. Each is listed below.")


def _reason_kind(reason: str) -> str:
    """A skip reason without its details, so alike reasons count together
    (``not a supported file type (.pdf)`` -> ``not a supported file type``, ``row 7`` -> ``row N``)."""
    kind = str(reason).split(" (")[0].split(":")[0].strip()
    return re.sub(r"\b\d+\b", "N", kind) or "no reason recorded"


def document_titles(documents: pd.DataFrame, lines: pd.DataFrame, width: int = 80) -> pd.Series:
    """Each document's title: its ``title`` field, else its first non-blank line (cut at ``width``)."""
    first_lines = lines.sort_values(["doc", "line"]).groupby("doc", sort=False)["text"].first()
    titles = documents["title"].where(documents["title"].str.strip() != "", documents["doc"].map(first_lines))
    return titles.fillna("").map(lambda t: _cut(str(t).strip(), width))


def documents_overview(documents: pd.DataFrame, lines: pd.DataFrame, limit: int = 30) -> pd.DataFrame:
    """One row per document (the first ``limit``): title, encoding, size, lines kept and set aside."""
    kept = lines["label"] == ""
    counts = pd.DataFrame({"lines": lines.groupby("doc").size(),
                           "kept": lines[kept].groupby("doc").size(),
                           "set aside": lines[~kept].groupby("doc").size()}).fillna(0).astype(int)
    shown = documents.head(limit)
    table = pd.DataFrame({"doc": shown["doc"], "title": document_titles(shown, lines),
                          "encoding": shown["encoding"], "characters": shown["n_chars"]})
    return table.join(counts, on="doc").fillna(0).reset_index(drop=True)


def cleaning_summary(lines: pd.DataFrame, cleaner) -> str:
    """What cleaning kept and set aside, by label, with what each label means (Markdown)."""
    counts = lines["label"].value_counts()
    set_aside = int(len(lines) - counts.get("", 0))
    details = {"near_duplicate_ratio": cleaner.near_duplicate_ratio, "patterns": cleaner.patterns_.source,
               "repeat_threshold": cleaner.repeat_threshold_}
    items = [f"- **{label}** — {plural(int(counts.get(label, 0)), 'line')}: "
             + CLEAN_LABEL_MEANING[label].format(**details) for label in CLEAN_LABELS]
    repeated = len(cleaner.repeated_keys_)
    repeats = (f"{plural(repeated, 'short line occurs', 'short lines occur')}" if repeated else
               "No short line occurs")
    return "\n".join([
        f"Cleaning read {plural(len(lines), 'line')} and kept {int(counts.get('', 0)):,}; it set aside "
        f"{set_aside:,} (labelled, not deleted: every line stays in the tables with its reason):", "",
        *items, "",
        f"{repeats} in {cleaner.repeat_threshold_} or more documents of this corpus (the threshold for "
        f"repeated chrome).",
    ])


def set_aside_runs(lines: pd.DataFrame) -> pd.DataFrame:
    """The lines cleaning set aside, as runs: consecutive lines of a document with the same
    label become one row (a 20-line related block, or a page footer of chrome, is one row).

    Columns: doc, lines (``51–72`` or ``12``), n_lines, label, reason (the distinct reasons of
    the run's lines, in order, joined by ``; ``), text (the run's lines joined by `` ⏎ ``, cut
    at ``TEXT_PREVIEW`` characters).
    """
    ordered = lines.sort_values(["doc", "line"]).reset_index(drop=True)
    aside = ordered["label"] != ""
    # A run goes on while the previous line is of the same document, also set aside, with
    # the same label; any other line starts a new one.
    continues = ((ordered["doc"] == ordered["doc"].shift()) & aside.shift(fill_value=False)
                 & (ordered["label"] == ordered["label"].shift()))
    run_id = (~continues).cumsum()
    runs = ordered[aside].groupby(run_id[aside], sort=False).agg(
        doc=("doc", "first"), first=("line", "first"), last=("line", "last"), n_lines=("line", "size"),
        label=("label", "first"), reason=("reason", lambda r: "; ".join(dict.fromkeys(r))),
        text=("text", " ⏎ ".join))
    runs.insert(1, "lines", [f"{a}–{b}" if a != b else str(a) for a, b in zip(runs["first"], runs["last"])])
    runs["text"] = runs["text"].map(lambda t: _cut(t, TEXT_PREVIEW))
    return runs.drop(columns=["first", "last"]).reset_index(drop=True)


def paragraphs_summary(lines: pd.DataFrame, segments: pd.DataFrame, max_words: int) -> str:
    """How the kept lines became paragraphs, the units the next notebook embeds (Markdown)."""
    kept = int((lines["label"] == "").sum())
    per_line = segments.groupby(["doc", "line"]).size()
    cut = int((per_line > 1).sum())
    how = (f"{plural(cut, 'line')} longer than {max_words} words {'was' if cut == 1 else 'were'} cut at "
           f"sentence ends" if cut else f"no line was longer than {max_words} words, so none was cut")
    return (f"The {kept:,} kept lines make **{plural(len(segments), 'paragraph')}** ({how}): these are what "
            f"notebook 2 embeds, groups into topics and separates.")


class ArabicTable:
    """A table displayed with its Arabic columns right-aligned and right-to-left (HTML in
    JupyterLab and the report), and as plain text where HTML is not shown."""

    def __init__(self, df: pd.DataFrame, arabic_columns=("title", "reason", "text")):
        self.df = df
        self.arabic_columns = [c for c in arabic_columns if c in df.columns]

    def _repr_html_(self) -> str:
        # A fixed id from the content (not pandas' random one): a rerun saves the same notebook.
        uuid = hashlib.sha1(self.df.to_csv().encode("utf-8")).hexdigest()[:10]
        # Scraped text may hold markup: shown as text, never rendered.
        return (self.df.style.format(escape="html").set_uuid(uuid).hide(axis="index")
                .set_properties(subset=self.arabic_columns, **{"direction": "rtl", "text-align": "right"})
                .to_html())

    def __repr__(self) -> str:
        return self.df.to_string(index=False)


def arabic_table(df: pd.DataFrame, arabic_columns=("title", "reason", "text")) -> ArabicTable:
    """``df`` for display with its Arabic columns right-to-left (see ``ArabicTable``)."""
    return ArabicTable(df, arabic_columns)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"
