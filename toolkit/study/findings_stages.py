"""The findings stages over partitions of the coverage, run by either engine (``toolkit.study.engine``).

Notebook 3 calls the two drivers below. As in ``toolkit.study.pipeline``, each splits its
stage into tasks over the partitions of the run (``pipeline.partitions``) and small
reductions in the driving process, where the corpus statistics a finding needs are combined:

``find_actors_and_claims``
    actors (``ActorExtractor``'s steps): per partition, the words and the phrases a name may
    be made of; the names after titles, heads and triggers; persons named by a given name;
    the counts of the phrases the support test asks about; the words before known actors'
    mentions; the names after the words learned as persons' contexts; every mention. Between
    the passes, their sums (a few hundred thousand phrases on 15,000 articles), the given
    names, the names the corpus supports, the persons' contexts and each actor's spelling. Then per partition: the
    partition's rows of ``actor_mentions.csv`` and ``claims.csv`` (claims are read line by
    line with the mentions of their own document) and its mentions per actor and document.
``find_shared_passages``
    per partition: the sentences, their MinHash signatures, the LSH band keys; all
    partitions: the band keys held by two sentences or more, counted by the engine (a
    distributed aggregation with Dask); per partition: the sentences in those buckets; the
    driving process compares those candidates only.

The long tables (``actor_mentions.csv``, ``claims.csv``) are written by appending each
partition's rows in partition order: no process holds them whole. The partitions, the
arithmetic and the order of every reduction do not depend on the engine, and a corpus in one
partition gives what ``fit`` gives on the whole coverage (``tests/test_findings_stages.py``).

A task tokenizes its partition once per process and keeps the last few partitions' tokens
(``_TOKENS``): the local engine runs every pass in this process, so each partition is
tokenized once; with Dask each partition goes to the same worker at every pass where it can
(``affinity``), and a worker that gets a partition it has not seen tokenizes it again.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from ..findings import actors, claims, passages, quotations
from ..schema import ACTOR_MENTIONS, CLAIMS
from .pipeline import Part, partitions
from .stage_cache import StageCache
from .workspace import RunFolder

# The partitions whose tokens a process keeps between the passes of the actor stage (about
# 100 MB a partition of 1,000 articles).
TOKEN_CACHE_PARTITIONS = 16
# LSH bands counted in one aggregation (8 of 32: the keys of a quarter of the bands at a time).
BANDS_PER_COUNT = 8
_TOKENS: dict = {}
_TOKENS_LOCK = threading.Lock()


def coverage_part(part: Part, labels=("core",)) -> pd.DataFrame:
    """A partition's coverage lines (``actors.coverage_lines``)."""
    run = part.run
    return actors.coverage_lines(run.load_part("lines", part.index), run.load_part("line_labels", part.index), labels)


def _corpus_words(part: Part, extractor: actors.ActorExtractor, labels):
    key = (part.run_dir, part.index, tuple(labels))
    with _TOKENS_LOCK:  # a Dask worker may run tasks in several threads
        words = _TOKENS.get(key)
    if words is None:
        words = extractor.partition_words(coverage_part(part, labels))
        with _TOKENS_LOCK:
            # Full: the partitions kept stay (every pass walks the partitions in the same
            # order, so replacing the oldest would evict each one before it is asked again).
            if len(_TOKENS) < TOKEN_CACHE_PARTITIONS:
                _TOKENS[key] = words
    return words


def forget_tokens(run_dir: str | Path | None = None) -> None:
    """Drop the kept tokens (of one run, or all)."""
    with _TOKENS_LOCK:
        for key in [k for k in _TOKENS if run_dir is None or k[0] == str(run_dir)]:
            del _TOKENS[key]


# =============================================================================== actors, claims
def find_actors_and_claims(run: RunFolder, engine, documents: pd.DataFrame, labels=("core",), stage=None) -> dict:
    """Actors and numeric claims of the coverage; writes ``actors.csv``, ``actor_mentions.csv``
    and ``claims.csv``. Returns the fitted ``actors`` extractor (``counts_``, ``merged_variants_``,
    ``discovered_``; ``mentions_`` is not held: read ``tables/actor_mentions.csv``), the numbers
    of ``mentions`` and ``claims`` and the claims' ``skipped`` counts by reason. ``stage``:
    ``RunFolder.stage``, to time the actors and the claims as two stages."""
    stage = stage or (lambda name: contextlib.nullcontext())

    def compute() -> dict:
        with stage("actors"):
            extractor, surfaces = _find_actors(run, engine, labels)
        with stage("claims"):
            return _write_tables(run, engine, extractor, surfaces, documents, labels)

    # The stage cache (``stage_cache``): restored when stored before from the same chain.
    return StageCache(run).cached("actors and claims", compute, list(labels))


