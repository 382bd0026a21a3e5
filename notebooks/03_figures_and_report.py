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
# # Arabic news coverage: what belongs to the story — تغطية الأخبار العربية: ما ينتمي إلى القصة
#
# This report separates the coverage under study from everything else a scraped news corpus
# carries: articles glued in by the page, related-articles blocks, site chrome and repeats.
# Every non-blank input line is labelled `core`, `insert`, `related`, `boilerplate` or
# `duplicate`, with a reason, in `tables/lines.csv`.
#
# <p dir="rtl">يفصل هذا التقرير التغطية موضوع الدراسة عن كل ما سواها في المقالات المجموعة آليا:
# مقالات ملصقة، وكتل "مقالات ذات صلة"، وعناصر الموقع، والتكرار. يحمل كل سطر غير فارغ تصنيفا
# وسببا في الجدول <code>tables/lines.csv</code>.</p>

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
from html import escape
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Image, Markdown, display

from toolkit import actors, claims, figures, framing, interactive, passages
from toolkit.params import from_namespace
from toolkit.report import arabic_block, html_table, package_versions, score_lines
from toolkit.workspace import RunFolder

p = from_namespace(globals())
run = RunFolder(p["run_dir"])
documents, skipped, lines, segments, assignments = (
    run.load_frame(n) for n in ("documents", "skipped", "lines", "segments", "topics"))
line_labels = pd.read_csv(run.table("lines.csv"))
topic_table = pd.read_csv(run.table("topics.csv"))
document_table = pd.read_csv(run.table("documents.csv"))
info = run.load_json("run_info", {})
loading = run.load_json("loading", {})
cleaning = run.load_json("cleaning", {})
coords = run.load_array("map_2d")
separation = run.load_frame("separation")
topic_labels = {int(t): f"{'outliers' if t == -1 else t}: " + " ".join(str(w).split()[:3])
                for t, w in zip(topic_table["topic"], topic_table["top_words"])}
with run.stage("figures"):
    figure_paths = {
        "composition": figures.composition(line_labels, run.figure("composition.png")),
        "topic_sizes": figures.topic_sizes(topic_table, run.figure("topic_sizes.png")),
        "heatmap": figures.topic_document_heatmap(
            assignments.assign(source=assignments["doc"].map(documents.set_index("doc")["source"])),
            topic_labels, run.figure("topic_document_heatmap.png"),
            by="source" if documents["source"].ne("").all() and documents["source"].nunique() > 1 else "doc"),
        "map": figures.paragraph_map(coords, separation["label"].iloc[run.load_array("map_index")],
                                     run.figure("paragraph_map.png")),
        "outlet": figures.by_outlet(line_labels, documents, run.figure("by_outlet.png")),
        "day": figures.by_day(line_labels, documents, run.figure("by_day.png")),
    }

# %% [markdown]
# ## The run — التشغيل

# %%
for warning in loading.get("warnings", []):
    display(HTML(f'<p style="color:#b35900"><b>Warning:</b> {escape(warning)}</p>'))
display(Markdown(
    f"**Corpus:** `{escape(Path(p['corpus']).name)}` — {len(documents)} documents, {len(line_labels)} non-blank lines, "
    f"{len(segments)} paragraphs after cleaning; {len(skipped)} files skipped.  \n"
    f"**Embeddings:** `{info['embedding']['backend']}` ({info['embedding']['computed']} computed, "
    f"{info['embedding']['cached']} from cache).  \n"
    f"**Topics:** {info['topic_model']}.  \n"
    f"**Engine:** {escape(str(info.get('engine', 'local')))}.  \n"
    f"**Seed:** {p['seed']}. **Focus:** {info['focus_origin']}:"))
if info.get("focus"):
    display(HTML(arabic_block(info["focus"])))
encodings = documents["encoding"].value_counts()
display(Markdown("**Inputs:** " + ", ".join(f"{n} documents as `{escape(e)}`" for e, n in encodings.items())
                 + (f"; the main text of HTML pages was extracted with trafilatura "
                    f"{package_versions().get('trafilatura', '')}" if documents["encoding"].str.endswith("+trafilatura").any() else "")))
if len(skipped):
    reasons = skipped["reason"].str.replace(r"\d+", "N", regex=True).value_counts().rename_axis("reason").reset_index(name="inputs")
    display(Markdown(f"**Skipped inputs** (not analysed; all listed in `manifest.json`): {len(skipped)}"))
    display(HTML(html_table(reasons)))
    display(HTML(html_table(skipped, max_rows=20)))

