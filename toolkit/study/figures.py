"""Figures (matplotlib/seaborn), with Arabic rendered natively.

matplotlib >= 3.11 shapes Arabic (joined letter forms) and lays it out right to left by
itself, so labels are passed as ordinary Unicode strings: no arabic-reshaper or python-bidi,
which on 3.11 would reverse the text a second time. The font is Noto Sans Arabic, installed
as a pinned PyPI package (``fontpkg-noto-sans-arabic``) so that every machine draws the same
glyphs; DejaVu Sans (bundled with matplotlib) is the fallback for Latin and digits.

Each function takes tables from the run, draws one figure, saves it as PNG and returns the
path; a run that keeps its figures (``figure_cache``) copies the PNG of a call drawn before
from the same tables and code. The PNG carries a short description of what the figure shows
(its ``Description`` text chunk, read back by :func:`alt_text`), which the report uses as the
image's alt text: it is computed from the same table as the figure, so it travels with the
file and cannot drift.
Contracts in: the public tables (``schema.LINE_LABELS``, ``schema.TOPICS``) and the
segment/topic tables.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..schema import LABELS  # noqa: E402
from .figure_cache import drawn_once  # noqa: E402


class _ImportedOnFirstUse:
    """A module imported when one of its attributes is first used. A rerun whose figures are
    all restored by the figure cache draws nothing, so it never pays for pyplot's, seaborn's
    and scipy.stats's imports (0.9 s of the report notebook's start)."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        return getattr(importlib.import_module(self._name), attribute)


plt = _ImportedOnFirstUse("matplotlib.pyplot")
sns = _ImportedOnFirstUse("seaborn")
font_manager = _ImportedOnFirstUse("matplotlib.font_manager")

LABEL_COLORS = {
    "core": "#2b8a3e", "insert": "#d9480f", "related": "#1c7ed6",
    "boilerplate": "#868e96", "duplicate": "#f08c00",
}
ARABIC_FONT = "Noto Sans Arabic"
_fonts_ready = False


def arabic_font_path() -> Path | None:
    """Path of the packaged Noto Sans Arabic font, if installed."""
    try:
        import fontpkg_noto_sans_arabic as pkg
    except ImportError:
        return None
    found = sorted(Path(pkg.__file__).parent.rglob("*.ttf"))
    return found[0] if found else None


