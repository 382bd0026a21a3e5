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
from toolkit.study.params import SEED_FOCUS
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
max_zip_member_mb = 100  # a .zip member expanding to more is skipped (zip bomb); None: no limit
topic_sample_size = 50000
engine = "local"  # or "dask": partitions run on a Dask cluster's workers
dask_address = None  # scheduler address; None with engine "dask": a LocalCluster for this notebook
dask_workers = None
partition_size = 1000
report_rows = 200  # rows of each searchable table in the report (tables/*.csv hold all)
stage_cache = True  # restore stages computed before from the same corpus, parameters and code

# %%
import os

import pandas as pd

from toolkit.model import embed, separate, topics
from toolkit.study import interactive, pipeline
from toolkit.study.engine import open_engine
from toolkit.study.params import from_namespace
from toolkit.study.workspace import RunFolder

p = from_namespace(globals())
run = RunFolder(p["run_dir"])
show_progress = os.environ.get("TOOLKIT_PROGRESS") == "1"

# %% [markdown]
# Embedding, the assignment of topics and the separation run per partition on the engine;
# the topic model is fitted here, on a seeded sample of at most `topic_sample_size`
# paragraphs (all of them on smaller corpora).

# %%
with open_engine(p["engine"], p["dask_address"], p["dask_workers"], progress=show_progress) as engine:
    print("engine:", engine.description)
    with run.stage("embed"):
        embed_stats = pipeline.embed_corpus(p, run, engine)
    embedder, cache = pipeline.focus_embedder(p)
    with run.stage("topics"):
        fitted = pipeline.fit_topics(p, run, engine, embedder, verbose=show_progress)
        topic_model = fitted["model"]
        # The map shows at most 5,000 of the fitted paragraphs (a seeded sample on large corpora).
        on_map, map_index = pipeline.map_points(fitted, p["seed"])
        coords = topics.map_2d(fitted["sample_vectors"][on_map], random_state=p["seed"], cache_dir=p["cache_dir"])
    with run.stage("separate"):
        # The focus parameter, or without one what the corpus shows: a dominant coverage, or a
        # mixed collection with none (then only what does not belong to its article is set aside).
        coverage = pipeline.find_coverage(p, fitted, embedder, cache, run)
        separated = pipeline.separate_corpus(p, run, engine, coverage.focus_vector, fitted, coverage.profile_sample)
separator, label_counts = separated["separator"], separated["label_counts"]
run.save_array(coords, "map_2d")
run.save_array(map_index, "map_index")
print(topic_model.note_)
embed_stats

# %% [markdown]
# ## What the topic model found
#
# BERTopic groups the paragraphs by their 512-d embeddings (reduced to 5 dimensions by UMAP,
# then clustered by HDBSCAN) and names each topic by its most distinctive words (c-TF-IDF over
# normalized Arabic, shown in the corpus's own spelling). HDBSCAN leaves the paragraphs it
# cannot place with confidence as outliers (topic -1); each then takes the topic whose centre
# its embedding is closest to (BERTopic's `reduce_outliers`), so that every paragraph carries
# topic evidence into the separation. `from_outliers` counts, per topic, the paragraphs it
# received that way.
#
# The fitted model is saved in `work/topic_model/` of the run:
# `toolkit.model.topics.load_topic_model(run_dir).assign(texts)` puts new text into these topics.

# %%
from IPython.display import Markdown, display

display(Markdown(topics.summary(topic_model)))
topics.overview(topic_model)

# %%
run.save_json({
    "focus": p["focus"], "focus_origin": coverage.statement, "coverage": coverage.record(),
    "threshold": round(float(separator.threshold_.value), 4) if separator.has_focus_ else None,
    "threshold_method": separator.threshold_.method,
    "glued_article_checks": separator.pieces_,
    "lexical_view": {"documents_counted": separator.lexicon_.n_documents,
                     "profile_terms": len(separator.lexical_profile_),
                     "coherence": round(separator.lexical_coherence_, 4),
                     "threshold": round(separator.lexical_threshold_, 4),
                     "top_terms": [t for t, _ in sorted(separator.lexical_profile_.items(), key=lambda kv: -kv[1])[:15]]}
                    if separator.has_focus_ else {},  # a mixed collection has no focus profile
    "focus_places": separator.focus_places_.record() if separator.has_focus_ else {},
    "splice_detector": (dict(separator.splice_detector_.training_, search_threshold=separator.splice_threshold,
                             confirm_threshold=separator.confirm_threshold)
                        if separator.splice_detector_ is not None else
                        {"note": f"not learnt: fewer than {separator.min_learning_documents} documents"}),
    "topic_model": topic_model.note_, "topic_sizes": topic_model.sizes_, "topic_outliers": topic_model.outliers_,
    "topic_sample": {"fitted": int(len(fitted["sample"])), "paragraphs": int(sum(fitted["topic_sizes"].values()))},
    "engine": engine.description,
    "embedding": {"backend": embedder.name, "cache_key": embedder.cache_key, **embed_stats},
}, "run_info")

# %% [markdown]
# ## For the report: BERTopic's interactive views
#
# They need the fitted model, which lives in this notebook's kernel. Besides the topic map,
# the paragraphs map (hover: document, line, label and the paragraph's words), the hierarchy
# and the top words, two views follow the documents' metadata: topics over time (by the
# documents' `date`) and topics per outlet (their `source`), also written as
# `tables/topics_over_time.csv` and `tables/topics_per_outlet.csv`. Without dates, or with a
# single outlet, that view is not drawn and the reason is recorded.

# %%
with run.stage("topic views"):  # saved in work/views/ for the report
    views, views_skipped = pipeline.draw_topic_views(p, run, fitted, coords, on_map)
print("interactive views drawn:", ", ".join(sorted(views)))
for name, reason in views_skipped.items():
    print(f"not drawn: {interactive.TITLES[name]}: {reason}")

# %% [markdown]
# ## Result

# %%
print(coverage.statement)
print(separator.threshold_.method)
if separator.has_focus_:
    print(f"lexical threshold {separator.lexical_threshold_:.3f} (profile of the seed paragraphs; top terms: "
          + "، ".join(t for t, _ in sorted(separator.lexical_profile_.items(), key=lambda kv: -kv[1])[:10]) + ")")
if separator.has_focus_:
    places = separator.focus_places_
    print(("places of the focus: " + "، ".join(sorted(places.places)) + " (main: " + "، ".join(sorted(places.main_places)) + ")")
          if places.anchored else "the focus is not anchored in places: where a text happens is not used")
if separator.splice_detector_ is not None:
    print("splice detector:", {k: v for k, v in separator.splice_detector_.training_.items() if k != "coefficients"})
label_counts  # lines per label (every line with its label: tables/lines.csv)

# %% [markdown]
# Runs and documents the separation judged as a whole — whole documents off the focus,
# off-focus runs inside on-focus articles (set aside only when foreign to their article), text
# after related-articles blocks — with the evidence behind each decision.

# %%
pd.DataFrame(separator.pieces_)

# %% [markdown]
# The topics with the separation's view of them: `focus_share` is the share of a topic's
# paragraphs labelled core, `focus_similarity` the cosine of its centre to the focus centre.
# A topic far from the focus with a low core share is what the separation set aside.

# %%
pd.read_csv(run.table("topics.csv"))