def _find_actors(run: RunFolder, engine, labels):
    parts = partitions(run)
    extractor = actors.ActorExtractor().begin()
    shared = {"labels": tuple(labels), "affinity": True}  # the passes find their partition's tokens kept
    # Tokens a process kept from an earlier, interrupted call on this run folder may be of
    # other lines (a rerun into the same folder): dropped first.
    engine.on_every_process(forget_tokens, str(run.root))
    try:
        extractor.learn_words(engine.map(_words_task, parts, desc="actors: words", extractor=extractor, **shared))
        extractor.learn_given(engine.map(_titled_task, parts, desc="actors: titles", extractor=extractor, **shared))
        extractor.learn_untitled(engine.map(_untitled_task, parts, desc="actors: given names", extractor=extractor,
                                            **shared))
        extractor.learn_names(engine.map(_asked_task, parts, desc="actors: support", extractor=extractor, **shared))
        extractor.learn_contexts(engine.map(_contexts_task, parts, desc="actors: contexts", extractor=extractor,
                                            **shared))
        extractor.learn_context_names(engine.map(_context_names_task, parts, desc="actors: names in contexts",
                                                 extractor=extractor, **shared))
        surfaces = engine.map(_mentions_task, parts, desc="actors: mentions", extractor=extractor, **shared)
    finally:
        try:
            engine.on_every_process(forget_tokens, str(run.root))
        except Exception:  # noqa: BLE001 - a worker gone: what it kept went with it; keep the first error
            pass
    extractor.learn_spellings(surfaces)
    return extractor, surfaces


def _write_tables(run: RunFolder, engine, extractor, surfaces, documents, labels) -> dict:
    parts = partitions(run)
    written = engine.map(_tables_task, parts, desc="claims", extractor=extractor, labels=tuple(labels))
    extractor.finish([w["counts"] for w in written], surfaces, documents)
    run.write_csv(extractor.counts_, "actors.csv")
    run.join_part_csvs("actor_mentions", [p.index for p in parts], "actor_mentions.csv", ACTOR_MENTIONS.columns)
    _join_claims(run, parts, written)
    skipped = Counter()
    for w in written:
        skipped.update(w["skipped"])
    return {"actors": extractor, "mentions": sum(w["mentions"] for w in written), "claims": sum(w["claims"] for w in written),
            "skipped": dict(sorted(skipped.items()))}


def _words_task(part: Part, extractor, labels):
    return extractor.word_statistics(_corpus_words(part, extractor, labels))


def _titled_task(part: Part, extractor, labels):
    return extractor.read_titled(_corpus_words(part, extractor, labels))


def _untitled_task(part: Part, extractor, labels):
    return extractor.read_untitled(_corpus_words(part, extractor, labels))


def _asked_task(part: Part, extractor, labels):
    return extractor.count_asked(_corpus_words(part, extractor, labels))


def _contexts_task(part: Part, extractor, labels):
    return extractor.count_contexts(_corpus_words(part, extractor, labels))


def _context_names_task(part: Part, extractor, labels):
    return extractor.read_contexts(_corpus_words(part, extractor, labels))


def _mentions_task(part: Part, extractor, labels) -> Counter:
    rows, surfaces = extractor.find_mentions(_corpus_words(part, extractor, labels))
    found = pd.DataFrame(rows, columns=["doc", "line", "start", "end", "entry", "surface"])
    part.run.save_part(found.astype({"line": "int64", "start": "int64", "end": "int64", "entry": "int64"}),
                       "actor_rows", part.index)
    return surfaces


