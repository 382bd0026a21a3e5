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
# `duplicate`, with a reason, in `tables/lines.csv`. The summary below gives the answer; the
# sections after it show how it was reached, and every finding links to its source line.
#
# <p dir="rtl">يفصل هذا التقرير التغطية موضوع الدراسة عن كل ما سواها في المقالات المجموعة آليا:
# مقالات ملصقة، وكتل "مقالات ذات صلة"، وعناصر الموقع، والتكرار. يحمل كل سطر غير فارغ تصنيفا
# وسببا في الجدول <code>tables/lines.csv</code>.</p>

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
from html import escape
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown, display

from toolkit.findings import actors, framing, quotations
from toolkit.study import figure_cache, findings_stages, figures, interactive
from toolkit.study.engine import open_engine
from toolkit.study.params import from_namespace
from toolkit.study.pipeline import focus_embedder
from toolkit.study.report import (LABEL_ORDER, SourceLinks, actors_finding, arabic_block, claims_finding, corpus_sentence,
                                  coverage_sentence, figure_html, html_table, interactive_table, interactive_tables_script,
                                  kept_sentence, package_versions, passages_finding, quotations_finding, score_lines,
                                  set_aside_runs, source_lines_html)
from toolkit.study.workspace import RunFolder

p = from_namespace(globals())
run = RunFolder(p["run_dir"])
documents, skipped, lines, segments, assignments = (
    run.load_frame(n) for n in ("documents", "skipped", "lines", "segments", "topics"))
line_labels = pd.read_csv(run.table("lines.csv"))
topic_table = pd.read_csv(run.table("topics.csv"))
document_table = pd.read_csv(run.table("documents.csv"), keep_default_na=False)  # unknown outlet/date: ""
info = run.load_json("run_info", {})
loading = run.load_json("loading", {})
cleaning = run.load_json("cleaning", {})
coords = run.load_array("map_2d")
separation = run.load_frame("separation")
topic_labels = {int(t): f"{'outliers' if t == -1 else t}: " + " ".join(str(w).split()[:3])
                for t, w in zip(topic_table["topic"], topic_table["top_words"])}
links = SourceLinks(documents)  # anchors of the "Source lines" section, for every finding's link
# Rows of a searchable table shown in the page (the CSV tables hold them all): enough to browse,
# few enough that the page of a corpus of thousands of documents stays under ~20 MB.
TOP_ROWS = p["report_rows"]
labelled_lines = line_labels.merge(lines[["doc", "line", "text"]], on=["doc", "line"], how="left")
by_source = documents["source"].ne("").all()
# Figures name a document by its number and title, not its file name; an outlet by its name.
doc_names = pd.Series({d: f"D{links.number[d]} " + " ".join(links.titles[d].split()[:5]) for d in documents["doc"]})
row_names = actors.outlets(documents) if by_source else doc_names  # the rows of the "by outlet" figures
# A figure drawn before from the same tables and code is copied (toolkit/study/figure_cache.py).
figure_cache.keep_in(Path(p["cache_dir"]) / "figures" if p["stage_cache"] and p["cache_dir"] else None)
with run.stage("figures"):
    figure_paths = {
        "composition": figures.composition(line_labels, run.figure("composition.png"), names=doc_names),
        "topic_sizes": figures.topic_sizes(topic_table, run.figure("topic_sizes.png")),
        "heatmap": figures.topic_document_heatmap(
            assignments.assign(source=assignments["doc"].map(documents.set_index("doc")["source"]),
                               doc=assignments["doc"].map(doc_names)),
            topic_labels, run.figure("topic_document_heatmap.png"),
            by="source" if by_source and documents["source"].nunique() > 1 else "doc"),
        "map": figures.paragraph_map(coords, separation["label"].iloc[run.load_array("map_index")],
                                     run.figure("paragraph_map.png")),
        "outlet": figures.by_outlet(line_labels, documents, run.figure("by_outlet.png")),
        "day": figures.by_day(line_labels, documents, run.figure("by_day.png")),
    }

