"""The corpus stages over partitions of documents, run by either engine (``toolkit.study.engine``).

Notebooks 1 and 2 call the four drivers below; each splits its stage into tasks over the
partitions of the corpus (``load.plan_partitions``: at most ``partition_size`` files or archive
members each) and small reductions in the driving process:

``prepare_corpus`` (notebook 1)
    per partition: load, split into lines; all partitions: documents per short line, summed
    by the engine (a distributed aggregation with Dask); per partition: clean, make paragraphs.
``embed_corpus``
    per partition: embed the paragraphs (cache shared by all workers).
``fit_topics``
    driver: BERTopic fitted on a seeded sample of ``topic_sample_size`` paragraphs (all of them
    on smaller corpora); per partition: every other paragraph takes the topic most of its
    nearest sampled paragraphs have (``topics.vote``).
``separate_corpus``
    per partition and reductions: the focus centroid, coherence and topic means
    (``FocusSeparator``'s phases); per partition: each document's labels, its rows of
    ``lines.csv`` and ``documents.csv``, candidates for the typical lines.

A task reads its inputs from and writes its tables to the run folder
(``work/<table>/part-NNNNN.parquet``) and returns only small summaries, so with Dask the
tables never pass through the driving process until notebook 3 reads the results. The
partitions, the arithmetic and the reduction order do not depend on the engine, so both
engines write the same tables.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..corpus import clean, load, segment
from ..errors import CorpusError
from ..findings import framing
from ..model import coverage, embed, separate, separation_tables, topics
from ..schema import LINE_LABELS, SEPARATION
from .stage_cache import StageCache, result_parameters
from .workspace import RunFolder


@dataclass(frozen=True)
class Part:
    """What a task needs to find one partition's tables."""

    run_dir: str
    index: int
    offset: int = 0       # corpus position of the partition's first paragraph
    n_segments: int = 0

    @property
    def run(self) -> RunFolder:
        return RunFolder(self.run_dir)

    @property
    def positions(self) -> np.ndarray:
        return np.arange(self.offset, self.offset + self.n_segments)


def partitions(run: RunFolder) -> list[Part]:
    """The partitions of a prepared run (``work/partitions.json``, written by ``prepare_corpus``)."""
    table = run.load_json("partitions")
    if table is None:
        raise FileNotFoundError(f"{run.work('partitions.json')}: missing; run notebook 1 of this run first")
    return [Part(str(run.root), r["index"], r["offset"], r["segments"]) for r in table]


def _use_threads(host_threads) -> int:
    import torch

    from .engine import task_threads

    threads = task_threads(host_threads)
    torch.set_num_threads(threads)
    return threads


# =============================================================================== notebook 1
def prepare_corpus(p: dict, run: RunFolder, engine) -> dict:
    """Load, split, clean and segment the corpus; returns a summary for the notebook.

    Writes ``work/{documents,lines,segments}/part-*.parquet``, ``work/skipped.parquet`` and
    ``work/partitions.json``. Raises ``CorpusError`` when nothing could be read or document ids
    repeat. Starts the run's chain of stage-cache keys (``stage_cache.StageCache.begin``):
    restored, not computed, when the corpus, the parameters and the code are those of a run
    stored before.
    """
    plan = load.plan_partitions(p["corpus"], p["partition_size"])
    files = {path for partition in plan for path, _ in partition.units}
    stages = StageCache.begin(run, p, files)
    first = stages.key
    # A corpus still being written (a live scrape) is computed, not stored under its old content.
    return stages.cached("prepare", functools.partial(_prepare_corpus, p, run, engine, plan), result_parameters(p),
                         still_valid=lambda: StageCache.first_key(p, files) == first)


def _prepare_corpus(p: dict, run: RunFolder, engine, plan: list[load.Partition]) -> dict:
    with run.stage("load"):  # and split into lines
        loaded, skipped, parts = _load_partitions(p, run, engine, plan)
    with run.stage("clean"):  # repeated lines over the corpus, then each partition, then paragraphs
        return _clean_partitions(p, run, engine, loaded, skipped, parts)


