"""Shared fixtures: the seed corpus, its hand labels, and pipeline stages computed once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "raw"
GOLD = ROOT / "data" / "gold" / "seeds_lines.csv"


@pytest.fixture(scope="session")
def gold() -> pd.DataFrame:
    return pd.read_csv(GOLD)


@pytest.fixture(scope="session")
def seed_documents():
    from toolkit.corpus.load import load_corpus

    documents, _ = load_corpus(SEEDS)
    return documents


@pytest.fixture(scope="session")
def seed_lines(seed_documents):
    from toolkit.corpus.clean import LineCleaner
    from toolkit.corpus.segment import split_lines

    return LineCleaner().fit_transform(split_lines(seed_documents))


@pytest.fixture(scope="session")
def embedder():
    from toolkit.model.embed import make_embedder

    return make_embedder()


@pytest.fixture(scope="session")
def seed_segments(seed_lines):
    from toolkit.corpus.segment import make_segments

    return make_segments(seed_lines)


@pytest.fixture(scope="session")
def seed_embeddings(seed_segments, embedder):
    from toolkit.model.embed import embed_texts

    vectors, _ = embed_texts(seed_segments["text"].tolist(), embedder)
    return vectors


def write_corpus(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write a small corpus: name -> text (UTF-8) or raw bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder
