import socket

import numpy as np
import pytest

from toolkit.model.embed import EmbeddingCache, EmbeddingError, SentenceTransformerEmbedder, embed_texts, make_embedder

PARAGRAPHS = [
    "أرسلت كوريا الشمالية آلاف الجنود إلى روسيا للقتال في أوكرانيا.",
    "وصل جنود كوريون شماليون إلى منطقة كورسك للمشاركة في القتال إلى جانب القوات الروسية.",
    "قرر الرئيس الأميركي عدم زيارة إسرائيل خلال جولته في الشرق الأوسط.",
]


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test on any attempt to open a network connection (a download)."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args[1:] if len(args) > 1 else args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def test_default_backend_embeds_arabic_meaningfully(embedder, no_network):
    vectors = embedder.embed(PARAGRAPHS)
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.2  # troops vs troops closer than troops vs Trump's trip


def test_cache_skips_recomputation(tmp_path, embedder):
    cache = EmbeddingCache(tmp_path, embedder.cache_key)
    first, stats1 = embed_texts(PARAGRAPHS + PARAGRAPHS[:1], embedder, cache)
    assert stats1 == {"texts": 4, "unique": 3, "cached": 0, "computed": 3}
    fresh = EmbeddingCache(tmp_path, embedder.cache_key)  # a new process reads the shards
    second, stats2 = embed_texts(PARAGRAPHS, embedder, fresh)
    assert stats2["computed"] == 0 and stats2["cached"] == 3
    assert np.array_equal(first[:3], second)
    assert not list(tmp_path.rglob(".*tmp*"))


def test_sentence_transformers_backend_loads_offline(no_network):
    model = make_embedder("sentence-transformers:all-MiniLM-L6-v2")
    vectors = model.embed(["North Korean troops in Russia", "كوريا الشمالية"])
    assert vectors.shape == (2, 384)


def test_unknown_model_fails_without_downloading(no_network):
    model = SentenceTransformerEmbedder("some-org/model-that-is-not-on-disk")
    with pytest.raises(EmbeddingError, match="not available offline"):
        model.embed(["نص"])


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(EmbeddingError, match="unknown embedding backend"):
        make_embedder("word2vec")


def test_embed_command_writes_one_vector_per_line(tmp_path):
    import subprocess
    import sys

    source = tmp_path / "in.txt"
    source.write_text("\n".join(PARAGRAPHS), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "toolkit", "embed", str(source), str(tmp_path / "out.npy")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    vectors = np.load(tmp_path / "out.npy")
    assert vectors.shape == (3, 512)
    missing = subprocess.run([sys.executable, "-m", "toolkit", "embed", str(tmp_path / "nope.txt"), "x.npy"],
                             capture_output=True, text=True, timeout=300)
    assert missing.returncode == 2 and "nope.txt: no such file" in missing.stderr


def test_cache_filled_by_another_corpus_gives_the_same_bits(tmp_path, embedder, seed_segments):
    """A checkout whose cache holds vectors computed in another corpus's batches writes the
    same vectors as one with an empty cache (issue 15: the same tables on every machine)."""
    texts = list(dict.fromkeys(seed_segments["text"].tolist()))
    shared = texts[5::9]  # real seed texts that both corpora contain
    other_corpus = [t for t in texts[:60] if t not in shared] + shared + PARAGRAPHS
    corpus = shared + [t for t in texts[60:] if t not in shared]
    filled = EmbeddingCache(tmp_path / "filled", embedder.cache_key)
    embed_texts(other_corpus, embedder, filled)
    from_filled, stats = embed_texts(corpus, embedder, EmbeddingCache(tmp_path / "filled", embedder.cache_key))
    assert stats["cached"] == len(shared) and stats["computed"] == len(corpus) - len(shared)
    from_empty, _ = embed_texts(corpus, embedder, EmbeddingCache(tmp_path / "empty", embedder.cache_key))
    alone = np.vstack([embedder.embed([t]) for t in shared])
    assert from_filled.tobytes() == from_empty.tobytes()
    assert from_filled[:len(shared)].tobytes() == alone.tobytes()


def test_cache_key_names_the_batch_independent_vectors(embedder):
    from toolkit.model.encoder import cache_key

    assert embedder.cache_key == cache_key("float32") or embedder.cache_key == cache_key("bfloat16")
    assert "-v3-" in embedder.cache_key  # v1/v2 vectors depend on their batch: never reused


def test_embedding_and_the_corpus_stages_do_not_import_bertopic():
    # BERTopic costs ~10 s to import: a notebook that only loads and cleans, or embeds a few
    # quotations, must not pay it. BERTopic still gets the embedder, wrapped as its BaseEmbedder.
    import subprocess
    import sys

    code = ("import sys; import toolkit.study.pipeline, toolkit.model.embed, toolkit.findings.quotations; "
            "print('bertopic' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
    from bertopic.backend import BaseEmbedder

    from toolkit.model.bertopic_backend import as_bertopic

    backend = as_bertopic(make_embedder())
    assert isinstance(backend, BaseEmbedder) and as_bertopic(None) is None
    vectors = backend.embed(["قال الكرملين إن بيونغ يانغ حليف", "أرسلت كوريا الشمالية جنودا إلى روسيا"])
    assert vectors.shape == (2, 512) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_fully_cached_run_needs_no_torch_where_no_gpu_can_be_seen():
    # torch takes 1.5 s to import: the cache key (which names the precision, hence the device)
    # and a partition whose vectors are all cached must not load it on a machine without GPU
    # driver files.
    import subprocess
    import sys

    code = ("import sys; import toolkit.model.encoder as e; e._GPU_DEVICE_FILES = ('/nonexistent/nvidia0',); "
            "from toolkit.model.embed import make_embedder; key = make_embedder().cache_key; "
            "print(e.resolve_device(None), 'torch' in sys.modules, key)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[:2] == ["cpu", "False"] and "-v3-" in out[2]
