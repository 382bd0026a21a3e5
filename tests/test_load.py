import hashlib

import pytest

from conftest import SEEDS, write_corpus
from toolkit.load import CorpusError, load_corpus


def test_seed_corpus_loads_untouched(seed_documents):
    assert len(seed_documents) == 5
    first = seed_documents.iloc[0]
    raw = (SEEDS / first["doc"]).read_bytes()
    assert first["text"] == raw.decode("utf-8")
    assert first["sha256"] == hashlib.sha256(raw).hexdigest()


def test_nested_folders_and_bom(tmp_path):
    corpus = write_corpus(tmp_path / "c", {
        "a/one.txt": "خبر أول",
        "b/two.txt": "\ufeffخبر ثان".encode("utf-8"),
        "three.txt": "خبر ثالث".encode("utf-16"),
    })
    docs, skipped = load_corpus(corpus)
    assert list(docs["doc"]) == ["a/one.txt", "b/two.txt", "three.txt"]
    assert docs.set_index("doc").loc["b/two.txt", "text"] == "خبر ثان"
    assert docs.set_index("doc").loc["three.txt", "text"] == "خبر ثالث"
    assert skipped.empty


def test_empty_and_other_files_are_skipped_with_reason(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"ok.txt": "نص", "empty.txt": "  \n\n", "image.png": b"\x89PNG"})
    docs, skipped = load_corpus(corpus)
    assert list(docs["doc"]) == ["ok.txt"]
    reasons = dict(zip(skipped["doc"], skipped["reason"]))
    assert "empty" in reasons["empty.txt"]
    assert "not a supported file type" in reasons["image.png"]


def test_undecodable_file_names_file_and_byte(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"bad.txt": b"\xd1\xff\xfe broken"})
    with pytest.raises(CorpusError, match=r"bad\.txt: not valid UTF-8 \(byte 0x"):
        load_corpus(corpus)


def test_missing_or_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="has no files"):
        load_corpus(tmp_path / "empty")