def setup_fonts() -> str:
    """Register the Arabic font and make it matplotlib's default; returns the family used."""
    global _fonts_ready
    path = arabic_font_path()
    family = "DejaVu Sans"
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        family = font_manager.FontProperties(fname=str(path)).get_name()
    plt.rcParams["font.family"] = [family, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.fonttype"] = "none"
    sns.set_theme(style="whitegrid", font=family, rc={"font.family": [family, "DejaVu Sans"]})
    _fonts_ready = True
    return family


def _save(fig, path: Path, alt: str = "") -> Path:
    """Save ``fig`` as PNG with ``alt`` (what the figure shows) in its Description chunk."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Fixed metadata keeps the PNG bytes stable between runs (no creation date).
    fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None, "Description": alt or None})
    plt.close(fig)
    return path


def alt_text(path: Path) -> str:
    """The description stored in a figure's PNG by this module ("" when there is none)."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            return str(image.text.get("Description", ""))
    except (OSError, AttributeError):
        return ""


def _top(series: pd.Series, n: int = 3, fmt: str = "{}") -> str:
    """"a (3), b (2), c (1)": the largest ``n`` values of ``series`` with their index."""
    top = series.sort_values(ascending=False, kind="stable").head(n)
    return ", ".join(f"{k} ({fmt.format(v)})" for k, v in top.items())


def _ensure_fonts():
    if not _fonts_ready:
        setup_fonts()


def _stacked_by_label(ax, table: pd.DataFrame) -> None:
    """Horizontal bars of ``table`` (rows x LABELS columns) stacked in label order."""
    left = np.zeros(len(table))
    for label in LABELS:
        ax.barh(table.index, table[label], left=left, color=LABEL_COLORS[label], label=label)
        left += table[label].to_numpy()


@drawn_once
def composition(line_labels: pd.DataFrame, path: Path, top_n: int = 40, names: pd.Series | None = None) -> Path:
    """Per-document composition: stacked bars of lines by label (the ``top_n`` documents with
    the most lines set aside when the corpus is larger); ``names`` maps a doc to the row's
    name (its title), else the rows are the file names."""
    _ensure_fonts()
    counts = pd.crosstab(line_labels["doc"], line_labels["label"]).reindex(columns=list(LABELS), fill_value=0)
    if len(counts) > top_n:
        counts = counts.loc[(counts.sum(axis=1) - counts["core"]).sort_values(ascending=False, kind="stable").index[:top_n]]
    if names is not None:
        counts.index = [str(names.get(d, d)) for d in counts.index]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(counts) + 1.6))
    _stacked_by_label(ax, counts)
    ax.invert_yaxis()
    ax.set_xlabel("lines")
    ax.set_title("Composition of each document by label — تركيب كل مقال حسب التصنيف"
                 + (f"\n({top_n} documents with the most lines set aside)" if len(line_labels["doc"].unique()) > top_n else ""))
    ax.legend(ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 / max(len(counts), 1)), frameon=False)
    aside = counts.sum(axis=1) - counts["core"]
    alt = (f"Stacked horizontal bars, one per document ({len(counts)} shown), of its lines by label. "
           f"Lines: {int(counts.to_numpy().sum())}, of which core {int(counts['core'].sum())}; "
           f"most set aside: {_top(aside[aside > 0]) or 'none'}.")
    return _save(fig, path, alt)


@drawn_once
def topic_sizes(topics_table: pd.DataFrame, path: Path, n_words: int = 5, top_n: int = 30) -> Path:
    """Topic sizes, each bar labelled with its Arabic top words, coloured by focus share.

    The outliers (topic -1, the paragraphs no topic claimed) are not a topic: they are drawn
    last, grey and hatched, below a rule, whatever their number, so that they never read as
    the largest topic."""
    _ensure_fonts()
    topics = topics_table[topics_table["topic"] != -1].sort_values("size", ascending=False, kind="stable").head(top_n)
    outliers = topics_table[topics_table["topic"] == -1]
    labels = [f"{k}: " + " ".join(str(w).split()[:n_words]) for k, w in zip(topics["topic"], topics["top_words"])]
    fig, ax = plt.subplots(figsize=(9, 0.5 * (len(topics) + len(outliers)) + 1.7))
    ax.barh(range(len(topics)), topics["size"], color=plt.cm.RdYlGn(topics["focus_share"].to_numpy()))
    ticks, names = list(range(len(topics))), labels
    if len(outliers):
        y = len(topics) + 0.4
        ax.barh([y], outliers["size"], color="#dee2e6", edgecolor="#868e96", hatch="//")
        ax.axhline(len(topics) - 0.3, color="#868e96", lw=0.8, ls="--")
        ax.text(0, y, "  not a topic: the paragraphs no topic claimed", va="center", fontsize=8, color="#343a40")
        ticks, names = ticks + [y], names + ["outliers (no topic): " + " ".join(str(outliers["top_words"].iloc[0]).split()[:n_words])]
    ax.set_yticks(ticks, names)
    ax.invert_yaxis()
    ax.set_xlabel("paragraphs")
    ax.set_title("Topics and their top words — الموضوعات وأبرز كلماتها")
    sm = plt.cm.ScalarMappable(cmap="RdYlGn", norm=plt.Normalize(0, 1))
    fig.colorbar(sm, ax=ax, label="share of paragraphs in the focus (core)")
    alt = (f"Horizontal bars: paragraphs in each of {len(topics)} topics, largest first, coloured by the share in "
           f"the focus: " + ", ".join(f"topic {k} {n}" for k, n in zip(topics["topic"], topics["size"]))
           + (f". Outliers (no topic), drawn apart: {int(outliers['size'].iloc[0])} paragraphs." if len(outliers) else "."))
    return _save(fig, path, alt)


