# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (arabic-news-toolkit)
#     language: python
#     name: arabic-news-toolkit
# ---

# %% [markdown]
# # 2. Embeddings, topics and separation — التضمين والموضوعات والفصل
#
# Embeds the kept paragraphs (raw text, offline encoder, cached), fits BERTopic with an
# Arabic-aware vectorizer, and labels every paragraph `core` (the coverage under study) or
# `insert` (text that does not belong), then writes the per-line table.

# %% tags=["parameters"]
corpus = "data/raw"
run_dir = "outputs/seeds"
run_name = "seeds"
from toolkit.params import SEED_FOCUS
focus = SEED_FOCUS  # Arabic description of the coverage under study; None: the dominant topic
seed = 42
embedding_backend = "use-multilingual-v3"
cache_dir = "data/cache"
min_topic_size = None
n_neighbors = None
patterns = None
switch_penalty = 0.25
max_paragraph_words = 200
gold = "data/gold/seeds_lines.csv"
columns = None
on_bad_file = "skip"

# %%
import os
from pathlib import Path

from toolkit import embed, framing, interactive, separate, topics
from toolkit.params import from_namespace
from toolkit.workspace import RunFolder

p = from_namespace(globals())
run = RunFolder(p["run_dir"])
documents, lines, segments = (run.load_frame(n) for n in ("documents", "lines", "segments"))
show_progress = os.environ.get("TOOLKIT_PROGRESS") == "1"

# %%
with run.stage("embed"):
    embedder = embed.make_embedder(p["embedding_backend"])
    cache = embed.EmbeddingCache(Path(p["cache_dir"]) / "embeddings", embedder.cache_key) if p["cache_dir"] else None
    vectors, embed_stats = embed.embed_texts(segments["text"].tolist(), embedder, cache, progress=show_progress)
embed_stats

# %%
with run.stage("topics"):
    topic_model = topics.TopicModel(embedder, min_topic_size=p["min_topic_size"], n_neighbors=p["n_neighbors"],
                                    random_state=p["seed"], verbose=show_progress,
                                    cache_dir=p["cache_dir"]).fit(segments, vectors)
    # The map shows at most 5,000 paragraphs (a seeded sample on large corpora).
    on_map = topics.map_sample(len(vectors), random_state=p["seed"])
    coords = topics.map_2d(vectors[on_map], random_state=p["seed"], cache_dir=p["cache_dir"])
assignments = topic_model.assignments_
run.save_frame(assignments, "topics")
run.save_array(coords, "map_2d")
run.save_array(on_map, "map_index")
print(topic_model.note_)

# %%
with run.stage("separate"):
    if p["focus"]:
        focus_vector = embed.embed_texts([p["focus"]], embedder, cache)[0][0]
        focus_origin = "given by the focus parameter"
    else:
        focus_vector, focus_origin = separate.dominant_focus(vectors, assignments, topic_model)
    separator = separate.FocusSeparator(switch_penalty=p["switch_penalty"], random_state=p["seed"])
    separator.fit(segments, vectors, assignments, lines, focus_vector)
    line_labels = separate.line_table(lines, segments, separator.result_, assignments)
    topic_summary = separate.topic_table(topic_model, separator.result_, assignments, vectors,
                                         separator.focus_centroid_)
    document_summary = separate.document_table(line_labels, documents)

run.save_frame(separator.result_, "separation")
run.write_csv(line_labels, "lines.csv")
run.write_csv(topic_summary, "topics.csv")
run.write_csv(document_summary, "documents.csv")
run.save_json({
    "focus": p["focus"], "focus_origin": focus_origin,
    "threshold": round(float(separator.threshold_.value), 4),
    "threshold_method": separator.threshold_.method,
    "glued_article_checks": separator.pieces_,
    "topic_model": topic_model.note_, "topic_sizes": topic_model.sizes_,
    "embedding": {"backend": embedder.name, "cache_key": embedder.cache_key, **embed_stats},
}, "run_info")

# %% [markdown]
# ## For the report: typical lines of each topic and BERTopic's interactive views
#
# Both need the embeddings or the fitted model, which live in this notebook's kernel.

# %%
with run.stage("topic views"):
    typical = framing.typical_lines(segments, assignments, separator.result_, vectors)
    views, views_skipped = interactive.topic_views(topic_model, segments["text"].tolist(), coords, on_map,
                                                   random_state=p["seed"])
    interactive.save_views(views, views_skipped, run.work("views"))
run.write_csv(typical, "typical_lines.csv")
print("interactive views:", sorted(views), "skipped:", views_skipped)

# %% [markdown]
# ## Result

# %%
print(separator.threshold_.method)
line_labels["label"].value_counts()

# %%
topic_summary
