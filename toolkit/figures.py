"""Figures (matplotlib/seaborn), with Arabic rendered natively.

matplotlib >= 3.11 shapes Arabic (joined letter forms) and lays it out right to left by
itself, so labels are passed as ordinary Unicode strings: no arabic-reshaper or python-bidi,
which on 3.11 would reverse the text a second time. The font is Noto Sans Arabic, installed
as a pinned PyPI package (``fontpkg-noto-sans-arabic``) so that every machine draws the same
glyphs; DejaVu Sans (bundled with matplotlib) is the fallback for Latin and digits.

Each function takes tables from the run, draws one figure, saves it as PNG and returns the
path. Contracts in: the public tables (``schema.LINE_LABELS``, ``schema.TOPICS``) and the
segment/topic tables.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from .schema import LABELS  # noqa: E402

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


def _save(fig, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Fixed metadata keeps the PNG bytes stable between runs (no creation date).
    fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return path


def _ensure_fonts():
    if not _fonts_ready:
        setup_fonts()


def _stacked_by_label(ax, table: pd.DataFrame) -> None:
    """Horizontal bars of ``table`` (rows x LABELS columns) stacked in label order."""
    left = np.zeros(len(table))
    for label in LABELS:
        ax.barh(table.index, table[label], left=left, color=LABEL_COLORS[label], label=label)
        left += table[label].to_numpy()


def composition(line_labels: pd.DataFrame, path: Path, top_n: int = 40) -> Path:
    """Per-document composition: stacked bars of lines by label (the ``top_n`` documents with
    the most lines set aside when the corpus is larger)."""
    _ensure_fonts()
    counts = pd.crosstab(line_labels["doc"], line_labels["label"]).reindex(columns=list(LABELS), fill_value=0)
    if len(counts) > top_n:
        counts = counts.loc[(counts.sum(axis=1) - counts["core"]).sort_values(ascending=False, kind="stable").index[:top_n]]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(counts) + 1.6))
    _stacked_by_label(ax, counts)
    ax.invert_yaxis()
    ax.set_xlabel("lines")
    ax.set_title("Composition of each document by label — تركيب كل مقال حسب التصنيف"
                 + (f"\n({top_n} documents with the most lines set aside)" if len(line_labels["doc"].unique()) > top_n else ""))
    ax.legend(ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 / max(len(counts), 1)), frameon=False)
    return _save(fig, path)


def topic_sizes(topics_table: pd.DataFrame, path: Path, n_words: int = 5, top_n: int = 30) -> Path:
    """Topic sizes, each bar labelled with its Arabic top words, coloured by focus share."""
    _ensure_fonts()
    t = topics_table.sort_values("size", ascending=False).head(top_n)
    labels = [f"{'outliers' if k == -1 else k}: " + " ".join(str(w).split()[:n_words])
              for k, w in zip(t["topic"], t["top_words"])]
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(t) + 1.5))
    colors = plt.cm.RdYlGn(t["focus_share"].to_numpy())
    ax.barh(labels, t["size"], color=colors)
    ax.invert_yaxis()
    ax.set_xlabel("paragraphs")
    ax.set_title("Topics and their top words — الموضوعات وأبرز كلماتها")
    sm = plt.cm.ScalarMappable(cmap="RdYlGn", norm=plt.Normalize(0, 1))
    fig.colorbar(sm, ax=ax, label="share of paragraphs in the focus (core)")
    return _save(fig, path)


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
    return _save(fig, path)


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
    return _save(fig, path)


def confusion(matrix: pd.DataFrame, path: Path) -> Path:
    """Confusion matrix: hand labels (rows) against predicted labels (columns)."""
    _ensure_fonts()
    fig, ax = plt.subplots(figsize=(7, 5))
    sns.heatmap(matrix, annot=True, fmt="d", cmap="Greens", cbar=False, ax=ax)
    ax.set_xlabel("predicted")
    ax.set_ylabel("hand label")
    ax.set_title("Lines: hand labels against predictions — مقارنة بالتصنيف اليدوي")
    return _save(fig, path)


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
    return _save(fig, path)


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
    return _save(fig, path)


def _heatmap(matrix: pd.DataFrame, path: Path, title: str, empty: str, xlabel: str, ylabel: str,
             size: tuple[float, float], **heatmap_args) -> Path:
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
    return _save(fig, path)


def actor_heatmap(matrix: pd.DataFrame, path: Path, column_label: str = "outlet") -> Path:
    """Mentions of the most named actors (rows) per outlet or document (columns)."""
    return _heatmap(matrix, path, f"Actors and places per {column_label} — الفاعلون والأماكن",
                    "no actors found in the coverage", column_label, "",
                    (max(6, 0.6 * matrix.shape[1] + 4), 0.38 * max(len(matrix), 1) + 2),
                    annot=matrix.shape[1] <= 20, fmt="d", cmap="Purples", cbar_kws={"label": "mentions"})


def claims_by_outlet(claims: pd.DataFrame, outlet: pd.Series, path: Path, quantity: str = "troops") -> Path | None:
    """The ``quantity`` claims of each outlet on a log scale: a dot per number, a bar per range."""
    _ensure_fonts()
    rows = claims[claims["quantity"] == quantity].copy()
    if rows.empty:
        return None
    rows["outlet"] = rows["doc"].map(outlet).fillna(rows["doc"]).astype(str)
    order = sorted(rows["outlet"].unique())
    y = {o: k for k, o in enumerate(order)}
    markers = {"exact": "o", "about": "D", "more_than": ">", "less_than": "<", "up_to": "<",
               "at_least": ">", "range": "|", "vague": "s"}
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(order) + 1.8))
    seen = set()
    for k, r in enumerate(rows.itertuples(index=False)):
        jitter = ((k % 5) - 2) * 0.06
        yy = y[r.outlet] + jitter
        if not np.isnan(r.value_max):
            ax.plot([r.value, r.value_max], [yy, yy], color="#495057", lw=3, alpha=0.6,
                    label=None if "span" in seen else "range / vague span")
            seen.add("span")
        ax.scatter([r.value], [yy], marker=markers.get(r.qualifier, "o"), s=60, color="#d9480f", zorder=3,
                   label=None if r.qualifier in seen else r.qualifier)
        seen.add(r.qualifier)
    ax.set_xscale("log")
    ax.set_yticks(range(len(order)), order)
    ax.set_xlabel(f"claimed number ({quantity})")
    ax.set_title(f"Claims of {quantity} numbers by outlet — الأرقام المعلنة حسب المصدر")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18 - 0.2 / max(len(order), 1)), ncol=4, frameon=False)
    return _save(fig, path)


def framing(matrix: pd.DataFrame, path: Path) -> Path:
    """Share of each outlet's coverage lines (rows) in each topic (columns)."""
    return _heatmap(matrix, path, "Framing: topics of each outlet's coverage — أطر التغطية في كل مصدر",
                    "no coverage lines", "topic", "outlet",
                    (max(7, 0.7 * matrix.shape[1] + 4), 0.45 * max(len(matrix), 1) + 3),
                    annot=matrix.shape[1] <= 16 and matrix.shape[0] <= 30, fmt=".0%", cmap="YlGnBu",
                    vmin=0, vmax=1, cbar_kws={"label": "share of the outlet's coverage lines"})