@drawn_once
def topic_document_heatmap(topic_doc: pd.DataFrame, topic_labels: dict[int, str], path: Path,
                           top_docs: int = 40, top_topics: int = 30, by: str = "doc") -> Path:
    """Paragraph counts per topic (rows) and document or outlet (columns, ``by``)."""
    _ensure_fonts()
    table = pd.crosstab(topic_doc["topic"], topic_doc[by])
    if table.shape[1] > top_docs:
        table = table[table.sum().sort_values(ascending=False, kind="stable").index[:top_docs]]
    if table.shape[0] > top_topics:
        table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index[:top_topics]]
    table.index = [topic_labels.get(int(t), str(t)) for t in table.index]
    fig, ax = plt.subplots(figsize=(max(6, 0.6 * table.shape[1] + 4), 0.5 * table.shape[0] + 2))
    sns.heatmap(table, annot=table.shape[1] <= 20 and table.shape[0] <= 30, fmt="d", cmap="Blues", cbar_kws={"label": "paragraphs"}, ax=ax)
    ax.set_xlabel("outlet" if by == "source" else "document")
    ax.set_ylabel("topic")
    ax.set_title("Topics across outlets — توزيع الموضوعات على المصادر" if by == "source"
                 else "Topics across documents — توزيع الموضوعات على المقالات")
    plt.setp(ax.get_xticklabels(), rotation=40, ha="right")
    alt = (f"Heatmap of paragraph counts: {table.shape[0]} topics (rows) by {table.shape[1]} "
           f"{'outlets' if by == 'source' else 'documents'} (columns); largest columns: {_top(table.sum())}.")
    return _save(fig, path, alt)


@drawn_once
def paragraph_map(coords: np.ndarray, labels: pd.Series, path: Path) -> Path:
    """2-D map of the paragraphs (UMAP of their embeddings), coloured by label."""
    _ensure_fonts()
    fig, ax = plt.subplots(figsize=(7.5, 6))
    frame = pd.DataFrame({"x": coords[:, 0], "y": coords[:, 1], "label": labels.to_numpy()})
    for label in [lab for lab in LABELS if lab in set(frame["label"])]:
        part = frame[frame["label"] == label]
        ax.scatter(part["x"], part["y"], s=28, alpha=0.8, color=LABEL_COLORS[label], label=f"{label} ({len(part)})")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(frameon=False)
    ax.set_title("Paragraphs in embedding space (UMAP) — الفقرات في فضاء التضمين")
    alt = (f"Scatter plot of {len(frame)} paragraphs on a 2-D UMAP map of their embeddings, coloured by label: "
           + ", ".join(f"{k} {n}" for k, n in frame["label"].value_counts().items()) + ".")
    return _save(fig, path, alt)


@drawn_once
def confusion(matrix: pd.DataFrame, path: Path) -> Path:
    """Confusion matrix: hand labels (rows) against predicted labels (columns)."""
    _ensure_fonts()
    # Wide enough for one label per column; rotated so that long names (boilerplate,
    # <missing>) do not run into each other.
    fig, ax = plt.subplots(figsize=(max(7, 1.3 * matrix.shape[1] + 2.5), 0.7 * matrix.shape[0] + 2.5))
    sns.heatmap(matrix, annot=True, fmt="d", cmap="Greens", cbar=False, ax=ax, linewidths=0.5, linecolor="white")
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right", rotation_mode="anchor")
    plt.setp(ax.get_yticklabels(), rotation=0)
    ax.set_xlabel("predicted")
    ax.set_ylabel("hand label")
    ax.set_title("Lines: hand labels against predictions — مقارنة بالتصنيف اليدوي")
    agree = int(sum(matrix.loc[r, r] for r in matrix.index if r in matrix.columns))
    alt = (f"Confusion matrix of {int(matrix.to_numpy().sum())} hand-labelled lines: hand labels (rows: "
           f"{', '.join(map(str, matrix.index))}) against predicted labels (columns); {agree} on the diagonal.")
    return _save(fig, path, alt)


