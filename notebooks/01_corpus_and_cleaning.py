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
# # 1. Corpus and cleaning — المدونة وتنظيفها
#
# Loads every file of the corpus, splits it into lines (keeping 1-based line numbers and
# character offsets), and sets aside — without deleting — repeats, site chrome and
# related-articles blocks. Each set-aside line gets a label and a reason.

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
max_zip_member_mb = 100  # a .zip member expanding to more is skipped (zip bomb); None: no limit
topic_sample_size = 50000
engine = "local"  # or "dask": partitions run on a Dask cluster's workers
dask_address = None  # scheduler address; None with engine "dask": a LocalCluster for this notebook
dask_workers = None
partition_size = 1000

# %%
import os

from toolkit import pipeline
from toolkit.engine import open_engine
from toolkit.params import from_namespace
from toolkit.workspace import RunFolder

p = from_namespace(globals())
run = RunFolder(p["run_dir"])
show_progress = os.environ.get("TOOLKIT_PROGRESS") == "1"

# %% [markdown]
# Every stage below runs per partition of documents (at most `partition_size` files or archive
# members each) on the engine the parameters name: in this process (`local`) or on the workers
# of a Dask cluster (`dask`). Both write the same tables.

# %%
with open_engine(p["engine"], p["dask_address"], p["dask_workers"], progress=show_progress) as engine:
    print("engine:", engine.description)
    prepared = pipeline.prepare_corpus(p, run, engine)  # timed as stages "load" and "clean"
skipped, cleaner = prepared["skipped"], prepared["cleaner"]
for warning in prepared["warnings"]:
    print("warning:", warning)
run.save_json({"warnings": prepared["warnings"], "skipped": len(skipped), "partitions": prepared["partitions"],
               "engine": engine.description}, "loading")
run.save_json({"patterns": cleaner.patterns_.source,
               "repeated_line_threshold_docs": cleaner.repeat_threshold_,
               "repeated_lines": len(cleaner.repeated_keys_)}, "cleaning")
documents = run.load_frame("documents", columns=["doc", "encoding", "n_chars"])
lines = run.load_frame("lines", columns=["doc", "label"])

# %% [markdown]
# ## What was read

# %%
print(f"{prepared['documents']} documents in {prepared['partitions']} partition(s), {prepared['lines']} non-blank "
      f"lines, {prepared['segments']} paragraphs kept; {len(skipped)} files skipped")
documents[["doc", "encoding", "n_chars"]].assign(lines=documents["doc"].map(lines["doc"].value_counts()))

# %%
skipped

# %% [markdown]
# ## What cleaning set aside

# %%
lines.assign(label=lines["label"].replace("", "kept")).groupby(["doc", "label"]).size().unstack(fill_value=0)