# %%
# The findings (actors, numeric claims, shared passages and quotations, framing) are computed from the coverage
# lines (core) before anything is shown, so that the summary can state them.
outlet = actors.outlets(documents)
n_coverage = int(line_labels["label"].eq("core").sum())  # the findings' lines
# Actors, claims, shared passages and quotations run per partition on the engine (as the
# separation did); the long tables are written partition by partition and read back here.
with open_engine(p["engine"], p["dask_address"], p["dask_workers"]) as engine:
    found = findings_stages.find_actors_and_claims(run, engine, documents, stage=run.stage)
    with run.stage("shared passages"):
        passage_model = findings_stages.find_shared_passages(run, engine, documents, p["seed"])
    with run.stage("shared quotations"):
        quotation_model = findings_stages.find_shared_quotations(run, engine, documents, p["seed"], *focus_embedder(p))
actor_model = found["actors"]
mentions = pd.read_csv(run.table("actor_mentions.csv"), dtype=str, keep_default_na=False).astype(
    {"line": "int64", "start": "int64", "end": "int64"})
claim_table_full = pd.read_csv(run.table("claims.csv"), dtype=str, keep_default_na=False)  # "05" stays "05"
claim_table_full = claim_table_full.astype({"line": "int64", "start": "int64", "end": "int64"}).assign(
    value=pd.to_numeric(claim_table_full["value"]),
    value_max=pd.to_numeric(claim_table_full["value_max"].mask(claim_table_full["value_max"] == "")))
actor_matrix = actors.by_outlet(actor_model.counts_).rename(columns=row_names)  # outlets, or documents by title
totals = (actor_model.counts_.groupby(["name", "kind", "variants"], as_index=False)
          .agg(mentions=("mentions", "sum"), documents=("doc", "nunique"))
          .sort_values(["mentions", "name"], ascending=[False, True]))
with run.stage("findings figures"):
    actor_figure = figures.actor_heatmap(actor_matrix, run.figure("actors.png"),
                                         "outlet" if by_source else "document", total=len(totals))
    claims_figure = figures.claims_by_outlet(claim_table_full, row_names, run.figure("claims_troops.png"),
                                             row_label="outlet" if by_source else "document")
pairs = passage_model.pairs_
with run.stage("framing"):
    shares = framing.topic_shares(line_labels, outlet)
    run.write_csv(shares, "framing.csv")
    framing_figure = figures.framing(framing.share_matrix(shares, topic_labels).rename(index=row_names),
                                     run.figure("framing.png"), "outlet" if by_source else "document")
runs = set_aside_runs(line_labels, lines, info.get("glued_article_checks", []))
runs = runs.sort_values(["label", "doc", "first_line"], key=lambda c: c.map(LABEL_ORDER) if c.name == "label" else c,
                        kind="stable").reset_index(drop=True)
run_rows = links.with_links(runs, line="first_line").assign(
    line_range=[f"{a}–{b}" if a != b else str(a) for a, b in zip(runs["first_line"], runs["last_line"])])
run_rows = run_rows[["where", "document", "line_range", "lines", "label", "labels", "first_words", "why"]]

# %%
display(HTML(interactive_tables_script()))  # the DataTables library, embedded once for every table below
gold_path = Path(p["gold"]) if p["gold"] else None
metrics = None
if gold_path is not None and gold_path.exists():
    metrics, confusion_matrix = score_lines(line_labels, pd.read_csv(gold_path))
findings = [actors_finding(totals, mentions, links), claims_finding(claim_table_full, links),
            passages_finding(pairs, passage_model.closest_, links),
            quotations_finding(quotation_model.pairs_, quotation_model.n_quotations_, links)]
if metrics:
    findings.append(f"Against the hand labels, {metrics.get('core_retention', 0):.0%} of the coverage lines are kept "
                    f"and {metrics.get('noncore_removed') or 0:.0%} of the other lines set aside "
                    '(<a href="#hand-labels">details</a>).')