@drawn_once
def by_outlet(line_labels: pd.DataFrame, documents: pd.DataFrame, path: Path, top_n: int = 25) -> Path | None:
    """Lines by label for each outlet (documents' ``source``); None when no source is known."""
    _ensure_fonts()
    sources = documents.set_index("doc")["source"].replace("", np.nan).dropna()
    if sources.empty:
        return None
    frame = line_labels.assign(source=line_labels["doc"].map(sources)).dropna(subset=["source"])
    counts = pd.crosstab(frame["source"], frame["label"]).reindex(columns=list(LABELS), fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False).index[:top_n]]
    share = counts.div(counts.sum(axis=1), axis=0)
    fig, axes = plt.subplots(1, 2, figsize=(13, 0.42 * len(counts) + 1.8), sharey=True)
    for ax, table, xlabel in ((axes[0], counts, "lines"), (axes[1], share, "share of the outlet's lines")):
        _stacked_by_label(ax, table)
        ax.set_xlabel(xlabel)
    axes[0].invert_yaxis()
    axes[0].legend(ncol=5, loc="upper center", bbox_to_anchor=(1.0, -0.08 - 0.25 / max(len(counts), 1)), frameon=False)
    fig.suptitle("Coverage by outlet — التغطية حسب المصدر")
    alt = (f"Stacked bars of lines by label for {len(counts)} outlets, counts (left) and shares (right); "
           f"most lines: {_top(counts.sum(axis=1))}.")
    return _save(fig, path, alt)


@drawn_once
def by_day(line_labels: pd.DataFrame, documents: pd.DataFrame, path: Path, top_sources: int = 8) -> Path | None:
    """Core lines per day, per outlet (the largest ``top_sources``); None without dates."""
    _ensure_fonts()
    dates = pd.to_datetime(documents.set_index("doc")["date"].replace("", np.nan), errors="coerce").dropna()
    if dates.empty:
        return None
    core = line_labels[line_labels["label"] == "core"]
    frame = pd.DataFrame({"day": core["doc"].map(dates).dt.floor("D"),
                          "source": core["doc"].map(documents.set_index("doc")["source"]).replace("", "(unknown)")})
    frame = frame.dropna(subset=["day"])
    if frame.empty:
        return None
    top = frame["source"].value_counts().index[:top_sources]
    frame["source"] = frame["source"].where(frame["source"].isin(top), "other outlets")
    table = pd.crosstab(frame["day"], frame["source"])
    fig, ax = plt.subplots(figsize=(10, 4.5))
    table.plot(ax=ax, marker="o")
    ax.set_xlabel("day")
    ax.set_ylabel("core lines")
    ax.set_title("Coverage by day — التغطية حسب اليوم")
    ax.legend(frameon=False, fontsize=8, ncol=2)
    alt = (f"Lines of core coverage per day from {table.index.min():%Y-%m-%d} to {table.index.max():%Y-%m-%d}, "
           f"one line per outlet ({table.shape[1]}); busiest days: {_top(table.sum(axis=1).rename(lambda d: f'{d:%Y-%m-%d}'))}.")
    return _save(fig, path, alt)


def _heatmap(matrix: pd.DataFrame, path: Path, title: str, empty: str, xlabel: str, ylabel: str,
             size: tuple[float, float], alt: str = "", **heatmap_args) -> Path:
    """A seaborn heatmap of ``matrix`` with rotated column labels, or ``empty`` when it has no rows."""
    _ensure_fonts()
    fig, ax = plt.subplots(figsize=size)
    if matrix.empty:
        ax.text(0.5, 0.5, empty, ha="center", va="center")
        ax.set_axis_off()
    else:
        sns.heatmap(matrix, ax=ax, **heatmap_args)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        plt.setp(ax.get_xticklabels(), rotation=40, ha="right")
    ax.set_title(title)
    return _save(fig, path, alt)