def _join_claims(run: RunFolder, parts: list[Part], written: list[dict]) -> None:
    """``claims.csv`` in document and line order, as ``ClaimExtractor.fit`` orders the whole
    coverage: the partitions joined in the order of their documents; where two partitions'
    documents interleave (a partition boundary between «a.zip/x» and «a.zip.txt», say), the
    table is sorted whole here instead."""
    spans = [(w["docs"], p.index) for w, p in zip(written, parts) if w["docs"] is not None]
    spans.sort()
    if all(a[0][1] < b[0][0] for a, b in zip(spans, spans[1:])):
        run.join_part_csvs("claims", [index for _, index in spans], "claims.csv", CLAIMS.columns)
        return
    every = pd.concat([run.load_part("claims", p.index) for p in parts], ignore_index=True)
    run.write_csv(CLAIMS.check(every.sort_values(["doc", "line"], kind="stable"), "findings_stages"), "claims.csv")


def _tables_task(part: Part, extractor, labels) -> dict:
    """The partition's rows of ``actor_mentions.csv`` and ``claims.csv``; its mentions per
    actor and document."""
    run = part.run
    mentions = extractor.mention_table(run.load_part("actor_rows", part.index).to_dict("records"))
    claim_model = claims.ClaimExtractor().fit(coverage_part(part, labels), mentions)
    run.save_part_csv(mentions, "actor_mentions", part.index)
    table = claim_model.claims_
    run.save_part_csv(table, "claims", part.index)
    run.save_part(table, "claims", part.index)  # for _join_claims when partitions interleave
    return {"counts": extractor.document_counts(mentions), "mentions": len(mentions), "claims": len(table),
            "skipped": claim_model.skipped_, "docs": (table["doc"].iloc[0], table["doc"].iloc[-1]) if len(table) else None}


# =============================================================================== shared passages
def find_shared_passages(run: RunFolder, engine, documents: pd.DataFrame, seed: int, labels=("core",)):
    """Shared passages of the coverage (``SharedPassageFinder``); writes ``shared_passages.csv``.
    Returns the fitted finder (``pairs_``, ``n_sentences_``, ``n_candidates_``, ``closest_``)."""
    return StageCache(run).cached("shared passages", functools.partial(_find_shared_passages, run, engine, documents,
                                                                       seed, labels), seed, list(labels))


def _find_shared_passages(run: RunFolder, engine, documents: pd.DataFrame, seed: int, labels):
    parts = partitions(run)
    finder = passages.SharedPassageFinder(random_state=seed)
    outlet = actors.outlets(documents)
    counts = engine.map(_sentences_task, parts, desc="shared passages: sentences", finder=finder, outlet=outlet,
                        labels=tuple(labels))
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int).tolist()
    numbered = [Part(p.run_dir, p.index, offset, n) for p, offset, n in zip(parts, offsets, counts)]
    # The buckets two sentences or more share, a few bands at a time (an aggregation holds
    # those bands' keys of every sentence; a key names its band).
    shared = set()
    for first in range(0, finder.bands, BANDS_PER_COUNT):
        bands = list(range(first, min(first + BANDS_PER_COUNT, finder.bands)))
        shared.update(engine.value_counts(functools.partial(_band_keys, finder=finder, bands=bands), numbered,
                                          min_count=2).index)
    bucket_of = {key: n for n, key in enumerate(sorted(shared))}  # a shared bucket's number
    found = engine.map(_bucket_members_task, numbered, desc="shared passages: buckets", finder=finder,
                       bucket_of=bucket_of)
    buckets, sets, rows = _buckets(found)
    finder.compare(finder.candidates(buckets), sets, rows, int(sum(counts)))
    if sum(counts) <= passages.CLOSEST_MAX_SENTENCES:
        every = pd.concat([run.load_part("passage_sentences", p.index) for p in parts], ignore_index=True)
        finder.find_closest([passages.shingles(k) for k in every["key"]], every.to_dict("records"))
    run.write_csv(finder.pairs_, "shared_passages.csv")
    return finder


def _sentences_task(part: Part, finder, outlet, labels) -> int:
    run = part.run
    sentences = finder.sentences(coverage_part(part, labels), outlet)
    run.save_part(sentences, "passage_sentences", part.index)
    run.save_part_array(finder.signatures([passages.shingles(k) for k in sentences["key"]]), "passage_signatures",
                        part.index)
    return len(sentences)


def _band_keys(part: Part, finder, bands: list[int]) -> pd.Series:
    keys = finder.band_keys(part.run.load_part_array("passage_signatures", part.index), bands)
    return pd.Series([key for band in keys for key in band], dtype="string")


