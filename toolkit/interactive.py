"""Interactive topic views: BERTopic's plotly figures, saved with the run and embedded offline.

``topic_views`` draws BERTopic's four views of a fitted model (intertopic distance map, documents
map, hierarchy, term bars) with readable Arabic labels; ``save_views``/``load_views`` keep them as
plotly JSON in the run folder (the model lives in notebook 2, the report in notebook 3); ``to_html``
gives the HTML a notebook output needs so that nbconvert keeps a working figure: plotly.js is
embedded in the first figure only (``include_plotlyjs=True``), so the report works with the
network off and carries the library once.

A view the model cannot draw (too few topics for a distance map or a hierarchy) is left out with
the reason in ``skipped``; the static PNG figures of the report are the print versions.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np

VIEWS = ("topics", "documents", "hierarchy", "terms")


def topic_views(topic_model, texts: list[str], coords: np.ndarray, on_map: np.ndarray,
                random_state: int = 0) -> tuple[dict, dict]:
    """Plotly figures of a fitted ``topics.TopicModel``: (views by name, skipped name -> reason).

    ``texts`` are all paragraphs (as fitted); ``coords`` the 2-D map of the paragraphs ``on_map``.
    """
    views, skipped = {}, {}
    model = getattr(topic_model, "model_", None)
    if model is None:
        return views, {name: "no topic model (the corpus formed one topic)" for name in VIEWS}
    # Views show words as the corpus spells them (الشمالية, not the vectorizer's الشماليه) and
    # labels "words (id)", which read the same in either text direction. A copy keeps the
    # fitted model as it was.
    forms = getattr(topic_model, "surface_forms_", {})
    model = copy.copy(model)
    model.topic_representations_ = {t: [(forms.get(w, w), score) for w, score in words]
                                     for t, words in model.topic_representations_.items()}
    labels = {t: " · ".join(words[:3]) + (f" ({t})" if t != -1 else " (outliers)")
              for t, words in topic_model.topic_words_.items()}
    model.set_topic_labels(labels)
    topic_ids = [t for t in sorted(labels) if t != -1]

    def attempt(name, draw):
        try:
            views[name] = draw()
        except Exception as exc:  # BERTopic raises assorted errors for small models
            skipped[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"

    if len(topic_ids) >= 3:
        attempt("topics", lambda: model.visualize_topics(custom_labels=True, width=800, height=650))
    else:
        skipped["topics"] = f"{len(topic_ids)} topics: a distance map needs at least 3"

    def documents():
        # BERTopic reads each paragraph's topic from the model: give it the mapped sample's.
        sample_model = copy.copy(model)
        sample_model.topics_ = [int(t) for t in np.asarray(model.topics_)[on_map]]
        np.random.seed(random_state)  # BERTopic shuffles the points with the global generator
        return sample_model.visualize_documents([texts[i][:300] for i in on_map], reduced_embeddings=coords,
                                                custom_labels=True, hide_annotations=True,
                                                width=1000, height=700)

    attempt("documents", documents)
    if len(topic_ids) >= 2:
        def hierarchy():
            # With the merge tree given, each inner node has a hover label (its merged words).
            tree = model.hierarchical_topics(texts)
            tree["Parent_Name"] = tree["Parent_Name"].map(
                lambda n: "_".join(forms.get(w, w) for w in str(n).split("_")))
            return model.visualize_hierarchy(custom_labels=True, hierarchical_topics=tree, width=1000,
                                             height=max(400, 40 * len(topic_ids)))

        attempt("hierarchy", hierarchy)
    else:
        skipped["hierarchy"] = f"{len(topic_ids)} topic(s): a hierarchy needs at least 2"
    attempt("terms", lambda: model.visualize_barchart(top_n_topics=min(12, max(1, len(topic_ids))), n_words=6,
                                                      custom_labels=True, width=300, height=280))
    for fig in views.values():
        fig.update_layout(font=dict(family="Noto Sans Arabic, Arial, sans-serif"))
    return views, skipped


def save_views(views: dict, skipped: dict, folder: str | Path) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, fig in views.items():
        (folder / f"{name}.json").write_text(fig.to_json(), "utf-8")
    (folder / "skipped.json").write_text(json.dumps(skipped, ensure_ascii=False, indent=1), "utf-8")


def load_views(folder: str | Path) -> tuple[dict, dict]:
    import plotly.io as pio

    folder = Path(folder)
    views = {name: pio.from_json((folder / f"{name}.json").read_text("utf-8"))
             for name in VIEWS if (folder / f"{name}.json").exists()}
    skipped_path = folder / "skipped.json"
    skipped = json.loads(skipped_path.read_text("utf-8")) if skipped_path.exists() else {}
    return views, skipped


class OfflineFigures:
    """HTML for plotly figures in notebook outputs: the library inlined once, then reused."""

    def __init__(self):
        self.library_included = False

    def to_html(self, fig, div_id: str) -> str:
        html = fig.to_html(full_html=False, include_plotlyjs=not self.library_included, div_id=div_id,
                           config={"displaylogo": False, "responsive": True})
        self.library_included = True
        return html