mixed = info.get("coverage", {}).get("kind") == "mixed"  # no coverage under study: describe the collection
display(HTML(
    '<section class="tk-summary" id="summary"><h2>Summary — الخلاصة</h2>'
    f"<p><b>Corpus:</b> {corpus_sentence(documents, line_labels)}</p>"
    f"<p><b>Coverage under study:</b> {coverage_sentence(info)}</p>"
    f"<p>{kept_sentence(line_labels, runs, mixed)}</p>"
    + interactive_table(run_rows, "table-runs", html_columns=("where",), csv="tables/lines.csv", max_rows=TOP_ROWS)
    + f"<p><b>Findings</b> in the {'kept lines (the whole collection)' if mixed else 'coverage lines'}:</p><ul>" + "".join(f"<li>{f}</li>" for f in findings) + "</ul>"
    '<p class="tk-note">Tables in this page show their first rows (searchable, sortable); every table is '
    'complete in the CSV files of <code>tables/</code> next to this report. Each <i>where</i> link opens the '
    'source line in context (<a href="#source-lines">Source lines</a>).</p></section>'))

# %% [markdown]
# ## Contents — المحتويات <a id="contents"></a>
#
# 1. [Summary](#summary)
# 2. [The run](#the-run)
# 3. [How each line was labelled](#labelling)
# 4. [Lines set aside](#set-aside)
# 5. [The documents](#documents)
# 6. [Outlets and days](#outlets)
# 7. [Topics](#topics)
# 8. [Paragraphs in embedding space](#map)
# 9. [Actors and places](#actors)
# 10. [Numeric claims](#claims)
# 11. [Shared passages](#passages)
# 12. [Framing](#framing)
# 13. [Interactive topic views](#views)
# 14. [Against the hand labels](#hand-labels)
# 15. [Source lines](#source-lines)
# 16. [Time per stage](#timings)

# %% [markdown]
# ## The run — التشغيل <a id="the-run"></a>

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
    f"**Seed:** {p['seed']}. **Focus:** "
    + ("given by the focus parameter:" if info.get("focus") else escape(info.get("focus_origin", "none")))))
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
# ## How each line was labelled — كيف صُنّف كل سطر <a id="labelling"></a>
#
# 1. **Cleaning** (`toolkit/corpus/clean.py`): a line repeating an earlier line of its article
#    (exactly or nearly) is a `duplicate`; short lines with chrome phrases, no Arabic words, a
#    chrome shape (outlet datelines) or repeated across many documents, and short lines inside
#    or after such chrome, are `boilerplate`; a related-articles marker (<bdi>مقالات ذات صلة، اقرأ أيضا</bdi>)
#    opens a `related` block that runs until the body resumes or a new article header starts.
# 2. **Separation** (`toolkit/model/separate.py`) asks two questions of each paragraph: is it about
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
# 3. **Without a focus** (`toolkit/model/coverage.py`) the corpus decides: with a dominant coverage
#    (most documents use the words of its centre) step 2 runs with a focus derived from it; a
#    mixed collection has no coverage under study, so every article is kept and only what does
#    not belong to its own article is set aside (cleaning's labels, and a separate article after
#    a related-articles block); the summary says which.
#
# <p dir="rtl">التنظيف يضع جانبا التكرار وعناصر الموقع وكتل المقالات ذات الصلة دون حذف أي سطر. ثم
# يُقاس قرب كل فقرة من موضوع الدراسة، وتُعدّ الفقرات المتتالية البعيدة عنه نصا ملصقا
# (<bdi><code>insert</code></bdi>)، وكذلك المقال الذي يلي كتلة "مقالات ذات صلة" إن لم يكن امتدادا للمقال الأول.</p>

# %%
mixed = info.get("coverage", {}).get("kind") == "mixed"
display(Markdown(f"**{'No focus' if mixed else 'Off-focus threshold'}:** {info['threshold_method']}"))
lexical = info.get("lexical_view", {})
if lexical:
    display(Markdown(f"**Lexical threshold:** {lexical['threshold']} (= the share of the seed paragraphs' median "
                     f"TF-IDF cosine {lexical['coherence']} with their own profile; document frequencies from "
                     f"{lexical['documents_counted']} documents)."))
    display(HTML(arabic_block("، ".join(lexical["top_terms"]))))
places = info.get("focus_places", {})
if places.get("anchored"):
    display(Markdown("**Places of the focus** (learnt from the paragraphs closest to it; a glued-in run or a document "
                     "that names places, none of these, happens elsewhere; a run or a document that keeps naming a main "
                     "place is about the focus, whatever its words): "
                     + ", ".join(f"<bdi>{p}</bdi> {s:.0%}" for p, s in places["places"])
                     + ". Main: " + ", ".join(f"<bdi>{p}</bdi>" for p in places["main_places"]) + "."))