@drawn_once
def actor_heatmap(matrix: pd.DataFrame, path: Path, column_label: str = "outlet", total: int | None = None) -> Path:
    """Mentions of the most named actors (rows) per outlet or document (columns); ``total``, the
    number of actors found, is named in the title when the matrix shows fewer."""
    shown = len(matrix)
    part = f"\n(the {shown} most named of {total})" if total and total > shown else ""
    alt = (f"Heatmap of mentions: {shown} actors and places (rows{f', the most named of {total}' if part else ''}) "
           f"by {matrix.shape[1]} {column_label}s (columns); most named: {_top(matrix.sum(axis=1)) if shown else 'none'}.")
    return _heatmap(matrix, path, f"Actors and places per {column_label} — الفاعلون والأماكن{part}",
                    "no actors found in the coverage", column_label, "",
                    (max(6, 0.6 * matrix.shape[1] + 4), 0.38 * max(len(matrix), 1) + 2), alt=alt,
                    annot=matrix.shape[1] <= 20, fmt="d", cmap="Purples", cbar_kws={"label": "mentions"})


CLAIM_MARKERS = {"exact": "o", "about": "D", "more_than": ">", "at_least": ">", "less_than": "<", "up_to": "<",
                 "range": "|", "vague": "s"}


@drawn_once
def claims_by_outlet(claims: pd.DataFrame, outlet: pd.Series, path: Path, quantity: str = "troops",
                     row_label: str = "outlet", max_per_row: int = 8) -> Path | None:
    """The ``quantity`` claims of each outlet (or document: ``outlet`` maps each doc to its row
    name, ``row_label`` says which) on a log scale.

    Every distinct claim (value, upper value, qualifier) gets its own line inside its outlet's
    band, so that claims of one outlet never hide each other; a claim repeated is drawn once
    with "×n". A range is a solid bar between its ends; a vague quantity (عشرات الآلاف) is a
    dotted span with open ends and its words, not a bar: it says "some ten-thousands", not
    "10,000 to 99,999"."""
    _ensure_fonts()
    rows = claims[claims["quantity"] == quantity].copy()
    if rows.empty:
        return None
    rows["outlet"] = rows["doc"].map(outlet).fillna(rows["doc"]).astype(str)
    rows["value_max"] = pd.to_numeric(rows["value_max"], errors="coerce")
    distinct = (rows.groupby(["outlet", "value", "value_max", "qualifier"], dropna=False, sort=True)
                .agg(n=("doc", "size"), words=("number_text", "first")).reset_index())
    bands = _claim_bands(distinct, max_per_row)
    fig, ax = plt.subplots(figsize=(10, 0.34 * sum(len(b) for _, b in bands) + 0.3 * len(bands) + 2))
    y, ticks, seen = 0.0, [], set()
    for k, (name, band) in enumerate(bands):
        top = y
        for r in band.itertuples(index=False):
            _draw_claim(ax, r, y, seen)
            y += 1
        ticks.append(((top + y - 1) / 2, name))
        if k < len(bands) - 1:
            ax.axhline(y - 0.5 + 0.15, color="#ced4da", lw=0.8)
        y += 0.3
    ax.set_xscale("log")
    ax.set_yticks([t for t, _ in ticks], [n for _, n in ticks])
    ax.set_ylim(y - 0.3, -0.7)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"claimed number ({quantity})")
    ax.set_title(f"Claims of {quantity} numbers by {row_label} — الأرقام المعلنة حسب "
                 + ("المصدر" if row_label == "outlet" else "المقال"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14 - 0.25 / max(y, 1)), ncol=4, frameon=False)
    vague = distinct[distinct["qualifier"] == "vague"]
    alt = (f"Dot plot on a log scale of {len(rows)} {quantity} claims in {distinct['outlet'].nunique()} {row_label}s, "
           f"one line per distinct claim: values from {rows['value'].min():,.0f} to "
           f"{rows['value_max'].fillna(rows['value']).where(rows['qualifier'] != 'vague', rows['value']).max():,.0f}"
           + (f"; {len(vague)} vague quantities drawn as dotted spans" if len(vague) else "") + ".")
    return _save(fig, path, alt)


