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

# %%
import os

from toolkit import clean, load, segment
from toolkit.params import from_namespace
from toolkit.workspace import RunFolder

p = from_namespace(globals())
run = RunFolder(p["run_dir"])

# %%
show_progress = os.environ.get("TOOLKIT_PROGRESS") == "1"
with run.stage("load"):
    documents, skipped = load.load_corpus(p["corpus"], columns=p["columns"], on_bad_file=p["on_bad_file"],
                                          progress=show_progress)
    load_warnings = list(documents.attrs.get("warnings", []))
for warning in load_warnings:
    print("warning:", warning)
with run.stage("segment_lines"):
    lines = segment.split_lines(documents, progress=show_progress)
with run.stage("clean"):
    cleaner = clean.LineCleaner(patterns=p["patterns"])
    lines = cleaner.fit_transform(lines, progress=show_progress)
with run.stage("segment_paragraphs"):
    segments = segment.make_segments(lines, max_words=p["max_paragraph_words"])

for name, frame in [("documents", documents), ("skipped", skipped), ("lines", lines), ("segments", segments)]:
    run.save_frame(frame, name)
run.save_json({"warnings": load_warnings, "skipped": len(skipped)}, "loading")
run.save_json({"patterns": cleaner.patterns_.source,
               "repeated_line_threshold_docs": cleaner.repeat_threshold_,
               "repeated_lines": len(cleaner.repeated_keys_)}, "cleaning")

# %% [markdown]
# ## What was read

# %%
print(f"{len(documents)} documents, {len(lines)} non-blank lines, {len(segments)} paragraphs kept; "
      f"{len(skipped)} files skipped")
documents[["doc", "encoding", "n_chars"]].assign(lines=documents["doc"].map(lines["doc"].value_counts()))

# %%
skipped

# %% [markdown]
# ## What cleaning set aside

# %%
lines.assign(label=lines["label"].replace("", "kept")).groupby(["doc", "label"]).size().unstack(fill_value=0)