elif places:
    display(Markdown("**Places of the focus:** none named often enough; where a text happens is not used."))
detector = info.get("splice_detector", {})
if "glued_examples" in detector:
    learnt = (f"**Splice detector:** learnt on {detector['sample_documents']} documents of this corpus, "
              f"{detector['glued_examples']} glued runs against {detector['own_examples']} of the documents' own runs. ")
    display(Markdown(learnt + (
        f"Without a focus, the runs it finds foreign-looking from probability {detector.get('search_threshold')} "
        "are listed below for reading and kept: nothing confirms them (with a focus, the run's words off the "
        "focus do)." if mixed else
        f"Its search sets a run aside from probability {detector.get('search_threshold')} (when the run's words "
        f"are off the focus); an off-focus run counts as foreign to its article from "
        f"{detector.get('confirm_threshold')}.")))
elif detector:
    display(Markdown(f"**Splice detector:** {detector.get('note', '')}; off-focus runs are set aside as found."))
checks = pd.DataFrame(info.get("glued_article_checks", []))
if len(checks):
    display(Markdown("**Runs and documents judged as a whole**, with their evidence (`mean_evidence`: 1 is at the "
                     "thresholds; `splice_probability`: how foreign the run is to the rest of its article; "
                     "`cohesion_with_article`, `shared_terms`: embedding and word overlap with it)."))
    checks = checks.sort_values(["kind", "doc", "first_line"])
    display(HTML(html_table(links.with_links(checks, line="first_line"), html_columns=("where",), max_rows=TOP_ROWS)))
    checks = checks.head(TOP_ROWS)  # the rows shown (and linked to "Source lines"); all in manifest.json

# %% [markdown]
# ## Lines set aside — الأسطر المستبعدة <a id="set-aside"></a>
#
# The runs of the summary, then every line not labelled `core` with its reason (searchable). The
# full table, core lines included, is `tables/lines.csv`.

# %%
removed = labelled_lines[labelled_lines["label"] != "core"]
display(HTML(interactive_table(links.with_links(removed[["doc", "line", "label", "reason", "text"]]),
                               "table-set-aside", html_columns=("where",), max_rows=TOP_ROWS, csv="tables/lines.csv")))

# %% [markdown]
# ## The documents — المقالات <a id="documents"></a>
#
# Each document by its title (its `title` metadata, else its first line), outlet and date where
# known; `D1`, `D2` … link to its lines.

# %%
display(HTML(figure_html(figure_paths["composition"])))
titled = document_table.assign(title=document_table["doc"].map(links.titles),
                               number=[links.doc_link(d) for d in document_table["doc"]])
titled = titled[["number", "title", *[c for c in titled.columns if c not in ("number", "title")]]]
display(HTML(interactive_table(titled.sort_values(["core_share", "doc"]), "table-documents",
                               html_columns=("number",), max_rows=TOP_ROWS, csv="tables/documents.csv")))

# %% [markdown]
# ## Outlets and days — المصادر والأيام <a id="outlets"></a>
#
# From the articles' metadata (`source`, `date`) when the corpus has them.

# %%
if figure_paths["outlet"] is not None:
    display(HTML(figure_html(figure_paths["outlet"])))
if figure_paths["day"] is not None:
    display(HTML(figure_html(figure_paths["day"])))
if figure_paths["outlet"] is None and figure_paths["day"] is None:
    display(Markdown("This corpus has no outlet or date metadata."))

# %% [markdown]
# ## Topics — الموضوعات <a id="topics"></a>
#
# BERTopic over the paragraph embeddings; top words are c-TF-IDF words of the normalized
# text shown in their most frequent spelling. `focus_share` is the share of a topic's
# paragraphs labelled `core`. The outliers (`-1`) are the paragraphs no topic claimed: they are
# drawn apart, not as a topic.

# %%
display(HTML(figure_html(figure_paths["topic_sizes"])))
display(HTML(html_table(topic_table)))

# %%
display(HTML(figure_html(figure_paths["heatmap"])))

# %% [markdown]
# ## Paragraphs in embedding space — الفقرات في فضاء التضمين <a id="map"></a>