def _claim_bands(distinct: pd.DataFrame, max_per_row: int) -> list[tuple[str, pd.DataFrame]]:
    """Each outlet's distinct claims, smallest first (at most ``max_per_row``, the most repeated)."""
    bands = []
    for name, band in distinct.groupby("outlet", sort=True):
        if len(band) > max_per_row:
            band = band.sort_values("n", ascending=False, kind="stable").head(max_per_row)
            name = f"{name} ({max_per_row} of {len(distinct[distinct['outlet'] == name])})"
        bands.append((name, band.sort_values(["value", "qualifier"], kind="stable")))
    return bands


def _draw_claim(ax, r, y: float, seen: set) -> None:
    """One claim at height ``y``: marker, range bar or vague span, and its words."""
    def label(name):
        if name in seen:
            return None
        seen.add(name)
        return name
    end = r.value
    if r.qualifier == "vague" and not np.isnan(r.value_max):
        ax.plot([r.value, r.value_max], [y, y], color="#868e96", lw=2, ls=":", label=label("vague (order of magnitude)"))
        ax.scatter([r.value, r.value_max], [y, y], marker="|", s=80, color="#868e96", zorder=3)
        ax.scatter([r.value], [y], marker="s", s=55, facecolors="white", edgecolors="#d9480f", zorder=4,
                   label=label("vague"))
        end = r.value_max
    else:
        if not np.isnan(r.value_max):
            ax.plot([r.value, r.value_max], [y, y], color="#495057", lw=3, alpha=0.7, solid_capstyle="butt",
                    label=label("range"))
            end = r.value_max
        ax.scatter([r.value], [y], marker=CLAIM_MARKERS.get(r.qualifier, "o"), s=60, color="#d9480f", zorder=4,
                   label=label(r.qualifier))
    ax.annotate(f"{r.words}" + (f"  ×{r.n}" if r.n > 1 else ""), (end, y), xytext=(8, 0), textcoords="offset points",
                va="center", fontsize=8, color="#343a40")


def topic_column_order(columns) -> list:
    """Topic labels ("3: words", "outliers: words", or bare numbers) in topic-number order,
    the outliers last."""
    def key(label):
        head = str(label).split(":")[0].strip()
        if head in ("-1", "outliers"):
            return (1, 0)
        try:
            return (0, int(head))
        except ValueError:
            return (0, float("inf"))
    return sorted(columns, key=key)


@drawn_once
def framing(matrix: pd.DataFrame, path: Path, row_label: str = "outlet") -> Path:
    """Share of each outlet's (or document's: ``row_label``) coverage lines (rows) in each topic
    (columns, by topic number, the outliers last)."""
    matrix = matrix[topic_column_order(matrix.columns)] if matrix.shape[1] else matrix
    alt = (f"Heatmap of shares: {matrix.shape[0]} {row_label}s (rows) by {matrix.shape[1]} topics (columns), the "
           f"share of each {row_label}'s coverage lines in each topic"
           + (f"; largest topic overall: {_top(matrix.mean(), 1, '{:.0%}')}." if matrix.shape[1] and len(matrix) else "."))
    return _heatmap(matrix, path, f"Framing: topics of each {row_label}'s coverage — أطر التغطية في كل "
                    + ("مصدر" if row_label == "outlet" else "مقال"), "no coverage lines", "topic", row_label,
                    (max(7, 0.7 * matrix.shape[1] + 4), 0.45 * max(len(matrix), 1) + 3),
                    alt=alt, annot=matrix.shape[1] <= 16 and matrix.shape[0] <= 30, fmt=".0%", cmap="YlGnBu",
                    vmin=0, vmax=1, cbar_kws={"label": f"share of the {row_label}'s coverage lines"})
