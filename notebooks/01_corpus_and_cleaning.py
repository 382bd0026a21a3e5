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

from IPython.display import Markdown, display

from toolkit.study import narrate, pipeline
from toolkit.study.engine import open_engine
from toolkit.study.params import from_namespace
from toolkit.study.workspace import RunFolder

p = from_namespace(globals())  # relative paths are read from the project folder, not this one
run = RunFolder(p["run_dir"])
show_progress = os.environ.get("TOOLKIT_PROGRESS") == "1"

# %% [markdown]
# ## Reading the corpus
#
# Every file of the corpus folder is read in place: text files as one article each, tables
# (`.jsonl`, `.csv`, `.parquet`) as one article per row, HTML pages by their main text. Bytes
# are decoded (UTF-8, else the Arabic code pages), and each article is split into its
# non-blank lines, numbered as in the file. A file that cannot be read as text is skipped and
# recorded with the reason, never silently dropped.
#
# The work runs per partition of documents (at most `partition_size` files or archive members
# each) on the engine the parameters name: in this process (`local`) or on the workers of a
# Dask cluster (`dask`). Both write the same tables.

# %%
with open_engine(p["engine"], p["dask_address"], p["dask_workers"], progress=show_progress) as engine:
    prepared = pipeline.prepare_corpus(p, run, engine)  # timed as stages "load" and "clean"
skipped, cleaner = prepared["skipped"], prepared["cleaner"]
run.save_json({"warnings": prepared["warnings"], "skipped": len(skipped), "partitions": prepared["partitions"],
               "engine": engine.description}, "loading")
run.save_json({"patterns": cleaner.patterns_.source,
               "repeated_line_threshold_docs": cleaner.repeat_threshold_,
               "repeated_lines": len(cleaner.repeated_keys_)}, "cleaning")
documents = run.load_frame("documents", columns=["doc", "title", "encoding", "n_chars"])
lines = run.load_frame("lines", columns=["doc", "line", "text", "label", "reason"])
display(Markdown(narrate.reading_summary(prepared, p["corpus"]) + f" Engine: {engine.description}."))
for warning in prepared["warnings"]:
    display(Markdown(f"**Warning:** {warning}"))
if not skipped.empty:
    display(narrate.arabic_table(skipped))

# %% [markdown]
# The documents read, each with its title (the first line of a text file), the encoding its
# bytes were decoded with, and its lines — how many cleaning kept and set aside.

# %%
narrate.arabic_table(narrate.documents_overview(documents, lines))

# %% [markdown]
# ## Cleaning: what was set aside, and why
#
# Scraped pages carry more than the article: the site's menus and share buttons, blocks of
# links to related articles, lines repeated by the page. Cleaning labels these lines — it
# deletes nothing — so every line of the input stays in the tables with a label and a reason.

# %%
display(Markdown(narrate.cleaning_summary(lines, cleaner)))
narrate.arabic_table(lines.assign(label=lines["label"].replace("", "kept"))
                     .groupby(["doc", "label"]).size().unstack(fill_value=0).reset_index())

# %% [markdown]
# The lines set aside, in document order: consecutive lines with the same label and reason
# are shown as one run (their text joined by ⏎).

# %%
runs = narrate.set_aside_runs(lines)
for label in ("related", "boilerplate", "duplicate"):
    of_label = runs[runs["label"] == label]
    display(Markdown(f"### {label}: {narrate.plural(int(of_label['n_lines'].sum()), 'line')} "
                     f"in {narrate.plural(len(of_label), 'run')}"))
    if len(of_label):
        display(narrate.arabic_table(of_label.drop(columns="label").head(50)))
    if len(of_label) > 50:
        display(Markdown(f"The first 50 of {len(of_label):,} runs; every line is in `tables/lines.csv`."))

# %% [markdown]
# ## Paragraphs
#
# The kept lines become the paragraphs the next notebook works on.

# %%
segments = run.load_frame("segments", columns=["doc", "line"])
display(Markdown(narrate.paragraphs_summary(lines, segments, p["max_paragraph_words"])))