# %% [markdown]
# ## How each line was labelled — كيف صُنّف كل سطر
#
# 1. **Cleaning** (`toolkit/clean.py`): a line repeating an earlier line of its article
#    (exactly or nearly) is a `duplicate`; short lines with chrome phrases, no Arabic words, a
#    chrome shape (outlet datelines) or repeated across many documents, and short lines inside
#    or after such chrome, are `boilerplate`; a related-articles marker (مقالات ذات صلة، اقرأ أيضا)
#    opens a `related` block that runs until the body resumes or a new article header starts.
# 2. **Separation** (`toolkit/separate.py`) asks two questions of each paragraph: is it about
#    the focus, and does it belong to the article it sits in? Its focus *evidence* blends its
#    embedding similarity to the paragraphs closest to the focus description (smoothed over its
#    nearest paragraphs and its topic) with its words' TF-IDF similarity to those paragraphs'
#    words, each over a threshold set by the focus coverage's own coherence (1 = at the
#    thresholds). A splice detector learnt from this corpus (runs of its documents glued into
#    others) finds runs foreign to the rest of their article; such a run whose words are also
#    off the focus is set aside (`insert`). A document whose evidence, or whose words, stay
#    far below the focus is off the focus as a whole. A per-document two-state pass turns the
#    evidence into contiguous runs; an off-focus run inside an on-focus article is set aside
#    only when the detector also finds it foreign, otherwise it is the article's own turn to
#    another facet and stays `core`. Headlines join their run; text after a mid-article related
#    block that does not continue the article is a glued-in article, also `insert`.
#
# <p dir="rtl">التنظيف يضع جانبا التكرار وعناصر الموقع وكتل المقالات ذات الصلة دون حذف أي سطر. ثم
# يُقاس قرب كل فقرة من موضوع الدراسة، وتُعدّ الفقرات المتتالية البعيدة عنه نصا ملصقا
# (<code>insert</code>)، وكذلك المقال الذي يلي كتلة "مقالات ذات صلة" إن لم يكن امتدادا للمقال الأول.</p>

# %%
display(Markdown(f"**Off-focus threshold:** {info['threshold_method']}"))
lexical = info.get("lexical_view", {})
if lexical:
    display(Markdown(f"**Lexical threshold:** {lexical['threshold']} (= the share of the seed paragraphs' median "
                     f"TF-IDF cosine {lexical['coherence']} with their own profile; document frequencies from "
                     f"{lexical['documents_counted']} documents)."))
    display(HTML(arabic_block("، ".join(lexical["top_terms"]))))
detector = info.get("splice_detector", {})
if "glued_examples" in detector:
    display(Markdown(f"**Splice detector:** learnt on {detector['sample_documents']} documents of this corpus, "
                     f"{detector['glued_examples']} glued runs against {detector['own_examples']} of the "
                     f"documents' own runs. Its search sets a run aside from probability "
                     f"{detector.get('search_threshold')} (when the run's words are off the focus); an off-focus "
                     f"run counts as foreign to its article from {detector.get('confirm_threshold')}."))
elif detector:
    display(Markdown(f"**Splice detector:** {detector.get('note', '')}; off-focus runs are set aside as found."))
checks = pd.DataFrame(info.get("glued_article_checks", []))
if len(checks):
    display(Markdown("**Runs and documents judged as a whole**, with their evidence (`mean_evidence`: 1 is at the "
                     "thresholds; `splice_probability`: how foreign the run is to the rest of its article; "
                     "`cohesion_with_article`, `shared_terms`: embedding and word overlap with it)."))
    display(HTML(html_table(checks.sort_values(["kind", "doc", "first_line"]))))

# %% [markdown]
# ## Composition of the corpus — تركيب المدونة

# %%
display(Image(filename=str(figure_paths["composition"])))
display(HTML(html_table(document_table.sort_values(["core_share", "doc"]), max_rows=100)))

# %% [markdown]
# ## Outlets and days — المصادر والأيام
#
# From the articles' metadata (`source`, `date`) when the corpus has them.

# %%
if figure_paths["outlet"] is not None:
    display(Image(filename=str(figure_paths["outlet"])))
if figure_paths["day"] is not None:
    display(Image(filename=str(figure_paths["day"])))
if figure_paths["outlet"] is None and figure_paths["day"] is None:
    display(Markdown("This corpus has no outlet or date metadata."))

# %% [markdown]
# ## Topics — الموضوعات
#
# BERTopic over the paragraph embeddings; top words are c-TF-IDF words of the normalized
# text shown in their most frequent spelling. `focus_share` is the share of a topic's
# paragraphs labelled `core`.

# %%
display(Image(filename=str(figure_paths["topic_sizes"])))
display(HTML(html_table(topic_table)))

# %%
display(Image(filename=str(figure_paths["heatmap"])))

# %% [markdown]
# ## Paragraphs in embedding space — الفقرات في فضاء التضمين

# %%
display(Image(filename=str(figure_paths["map"])))