def _load_partitions(p: dict, run: RunFolder, engine, plan: list[load.Partition]
                     ) -> tuple[list[dict], pd.DataFrame, list[Part]]:
    loaded = engine.map(_load_task, plan, desc="load and lines", run_dir=str(run.root), columns=p["columns"],
                        on_bad_file=p["on_bad_file"], max_zip_member_mb=p["max_zip_member_mb"])
    skipped = pd.concat([r["skipped"] for r in loaded], ignore_index=True)
    n_docs = sum(r["documents"] for r in loaded)
    if n_docs == 0:
        raise load.no_documents_error(p["corpus"], skipped)
    parts = [Part(str(run.root), r["index"]) for r in loaded]
    repeated_ids = engine.value_counts(_doc_ids, parts, min_count=2)
    if len(repeated_ids):
        raise CorpusError(f"{Path(p['corpus']).resolve()}: duplicate document ids {sorted(repeated_ids.index)[:5]}")
    return loaded, skipped, parts


def _clean_partitions(p: dict, run: RunFolder, engine, loaded: list[dict], skipped: pd.DataFrame,
                      parts: list[Part]) -> dict:
    n_docs = sum(r["documents"] for r in loaded)
    warnings = load.corpus_warnings([c for r in loaded for c in r["head"]], skipped)
    cleaner = clean.LineCleaner(patterns=p["patterns"])
    # Corpus-level statistic: in how many documents each short line occurs.
    counts = engine.value_counts(functools.partial(_short_line_keys, max_words=cleaner.chrome_max_words), parts,
                                 min_count=cleaner.repeat_threshold(n_docs))
    cleaner.fit_counts(counts, n_docs)
    cleaned = engine.map(_clean_task, parts, desc="clean", cleaner=cleaner, max_words=p["max_paragraph_words"])

    table, offset = [], 0
    for r, c in zip(loaded, cleaned):
        table.append({"index": r["index"], "documents": r["documents"], "lines": c["lines"],
                      "segments": c["segments"], "offset": offset})
        offset += c["segments"]
    run.save_json(table, "partitions")
    run.save_frame(skipped, "skipped")
    labels = pd.concat([c["labels"] for c in cleaned]).groupby(level=0).sum() if cleaned else pd.Series(dtype=int)
    return {"documents": n_docs, "lines": sum(c["lines"] for c in cleaned), "segments": offset,
            "partitions": len(loaded), "skipped": skipped, "warnings": warnings, "cleaner": cleaner,
            "labels": labels.to_dict()}


def _load_task(partition: load.Partition, run_dir: str, columns, on_bad_file: str, max_zip_member_mb) -> dict:
    run = RunFolder(run_dir)
    documents, skipped = load.load_partition(partition, columns, on_bad_file, max_zip_member_mb)
    lines = segment.split_lines(documents)
    run.save_part(documents, "documents", partition.index)
    run.save_part(lines, "lines", partition.index)
    return {"index": partition.index, "documents": len(documents), "skipped": skipped,
            "head": [load.letter_counts(t) for t in documents["text"].head(200)]}


def _doc_ids(part: Part) -> pd.Series:
    return part.run.load_part("documents", part.index, columns=["doc"])["doc"]


def _short_line_keys(part: Part, max_words: int) -> pd.Series:
    lines = part.run.load_part("lines", part.index, columns=["doc", "key", "n_words"])
    return clean.short_line_keys(lines, max_words)


def _clean_task(part: Part, cleaner: clean.LineCleaner, max_words: int) -> dict:
    run = part.run
    lines = cleaner.transform(run.load_part("lines", part.index))
    segments = segment.make_segments(lines, max_words=max_words)
    run.save_part(lines, "lines", part.index)
    run.save_part(segments, "segments", part.index)
    return {"lines": len(lines), "segments": len(segments),
            "labels": lines["label"].replace("", "kept").value_counts()}


# =============================================================================== notebook 2
def embed_corpus(p: dict, run: RunFolder, engine) -> dict:
    """Embed every paragraph (``work/embeddings/part-*.npy``); returns the counts of texts,
    texts unique within their partition, cache hits and newly computed vectors."""
    stats = engine.map(_embed_task, partitions(run), desc="embed", backend=p["embedding_backend"], cache_dir=p["cache_dir"],
                       host_threads=engine.host_threads)
    # The stages after this one are keyed by the vectors themselves (another device, precision
    # or model file gives other vectors, hence other keys), not by the settings that made them.
    StageCache(run, p).advance("embed", [s["sha256"] for s in stats])
    return {k: int(sum(s[k] for s in stats)) for k in ("texts", "unique", "cached", "computed")}


@functools.lru_cache(maxsize=4)
def _embedder(backend: str, threads: int):
    # One model per worker process (and per thread count), loaded by its first task.
    return embed.make_embedder(backend, threads=threads)