def _bucket_members_task(part: Part, finder, bucket_of: dict) -> dict:
    """The partition's sentences in shared buckets: (bucket number, sentence number) pairs in
    band and sentence order, and those sentences' 3-grams and rows, as arrays and a table (a
    worker's reply: cheap to send)."""
    run = part.run
    signatures = run.load_part_array("passage_signatures", part.index)
    buckets, numbers = [], []
    for band in finder.band_keys(signatures):
        for i, key in enumerate(band):
            bucket = bucket_of.get(key)
            if bucket is not None:
                buckets.append(bucket)
                numbers.append(i)
    chosen = np.unique(np.asarray(numbers, dtype=np.int64))
    sentences = run.load_part("passage_sentences", part.index).iloc[chosen]
    grams = [sorted(passages.shingles(k)) for k in sentences["key"]]
    return {"buckets": np.asarray(buckets, dtype=np.int64), "numbers": np.asarray(numbers, dtype=np.int64) + part.offset,
            "sentences": sentences[["doc", "line", "text", "outlet"]].assign(number=chosen + part.offset),
            "grams": np.fromiter((g for gs in grams for g in gs), dtype=np.uint32, count=sum(map(len, grams))),
            "gram_counts": np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))}


def _buckets(found: list[dict]):
    """The shared buckets' members (each in sentence order: the partitions' replies are in
    partition order, a stable sort keeps that order within a bucket), and the 3-grams and rows
    of their sentences by number."""
    bucket = np.concatenate([f["buckets"] for f in found]) if found else np.zeros(0, dtype=np.int64)
    number = np.concatenate([f["numbers"] for f in found]) if found else np.zeros(0, dtype=np.int64)
    order = np.argsort(bucket, kind="stable")
    bucket, number = bucket[order], number[order]
    cuts = np.flatnonzero(np.diff(bucket)) + 1
    members = [group.tolist() for group in np.split(number, cuts)] if len(number) else []
    sets, rows = {}, {}
    for f in found:
        grams = np.split(f["grams"], np.cumsum(f["gram_counts"])[:-1]) if len(f["gram_counts"]) else []
        for row, gram in zip(f["sentences"].to_dict("records"), grams):
            n = int(row.pop("number"))
            sets[n] = set(gram.tolist())
            rows[n] = row
    return members, sets, rows


# =============================================================================== shared quotations
def find_shared_quotations(run: RunFolder, engine, documents: pd.DataFrame, seed: int, embedder, cache=None,
                           labels=("core",)):
    """Shared quotations of the coverage (``SharedQuotationFinder``); writes
    ``shared_quotations.csv``. The quotations of every partition come to the driving process
    (a few per article), at most ``max_quotations`` of them are embedded and compared there;
    how many documents use each of their words is summed over the partitions."""
    return StageCache(run).cached(
        "shared quotations", functools.partial(_find_shared_quotations, run, engine, documents, seed, embedder, cache,
                                               labels), seed, getattr(embedder, "cache_key", None), list(labels),
        embedder=embedder)


def _find_shared_quotations(run: RunFolder, engine, documents: pd.DataFrame, seed: int, embedder, cache, labels):
    parts = partitions(run)
    finder = quotations.SharedQuotationFinder(random_state=seed)
    found = engine.map(_quotations_task, parts, desc="shared quotations", min_words=finder.min_words,
                       labels=tuple(labels))
    # extract_quotations' order over the whole coverage: by document and offset (stable: a
    # document's quotations come from one partition, in their own order)
    every = pd.concat(found, ignore_index=True).sort_values(["doc", "start"], kind="stable").reset_index(drop=True)
    finder.choose(every, actors.outlets(documents))
    counted = engine.map(_document_frequency_task, parts, words=finder.words_compared(), labels=tuple(labels))
    frequencies: Counter = Counter()
    for counts, _ in counted:
        frequencies.update(counts)
    finder.compare(embedder, cache, frequencies, sum(n for _, n in counted))
    run.write_csv(finder.pairs_, "shared_quotations.csv")
    return finder


def _quotations_task(part: Part, min_words: int, labels) -> pd.DataFrame:
    return quotations.extract_quotations(coverage_part(part, labels), min_words)


def _document_frequency_task(part: Part, words: set, labels) -> tuple[dict, int]:
    return quotations.SharedQuotationFinder.document_frequencies(coverage_part(part, labels), words)


__all__ = ["find_actors_and_claims", "find_shared_passages", "find_shared_quotations", "coverage_part", "forget_tokens"]