# %% [markdown]
# ## Actors and places — الفاعلون والأماكن
#
# People, institutions and places named in the coverage lines (`core`), from a gazetteer
# (`toolkit/resources/actors.csv`), title patterns (<bdi>وزير الخارجية الروسي سيرغي لافروف</bdi>),
# institution and place patterns (<bdi>وزارة الدفاع الأمريكية</bdi>، <bdi>منطقة كورسك</bdi>) and the corpus
# itself (how far a name runs, surnames alone). Spellings are merged by the editable rules in
# `toolkit/resources/actor_merge_rules.csv`, applied after orthographic normalization. Every mention,
# with its line and character offsets, is in `tables/actor_mentions.csv`; counts per document in
# `tables/actors.csv`.

# %%
outlet = actors.outlets(documents)
by_source = documents["source"].ne("").all()
coverage = actors.coverage_lines(lines, line_labels)
with run.stage("actors"):
    actor_model = actors.ActorExtractor().fit(coverage, documents)
    run.write_csv(actor_model.counts_, "actors.csv")
    run.write_csv(actor_model.mentions_, "actor_mentions.csv")
    actor_matrix = actors.by_outlet(actor_model.counts_)
    actor_figure = figures.actor_heatmap(actor_matrix, run.figure("actors.png"),
                                         "outlet" if by_source else "document")
totals = (actor_model.counts_.groupby(["name", "kind", "variants"], as_index=False)
          .agg(mentions=("mentions", "sum"), documents=("doc", "nunique"))
          .sort_values(["mentions", "name"], ascending=[False, True]))
display(Markdown(f"**{len(totals)} actors and places**, {len(actor_model.mentions_)} mentions in "
                 f"{len(coverage)} coverage lines" + ("" if by_source else
                 "; this corpus has no outlet metadata, so each document counts as its own outlet") + "."))
display(Image(filename=str(actor_figure)))
display(HTML(html_table(totals, max_rows=60)))
display(Markdown("**Spellings merged into one actor** (rule, gazetteer variant or surname):"))
display(HTML(html_table(actor_model.merged_variants_, max_rows=80)) if len(actor_model.merged_variants_)
        else Markdown("No two spellings of one name in this corpus."))

# %% [markdown]
# ## Numeric claims — الادعاءات الرقمية
#
# Every quantity stated in the coverage lines: digits (Western or Arabic-Indic, <bdi>١٠٬٠٠٠</bdi>),
# number words (<bdi>عشرة آلاف</bdi>), ranges (<bdi>10,000 إلى 12,000</bdi>) and vague quantities
# (<bdi>عشرات الآلاف</bdi> = 10,000–99,999), with the counted noun, the kind of quantity
# (`toolkit/resources/claim_units.yml`) and the speaker (the subject of the attribution verb before
# it: <bdi>قال، أكد، أفاد</bdi> ...). Dates, years, clock times and
# article numbers are not counted. Full table: `tables/claims.csv`.

# %%
with run.stage("claims"):
    claim_model = claims.ClaimExtractor().fit(coverage, actor_model.mentions_)
    run.write_csv(claim_model.claims_, "claims.csv")
    claims_figure = figures.claims_by_outlet(claim_model.claims_, outlet, run.figure("claims_troops.png"))
claim_table = claim_model.claims_.assign(value=claim_model.claims_["value"].map("{:,.0f}".format),
                                         value_max=claim_model.claims_["value_max"].map(
                                             lambda v: "" if pd.isna(v) else f"{v:,.0f}"))
kinds = claim_model.claims_["quantity"].replace("", "(no unit)").value_counts()
display(Markdown(f"**{len(claim_table)} numeric claims** ("
                 + ", ".join(f"{n} {k}" for k, n in kinds.items()) + "); numbers not taken as claims: "
                 + (", ".join(f"{n} {k}" for k, n in sorted(claim_model.skipped_.items())) or "none") + "."))
troops = claim_table[claim_table["quantity"] == "troops"]
if claims_figure is not None:
    display(Markdown(f"**Troop numbers** ({len(troops)} claims), by outlet:"))
    display(Image(filename=str(claims_figure)))
    display(HTML(html_table(troops[["doc", "line", "number_text", "value", "value_max", "qualifier", "unit",
                                    "speaker", "text"]], max_rows=200)))
else:
    display(Markdown("No troop-number claims in this coverage."))
display(Markdown("**All claims** (first 200; all in `tables/claims.csv`):"))
display(HTML(html_table(claim_table[["doc", "line", "number_text", "value", "value_max", "qualifier", "unit",
                                     "quantity", "speaker", "text"]], max_rows=200)))

# %% [markdown]
# ## Shared passages — المقاطع المشتركة
#
# Sentences (8+ words) of the coverage that two outlets both carry, such as wire copy or the same
# quotation: word 3-grams of the normalized sentences, MinHash with locality-sensitive hashing for
# candidates, then the exact Jaccard similarity, kept at 0.5 or more. Full table:
# `tables/shared_passages.csv`.