@functools.lru_cache(maxsize=4)
def _embedding_cache(cache_dir: str, key: str):
    return embed.EmbeddingCache(Path(cache_dir) / "embeddings", key)


def focus_embedder(p: dict):
    """The embedder and cache of this process (for the focus text)."""
    embedder = _embedder(p["embedding_backend"], os.cpu_count() or 1)
    cache = _embedding_cache(p["cache_dir"], embedder.cache_key) if p["cache_dir"] else None
    return embedder, cache


def _embed_task(part: Part, backend: str, cache_dir: str | None, host_threads) -> dict:
    # The embedder gives torch these threads when it loads its model: a partition whose
    # vectors are all cached never imports torch (1.5 s of a seed rerun).
    from .engine import task_threads

    threads = task_threads(host_threads)
    embedder = _embedder(backend, threads)
    cache = _embedding_cache(cache_dir, embedder.cache_key) if cache_dir else None
    texts = part.run.load_part("segments", part.index, columns=["text"])["text"].tolist()
    vectors, stats = embed.embed_texts(texts, embedder, cache)
    part.run.save_part_array(vectors, "embeddings", part.index)
    vectors = np.ascontiguousarray(vectors)
    return {**stats, "sha256": hashlib.sha256(f"{vectors.dtype}{vectors.shape}".encode() + vectors.tobytes()).hexdigest()}


def fit_topics(p: dict, run: RunFolder, engine, embedder, verbose: bool = False) -> dict:
    """Fit the topic model on a seeded sample of paragraphs and assign every paragraph a topic.

    Writes ``work/topics/part-*.parquet`` (``schema.TOPIC_ASSIGNMENTS``), each paragraph's
    nearest sampled paragraphs (``work/neighbours/``, reused by separation), the fitted model
    (``work/topic_model/``, read back by ``topics.load_topic_model``) and the tables of topics
    over time and per outlet. Returns the model, the sample (corpus positions, its paragraphs
    and embeddings), per-topic sizes and embedding sums, and the over-time and per-outlet
    frames (``topics.topics_over_time``/``topics_per_outlet``) for the views. Restored from
    the stage cache when stored before from the same chain (``stage_cache``).
    """
    return StageCache(run, p).cached("topics", functools.partial(_fit_topics, p, run, engine, embedder, verbose),
                                  result_parameters(p), getattr(embedder, "cache_key", None), embedder=embedder)


def _fit_topics(p: dict, run: RunFolder, engine, embedder, verbose: bool) -> dict:
    parts = partitions(run)
    n = sum(part.n_segments for part in parts)
    sample = topics.fit_sample(n, p["topic_sample_size"], random_state=p["seed"])
    taken = engine.map(_take_task, parts, positions=sample)
    sample_segments = pd.concat([t[0] for t in taken], ignore_index=True)
    sample_vectors = _stack([t[1] for t in taken])
    model = topics.TopicModel(embedder, min_topic_size=p["min_topic_size"], n_neighbors=p["n_neighbors"],
                              random_state=p["seed"], verbose=verbose, cache_dir=p["cache_dir"])
    model.fit(sample_segments, sample_vectors)
    fitted = model.assignments_
    assigned = engine.map(_assign_task, parts, desc="assign topics", sample=sample, reference=sample_vectors,
                          sample_neighbours=model.neighbours_, reference_topics=fitted["topic"].to_numpy(),
                          reference_probability=fitted["topic_probability"].to_numpy(),
                          k=model.assign_neighbors, host_threads=engine.host_threads, cache_dir=p["cache_dir"])
    if len(sample) < n:
        model.note_ += (f"; fitted on a seeded sample of {len(sample)} of the {n} paragraphs "
                        f"(topic_sample_size); each other paragraph takes the topic most of its "
                        f"{model.assign_neighbors} nearest sampled paragraphs have")
    sizes = pd.concat([a["sizes"] for a in assigned]).groupby(level=0).sum() if assigned else pd.Series(dtype=int)
    model.save(run.work("topic_model"))
    over_time, per_outlet = _topics_by_date_and_outlet(run, model, sample_segments)
    return {"model": model, "sample": sample, "sample_segments": sample_segments, "sample_vectors": sample_vectors,
            "topic_sizes": {int(t): int(c) for t, c in sizes.items()},
            "topic_vectors": framing.add_sums([a["sums"] for a in assigned]),
            "over_time": over_time, "per_outlet": per_outlet}