# %%
display(HTML(figure_html(figure_paths["map"])))

# %% [markdown]
# ## Actors and places — الفاعلون والأماكن <a id="actors"></a>
#
# People, institutions and places named in the coverage lines (`core`), from a gazetteer
# (`toolkit/resources/actors.csv`), title patterns (<bdi>وزير الخارجية الروسي سيرغي لافروف</bdi>),
# institution and place patterns (<bdi>وزارة الدفاع الأمريكية</bdi>، <bdi>منطقة كورسك</bdi>) and the corpus
# itself (how far a name runs, surnames alone, the words that stand before persons' names: a name
# found after two of them is a person). A head that describes a body (<bdi>شركة</bdi>، <bdi>نادي</bdi>)
# is outside its mention, as NER test sets label it. Spellings are merged by the editable rules in
# `toolkit/resources/actor_merge_rules.csv`, applied after orthographic normalization. Every mention,
# with its line and character offsets, is in `tables/actor_mentions.csv`; counts per document in
# `tables/actors.csv`.

# %%
display(Markdown(f"**{len(totals)} actors and places**, {len(mentions)} mentions in "
                 f"{n_coverage} coverage lines" + ("" if by_source else
                 "; this corpus has no outlet metadata, so each document counts as its own outlet") + "."))
display(HTML(figure_html(actor_figure)))
first_mentions = mentions.sort_values(["doc", "line"]).drop_duplicates("name").set_index("name")
first_mentions = first_mentions[first_mentions.index.isin(totals["name"].head(TOP_ROWS))]  # the rows shown link
actor_rows = totals.assign(first_mention=[links.line_link(first_mentions.loc[n, "doc"], first_mentions.loc[n, "line"])
                                          if n in first_mentions.index else "" for n in totals["name"]])
display(HTML(interactive_table(actor_rows, "table-actors", html_columns=("first_mention",), max_rows=TOP_ROWS,
                               csv="tables/actors.csv")))
display(Markdown("**Every mention** (searchable; all in `tables/actor_mentions.csv`):"))
display(HTML(interactive_table(links.with_links(mentions[["doc", "line", "name", "kind", "surface"]]),
                               "table-actor-mentions", html_columns=("where",), max_rows=TOP_ROWS,
                               arabic_columns=("name", "surface", "document"), csv="tables/actor_mentions.csv")))
display(Markdown("**Spellings merged into one actor** (rule, gazetteer variant or surname):"))
display(HTML(html_table(actor_model.merged_variants_, max_rows=200)) if len(actor_model.merged_variants_)
        else Markdown("No two spellings of one name in this corpus."))

# %% [markdown]
# ## Numeric claims — الادعاءات الرقمية <a id="claims"></a>
#
# Every quantity stated in the coverage lines: digits (Western or Arabic-Indic, <bdi>١٠٬٠٠٠</bdi>),
# number words (<bdi>عشرة آلاف</bdi>), ranges (<bdi>10,000 إلى 12,000</bdi>) and vague quantities
# (<bdi>عشرات الآلاف</bdi>: some ten-thousands, stored as 10,000–99,999 and drawn as a dotted span, not a
# bar), with the counted noun, the kind of quantity (`toolkit/resources/claim_units.yml`) and the
# speaker (the subject of the attribution verb before it: <bdi>قال، أكد، أفاد</bdi> ...). Dates, years,
# clock times and article numbers are not counted. Full table: `tables/claims.csv`.

# %%
claim_table = claim_table_full.assign(value=claim_table_full["value"].map("{:,.0f}".format),
                                         value_max=claim_table_full["value_max"].map(
                                             lambda v: "" if pd.isna(v) else f"{v:,.0f}"))
kinds = claim_table_full["quantity"].replace("", "(no unit)").value_counts()
display(Markdown(f"**{len(claim_table)} numeric claims** ("
                 + ", ".join(f"{n} {k}" for k, n in kinds.items()) + "); numbers not taken as claims: "
                 + (", ".join(f"{n} {k}" for k, n in sorted(found["skipped"].items())) or "none") + "."))
claim_columns = ["doc", "line", "number_text", "value", "value_max", "qualifier", "unit", "quantity", "casualty",
                 "party", "speaker", "hedge", "text"]