# %%
with run.stage("shared passages"):
    passage_model = passages.SharedPassageFinder(random_state=p["seed"]).fit(coverage, outlet)
    run.write_csv(passage_model.pairs_, "shared_passages.csv")
pairs = passage_model.pairs_
display(Markdown(f"{passage_model.n_sentences_} sentences compared, {passage_model.n_candidates_} candidate pairs, "
                 f"**{len(pairs)} shared passages** between {pairs[['outlet_a', 'outlet_b']].drop_duplicates().shape[0]} "
                 "pairs of outlets."))
if len(pairs):
    display(HTML(html_table(pairs[["doc_a", "line_a", "doc_b", "line_b", "similarity", "text_a", "text_b"]],
                            arabic_columns=("text_a", "text_b"), max_rows=50)))
else:
    closest = passage_model.closest_
    display(Markdown("No sentence of one outlet reaches the threshold against another outlet's."
                     + (f" The closest pair (similarity {closest['similarity']:.2f}) is "
                        f"`{escape(closest['doc_a'])}` line {closest['line_a']} and "
                        f"`{escape(closest['doc_b'])}` line {closest['line_b']}:" if closest else "")))
    if closest:
        display(HTML(html_table(pd.DataFrame([closest]), arabic_columns=("text_a", "text_b"))))

# %% [markdown]
# ## Framing — الأطر
#
# Which topics each outlet's coverage falls into: the share of its `core` lines in each topic
# (`-1` collects paragraphs no topic claimed), and the coverage paragraphs closest to each topic's
# centroid (`tables/typical_lines.csv`).

# %%
with run.stage("framing"):
    shares = framing.topic_shares(line_labels, outlet)
    run.write_csv(shares, "framing.csv")
    framing_figure = figures.framing(framing.share_matrix(shares, topic_labels), run.figure("framing.png"))
display(Image(filename=str(framing_figure)))
typical = pd.read_csv(run.table("typical_lines.csv"))
typical.insert(1, "topic words", typical["topic"].map(topic_labels))
display(HTML(html_table(typical, arabic_columns=("text", "topic words"), max_rows=90)))

# %% [markdown]
# ## Interactive topic views — عروض تفاعلية للموضوعات
#
# BERTopic's own views of this run's model: hover for the words and paragraphs, drag to zoom,
# double-click to reset. plotly.js is embedded in this file once, so the views work offline. The
# static figures above are the print versions.

# %%
views, views_skipped = interactive.load_views(run.work("views"))
offline = interactive.OfflineFigures()
titles = {"topics": "Intertopic distance map", "documents": "Paragraphs and topics",
          "hierarchy": "Topic hierarchy", "terms": "Top words per topic"}
for name, fig in views.items():
    display(Markdown(f"**{titles[name]}**"))
    display(HTML(offline.to_html(fig, div_id=f"view-{name}")))
for name, reason in views_skipped.items():
    display(Markdown(f"*{titles[name]}: not drawn ({escape(reason)}).*"))

# %% [markdown]
# ## Against the hand labels — مقارنة بالتصنيف اليدوي

# %%
if p["gold"] and Path(p["gold"]).exists():
    gold_table = pd.read_csv(p["gold"])
    metrics, confusion = score_lines(line_labels, gold_table)
    run.write_csv(pd.DataFrame([metrics]), "scores.csv")
    display(HTML(html_table(pd.DataFrame([{k: (round(v, 3) if isinstance(v, float) else v)
                                           for k, v in metrics.items()}]))))
    display(Image(filename=str(figures.confusion(confusion, run.figure("confusion.png")))))
    wrong = line_labels.merge(gold_table[["doc", "line", "label", "text"]], on=["doc", "line"],
                              suffixes=("", "_gold"))
    wrong = wrong[(wrong["label"] == "core") != (wrong["label_gold"] == "core")]
    display(Markdown(f"Lines whose keep/remove decision disagrees with the hand label: **{len(wrong)}**"))
    if len(wrong):
        display(HTML(html_table(wrong[["doc", "line", "label_gold", "label", "reason", "text"]])))
else:
    display(Markdown("No hand labels were given for this corpus (parameter `gold`), so no scores."))

# %% [markdown]
# ## Every line set aside — كل سطر مستبعد
#
# All lines not labelled `core`, with the reason. The full table, core lines included, is
# `tables/lines.csv`.

# %%
texts = lines[["doc", "line", "text"]]
removed = line_labels[line_labels["label"] != "core"].merge(texts, on=["doc", "line"])
display(HTML(html_table(removed[["doc", "line", "label", "reason", "text"]], max_rows=400)))

# %% [markdown]
# ## Time per stage — زمن كل مرحلة

# %%
display(HTML(html_table(pd.DataFrame(run.load_json("timings", [])))))