def _topics_by_date_and_outlet(run: RunFolder, model: topics.TopicModel, sample_segments: pd.DataFrame):
    """Topics over time and per outlet of the fitted paragraphs: ``tables/topics_over_time.csv``
    and ``tables/topics_per_outlet.csv`` (header only when there is nothing to count). Returns
    the two ``(frame, reason)`` pairs for the interactive views."""
    documents = run.load_frame("documents", columns=["doc", "source", "date"])
    meta = sample_segments[["doc"]].merge(documents.drop_duplicates("doc"), on="doc", how="left")
    texts = sample_segments["text"].tolist()
    over_time = topics.topics_over_time(model, texts, meta["date"].tolist())
    per_outlet = topics.topics_per_outlet(model, texts, meta["source"].tolist())
    run.write_csv(topics.over_time_table(over_time[0]), "topics_over_time.csv")
    run.write_csv(topics.per_outlet_table(per_outlet[0]), "topics_per_outlet.csv")
    return over_time, per_outlet


def _segment_vectors(part: Part) -> np.ndarray:
    return part.run.load_part_array("embeddings", part.index)


def _stack(arrays: list[np.ndarray]) -> np.ndarray:
    arrays = [a for a in arrays if a.size]
    return np.vstack(arrays).astype(np.float32) if arrays else np.zeros((0, 0), dtype=np.float32)