troops = claim_table[claim_table["quantity"] == "troops"]
if claims_figure is not None:
    display(Markdown(f"**Troop numbers** ({len(troops)} claims), by {'outlet' if by_source else 'document'}:"))
    display(HTML(figure_html(claims_figure)))
    display(HTML(interactive_table(links.with_links(troops[claim_columns]), "table-troops", html_columns=("where",),
                                   max_rows=TOP_ROWS, csv="tables/claims.csv")))
else:
    display(Markdown("No troop-number claims in this coverage."))
display(Markdown("**All claims** (searchable; all in `tables/claims.csv`):"))
display(HTML(interactive_table(links.with_links(claim_table[claim_columns]), "table-claims", html_columns=("where",),
                               max_rows=TOP_ROWS, csv="tables/claims.csv")))

# %% [markdown]
# ## Shared passages — المقاطع المشتركة <a id="passages"></a>
#
# Sentences (8+ words) of the coverage that two outlets both carry, such as wire copy or the same
# quotation: word 3-grams of the normalized sentences, MinHash with locality-sensitive hashing for
# candidates, then the exact Jaccard similarity, kept at 0.5 or more. Full table:
# `tables/shared_passages.csv`.

# %%
display(Markdown(f"{passage_model.n_sentences_} sentences compared, {passage_model.n_candidates_} candidate pairs, "
                 f"**{len(pairs)} shared passages** between {pairs[['outlet_a', 'outlet_b']].drop_duplicates().shape[0]} "
                 "pairs of outlets."))
passage_columns = ["doc_a", "line_a", "doc_b", "line_b", "similarity", "text_a", "text_b"]
if len(pairs):
    shown_pairs = links.with_links(links.with_links(pairs[passage_columns], "doc_b", "line_b", "_b"),
                                   "doc_a", "line_a", "_a")
    display(HTML(interactive_table(shown_pairs, "table-passages", html_columns=("where_a", "where_b"),
                                   max_rows=TOP_ROWS, csv="tables/shared_passages.csv")))
else:
    closest = passage_model.closest_
    display(HTML("<p>" + passages_finding(pairs, closest, links) + "</p>"))
    if closest:
        display(HTML(html_table(pd.DataFrame([closest]))))

# %% [markdown]
# **Quotations shared by meaning.** A statement two outlets translate or retell in their own
# words shares few 3-grams. Quotations (in quotation marks, or reported after قال/أكد … أن) are
# embedded; a pair from two outlets is kept when each is the other's nearest, their cosine is
# 0.65 or more and they share at least two words that are rare in the corpus (in at most √N of its
# N documents). Full table:
# `tables/shared_quotations.csv`.

# %%
display(Markdown(f"{quotation_model.n_quotations_} quotations found ({quotation_model.n_compared_} compared), "
                 f"**{len(quotation_model.pairs_)} shared by meaning** between outlets."))
if len(quotation_model.pairs_):
    quotation_columns = ["doc_a", "line_a", "doc_b", "line_b", "similarity", "shared_words", "text_a", "text_b"]
    shown_quotations = links.with_links(links.with_links(quotation_model.pairs_[quotation_columns], "doc_b", "line_b",
                                                         "_b"), "doc_a", "line_a", "_a")
    display(HTML(interactive_table(shown_quotations, "table-quotations", html_columns=("where_a", "where_b"),
                                   max_rows=TOP_ROWS, csv="tables/shared_quotations.csv")))

# %% [markdown]
# ## Framing — الأطر <a id="framing"></a>
#
# Which topics each outlet's coverage falls into: the share of its `core` lines in each topic
# (columns by topic number; `outliers` collects paragraphs no topic claimed), and the coverage
# paragraphs closest to each topic's centroid (`tables/typical_lines.csv`).

# %%
display(HTML(figure_html(framing_figure)))
typical = pd.read_csv(run.table("typical_lines.csv"))
typical.insert(1, "topic words", typical["topic"].map(topic_labels))
typical = typical.head(90)  # the rows shown (and linked to "Source lines")
display(HTML(html_table(links.with_links(typical), html_columns=("where",), max_rows=90,
                        csv="tables/typical_lines.csv")))