def _take_task(part: Part, positions: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows of this partition at the given corpus positions."""
    lo, hi = np.searchsorted(positions, [part.offset, part.offset + part.n_segments])
    local = positions[lo:hi] - part.offset
    segments = part.run.load_part("segments", part.index).iloc[local].reset_index(drop=True)
    vectors = _segment_vectors(part)
    return segments, (vectors[local] if len(local) else np.zeros((0, 0), dtype=np.float32))


def _assign_task(part: Part, sample: np.ndarray, reference: np.ndarray, sample_neighbours: np.ndarray,
                 reference_topics: np.ndarray, reference_probability: np.ndarray, k: int, host_threads,
                 cache_dir=None) -> dict:
    """Each paragraph's topic and its ``k`` nearest sampled paragraphs: a sampled paragraph keeps
    its fitted topic and the neighbours the fit found (``TopicModel.neighbours_``); the others
    are searched for and take the topic most of their neighbours have."""
    run = part.run
    segments = run.load_part("segments", part.index, columns=["doc", "segment"])
    vectors = _segment_vectors(part)
    topic_ids = np.zeros(len(segments), dtype=np.int64)
    probability = np.zeros(len(segments), dtype=np.float64)
    neighbours = np.zeros((len(segments), 0), dtype=np.int64)
    if len(segments):
        _use_threads(host_threads)
        at = np.searchsorted(sample, part.positions)
        in_sample = (at < len(sample)) & (sample[np.minimum(at, len(sample) - 1)] == part.positions)
        k = min(k, sample_neighbours.shape[1])
        neighbours = np.empty((len(segments), k), dtype=np.int64)
        neighbours[in_sample] = sample_neighbours[at[in_sample], :k]
        if (~in_sample).any():
            neighbours[~in_sample] = topics.cached_nearest_reference(vectors[~in_sample], reference, k, cache_dir)[0]
        voted, share = topics.vote(reference_topics[neighbours])
        topic_ids = np.where(in_sample, reference_topics[np.minimum(at, len(sample) - 1)], voted)
        probability = np.where(in_sample, reference_probability[np.minimum(at, len(sample) - 1)], share)
    table = pd.DataFrame({"doc": segments["doc"].values, "segment": segments["segment"].values,
                          "topic": topic_ids.astype("int64"), "topic_probability": np.round(probability, 6)})
    run.save_part(table, "topics", part.index)
    run.save_part_array(neighbours, "neighbours", part.index)
    return {"sizes": table["topic"].value_counts(),
            "sums": framing.topic_sums(vectors, topic_ids) if len(segments) else {}}


def find_coverage(p: dict, fitted: dict, embedder, cache, run: RunFolder | None = None) -> coverage.Coverage:
    """What the run takes as the coverage under study: the focus parameter, embedded; without
    one, what the corpus shows (``coverage.CoverageFinder`` on the topic model's sample): a
    dominant coverage, or a mixed collection with none. With ``run``, restored from the stage
    cache when stored before from the same chain."""
    if run is None:
        return _find_coverage(p, fitted, embedder, cache)
    return StageCache(run, p).cached("coverage", functools.partial(_find_coverage, p, fitted, embedder, cache),
                                     result_parameters(p), getattr(embedder, "cache_key", None), embedder=embedder)


def _find_coverage(p: dict, fitted: dict, embedder, cache) -> coverage.Coverage:
    if p["focus"]:
        return coverage.Coverage.given(p["focus"], embed.embed_texts([p["focus"]], embedder, cache)[0][0])
    finder = coverage.CoverageFinder(random_state=p["seed"]).fit(
        fitted["sample_segments"], fitted["sample_vectors"], fitted["topic_sizes"])
    return coverage.Coverage.found(finder)


def draw_topic_views(p: dict, run: RunFolder, fitted: dict, coords: np.ndarray, on_map: np.ndarray
                     ) -> tuple[dict, dict]:
    """BERTopic's interactive views of the fitted model (``interactive.topic_views``; the
    paragraphs map's hover shows each paragraph's label), saved in ``work/views/``. Returns the
    views by name and the skipped ones with their reason. Restored from the stage cache when
    stored before from the same chain."""
    def draw() -> tuple[dict, dict]:
        from . import interactive

        hover_rows = fitted["sample_segments"][["doc", "segment", "line"]].merge(
            run.load_frame("separation", columns=["doc", "segment", "label"]), on=["doc", "segment"], how="left")
        views, skipped = interactive.topic_views(
            fitted["model"], fitted["sample_segments"]["text"].tolist(), coords, on_map, random_state=p["seed"],
            paragraphs=hover_rows.fillna({"label": ""}), over_time=fitted["over_time"],
            per_outlet=fitted["per_outlet"])
        interactive.save_views(views, skipped, run.work("views"))
        return views, skipped

    return StageCache(run, p).cached("topic views", draw, result_parameters(p), np.asarray(coords).tobytes(),
                                  np.asarray(on_map).tobytes())


def separate_corpus(p: dict, run: RunFolder, engine, focus_vector: np.ndarray | None, fitted: dict,
                    profile_sample: np.ndarray | None = None) -> dict:
    """Label every paragraph core or insert; write ``lines.csv``, ``documents.csv``, ``topics.csv``
    and ``typical_lines.csv``. Returns the separator (its glued-article checks in ``pieces_``),
    the number of lines per label and the separation table.

    ``focus_vector`` None (a mixed collection, ``find_coverage``): nothing is judged against a
    focus; a paragraph is an insert only when it does not belong to its own article. Restored
    from the stage cache when stored before from the same chain (``stage_cache``)."""
    arguments = (result_parameters(p), None if focus_vector is None else np.asarray(focus_vector).tobytes(),
                 None if profile_sample is None else np.asarray(profile_sample).tobytes())
    return StageCache(run, p).cached("separate", functools.partial(_separate_corpus, p, run, engine, focus_vector, fitted,
                                                                profile_sample), *arguments)


def _separate_corpus(p: dict, run: RunFolder, engine, focus_vector: np.ndarray | None, fitted: dict,
                     profile_sample: np.ndarray | None) -> dict:
    parts = partitions(run)
    separator = separate.FocusSeparator(switch_penalty=p["switch_penalty"], random_state=p["seed"])
    if focus_vector is None:
        seeds = np.zeros(0, dtype=np.int64)
        separator.set_without_focus()
    else:
        query = engine.map(_query_task, parts, separator=separator, focus_vector=focus_vector)
        seeds = separator.choose_seeds(np.concatenate(query) if query else np.zeros(0))
        seed_sums = engine.map(_seed_sum_task, parts, seeds=seeds)
        separator.set_centroid(np.sum([s for s in seed_sums if s.size], axis=0), len(seeds))
        separator.set_statistics(engine.map(_statistics_task, parts, separator=separator, seeds=seeds))
    in_profile = None
    if profile_sample is not None:
        in_profile = np.zeros(len(fitted["sample"]), dtype=bool)
        in_profile[profile_sample] = True
    separator.learn_from_sample(fitted["sample_segments"], fitted["sample_vectors"], np.isin(fitted["sample"], seeds),
                                in_profile)
    centroids = fitted["topic_vectors"]
    reference_direct = (separator.direct_scores(fitted["sample_vectors"]) if separator.has_focus_
                        else np.zeros(len(fitted["sample"])))
    labelled = engine.map(_label_task, parts, desc="separate", separator=separator, sample=fitted["sample"],
                          reference_direct=reference_direct, centroids=centroids)
    # lines.csv and documents.csv: each partition's rows as its task wrote them, joined in order
    indices = [part.index for part in parts]
    run.join_part_csvs("line_labels", indices, "lines.csv", LINE_LABELS.columns)
    run.join_part_csvs("document_table", indices, "documents.csv", labelled[0]["document_columns"])
    label_counts = pd.concat([r["label_counts"] for r in labelled]).groupby(level=0).sum().astype("int64")
    assignments = run.load_frame("topics")
    separation = run.load_frame("separation")
    run.write_csv(separation_tables.topic_table(fitted["model"], separation, assignments, centroids,
                                                separator.focus_centroid_), "topics.csv")
    run.write_csv(framing.select_typical([r["typical"] for r in labelled]), "typical_lines.csv")
    separator.pieces_ = [piece for r in labelled for piece in r["pieces"]]
    return {"separator": separator, "label_counts": label_counts.sort_values(ascending=False, kind="stable"),
            "separation": separation}


def _query_task(part: Part, separator, focus_vector) -> np.ndarray:
    if not part.n_segments:
        return np.zeros(0)
    return separator.query_scores(_segment_vectors(part), focus_vector)


def _seed_sum_task(part: Part, seeds: np.ndarray) -> np.ndarray:
    lo, hi = np.searchsorted(seeds, [part.offset, part.offset + part.n_segments])
    if not part.n_segments or hi == lo:
        return np.zeros(0)
    return np.asarray(_segment_vectors(part)[seeds[lo:hi] - part.offset], dtype=np.float64).sum(axis=0)


def _statistics_task(part: Part, separator, seeds: np.ndarray) -> dict:
    if not part.n_segments:
        return {"topic_sum": pd.Series(dtype=float), "topic_count": pd.Series(dtype=int), "seed_direct": np.zeros(0)}
    topic_ids = part.run.load_part("topics", part.index, columns=["topic"])["topic"].to_numpy()
    mask = np.isin(part.positions, seeds)
    return separator.partition_statistics(_segment_vectors(part), topic_ids, mask)


def _label_task(part: Part, separator, sample: np.ndarray, reference_direct: np.ndarray,
                centroids: dict) -> dict:
    run = part.run
    segments = run.load_part("segments", part.index)
    lines = run.load_part("lines", part.index)
    assignments = run.load_part("topics", part.index)
    documents = run.load_part("documents", part.index, columns=["doc", "title", "source", "date"])
    vectors = _segment_vectors(part)
    neighbours = run.load_part_array("neighbours", part.index)
    if len(segments):
        in_sample = np.isin(part.positions, sample)
        result, pieces = separator.label_partition(segments, vectors, assignments["topic"].to_numpy(), lines,
                                                   neighbours, in_sample, reference_direct)
    else:  # no paragraph: no readable document in this partition, or cleaning set every line aside
        # Keys typed like the partition's own (empty) tables: pandas types an empty list float64,
        # and merging a string key on a float one fails.
        result, pieces = SEPARATION.check(pd.DataFrame({
            "doc": segments["doc"], "segment": segments["segment"].astype("int64"),
            "label": pd.Series([], dtype=segments["doc"].dtype), "score": pd.Series([], dtype="float64"),
            "reason": pd.Series([], dtype=segments["doc"].dtype)}), "pipeline"), []
        vectors = np.zeros((0, 1))
    line_labels = LINE_LABELS.check(separation_tables.line_table(lines, segments, result, assignments),
                                    "pipeline.separate_corpus")
    document_table = separation_tables.document_table(line_labels, documents)
    run.save_part(result, "separation", part.index)
    run.save_part(line_labels, "line_labels", part.index)
    run.save_part_csv(line_labels, "line_labels", part.index)
    run.save_part_csv(document_table, "document_table", part.index)
    table = segments[["doc", "segment", "line", "text"]].assign(topic=assignments["topic"].to_numpy(),
                                                                label=result["label"].to_numpy())
    typical = framing.typical_candidates(table, vectors, centroids, part.offset)
    return {"pieces": pieces, "typical": typical, "label_counts": line_labels["label"].value_counts(),
            "document_columns": list(document_table.columns)}


def map_points(fitted: dict, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Paragraphs on the 2-D map: a seeded sample of at most 5,000 of the topic model's own
    paragraphs. Returns ``(positions within the fitted sample, corpus positions)``."""
    in_sample = topics.map_sample(len(fitted["sample"]), random_state=seed)
    return in_sample, fitted["sample"][in_sample]


__all__ = ["Part", "partitions", "prepare_corpus", "embed_corpus", "fit_topics", "find_coverage", "separate_corpus",
           "focus_embedder", "map_points", "draw_topic_views"]