# %% [markdown]
# ## Interactive topic views — عروض تفاعلية للموضوعات <a id="views"></a>
#
# BERTopic's own views of this run's model: hover for the words and paragraphs, drag to zoom,
# double-click to reset. plotly.js is embedded in this file once, so the views work offline. The
# static figures above are the print versions.

# %%
views, views_skipped = interactive.load_views(run.work("views"))
offline = interactive.OfflineFigures()
def view_title(name: str) -> str:
    """The view's heading (interactive.TITLES), or its name for a view added since."""
    return interactive.TITLES.get(name, name.replace("_", " ").capitalize())


for name, fig in views.items():
    display(Markdown(f"**{view_title(name)}**"))
    display(HTML(offline.to_html(fig, div_id=f"view-{name}")))
for name, reason in views_skipped.items():
    display(Markdown(f"*{view_title(name)}: not drawn ({escape(reason)}).*"))

# %% [markdown]
# ## Against the hand labels — مقارنة بالتصنيف اليدوي <a id="hand-labels"></a>

# %%
if metrics is not None:
    gold_table = pd.read_csv(gold_path)
    run.write_csv(pd.DataFrame([metrics]), "scores.csv")
    display(HTML(html_table(pd.DataFrame([{k: (round(v, 3) if isinstance(v, float) else v)
                                           for k, v in metrics.items()}]))))
    display(HTML(figure_html(figures.confusion(confusion_matrix, run.figure("confusion.png")))))
    wrong = line_labels.merge(gold_table[["doc", "line", "label", "text"]], on=["doc", "line"],
                              suffixes=("", "_gold"))
    wrong = wrong[(wrong["label"] == "core") != (wrong["label_gold"] == "core")]
    display(Markdown(f"Lines whose keep/remove decision disagrees with the hand label: **{len(wrong)}**"))
    if len(wrong):
        display(HTML(html_table(links.with_links(wrong[["doc", "line", "label_gold", "label", "reason", "text"]]),
                                html_columns=("where",))))
else:
    display(Markdown("No hand labels were given for this corpus (parameter `gold`), so no scores."))

# %% [markdown]
# ## Source lines — الأسطر في سياقها <a id="source-lines"></a>
#
# Each document's lines with their label and reason; the findings above link here. On a large
# corpus only the lines linked to, with two lines around each, are shown (`tables/lines.csv` has
# them all).

# %%
# The lines this page links to: on a large corpus they, and the lines around them, are shown.
shown = [(runs.head(TOP_ROWS), "doc", "first_line"), (removed.head(TOP_ROWS), "doc", "line"),
         (mentions.head(TOP_ROWS), "doc", "line"), (claim_table_full.head(TOP_ROWS), "doc", "line"),
         (pairs.head(TOP_ROWS), "doc_a", "line_a"), (pairs.head(TOP_ROWS), "doc_b", "line_b"),
         (typical, "doc", "line"), (checks, "doc", "first_line"),
         (first_mentions.reset_index(), "doc", "line"), (troops.head(TOP_ROWS), "doc", "line")]
if metrics is not None:
    shown.append((wrong, "doc", "line"))
if passage_model.closest_:
    shown.append((pd.DataFrame([passage_model.closest_]), "doc_a", "line_a"))
    shown.append((pd.DataFrame([passage_model.closest_]), "doc_b", "line_b"))
linked = {(d, int(n)) for frame, d_col, n_col in shown if len(frame) for d, n in zip(frame[d_col], frame[n_col])}
display(HTML(source_lines_html(labelled_lines, links, linked)))

# %% [markdown]
# ## Time per stage — زمن كل مرحلة <a id="timings"></a>
#
# The seconds each stage took in this run. A stage the stage cache restored (the same corpus,
# parameters and code as a run before it: `work/stage_cache.json`) took only the time to copy
# its results back, and its inner stages are not listed above it.

# %%
display(HTML(html_table(pd.DataFrame(run.load_json("timings", [])))))
figure_cache.record(run)
stage_cache = pd.DataFrame(run.load_json("stage_cache", []))
if len(stage_cache):
    restored = stage_cache["outcome"].eq("restored")
    display(Markdown(f"Stage cache: {int(restored.sum())} of {len(stage_cache)} stages restored, "
                     f"{int((~restored).sum())} computed."))
    display(HTML(html_table(stage_cache)))
