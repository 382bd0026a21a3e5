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


def test_binary_file_is_skipped_or_stops_the_run(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"ok.txt": "نص عربي", "bad.txt": bytes(range(256)) * 8})
    docs, skipped = load_corpus(corpus)
    assert list(docs["doc"]) == ["ok.txt"]
    assert skipped.set_index("doc").loc["bad.txt", "reason"].startswith("not text in UTF-8")
    with pytest.raises(CorpusError, match=r"bad\.txt: not text in UTF-8 \(bad byte 0x"):
        load_corpus(corpus, on_bad_file="error")


def test_windows_1256_is_detected(tmp_path):
    text = "قالت وزارة الخارجية إن نحو عشرة آلاف جندي كوري شمالي وصلوا إلى روسيا.\nوأضاف المتحدث أن التدريب بدأ."
    corpus = write_corpus(tmp_path / "c", {"legacy.txt": text.encode("cp1256")})
    docs, _ = load_corpus(corpus)
    assert docs["text"].iloc[0] == text and docs["encoding"].iloc[0] == "cp1256"


ARTICLES = [
    {"id": "a1", "title": "عنوان أول", "content": "فقرة أولى عن روسيا.\nفقرة ثانية.", "source": "okaz",
     "date": "2015-07-21", "url": "http://x/1"},
    {"id": "a2", "title": "عنوان ثان", "content": "خبر عن كوريا الشمالية.", "source": "aawsat",
     "date": "2015-07-22", "url": "http://x/2"},
]


def test_tables_in_every_format(tmp_path):
    import json

    import pandas as pd

    frame = pd.DataFrame(ARTICLES)
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.jsonl").write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES), "utf-8")
    (folder / "b.json").write_text(json.dumps(ARTICLES, ensure_ascii=False), "utf-8")
    frame.to_csv(folder / "c.csv", index=False)
    frame.to_parquet(folder / "d.parquet")
    docs, skipped = load_corpus(folder)
    assert len(docs) == 8 and skipped.empty
    assert set(docs["doc"]) == {f"{f}#{i}" for f in ("a.jsonl", "b.json", "c.csv", "d.parquet") for i in ("a1", "a2")}
    row = docs.set_index("doc").loc["c.csv#a2"]
    assert (row["text"], row["source"], row["date"], row["title"]) == (
        "خبر عن كوريا الشمالية.", "aawsat", "2015-07-22", "عنوان ثان")


def test_zip_members_are_read_in_place(tmp_path):
    import json
    import zipfile

    archive = tmp_path / "c" / "day.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("day.json", json.dumps(ARTICLES, ensure_ascii=False))
        z.writestr("notes/extra.txt", "نص إضافي")
    docs, _ = load_corpus(archive.parent)
    assert list(docs["doc"]) == ["day.zip/day.json#a1", "day.zip/day.json#a2", "day.zip/notes/extra.txt"]


def test_column_mapping_and_its_errors(tmp_path):
    import json

    rows = [{"key": 1, "body_ar": "نص المقال", "outlet": "x"}, {"key": 2, "body_ar": "نص آخر", "outlet": "y"}]
    folder = write_corpus(tmp_path / "c", {"t.json": json.dumps(rows, ensure_ascii=False)})
    with pytest.raises(CorpusError, match=r"t\.json: no text column"):
        load_corpus(folder)
    docs, _ = load_corpus(folder, columns={"text": "body_ar", "id": "key"})
    assert list(docs["doc"]) == ["t.json#1", "t.json#2"] and list(docs["source"]) == ["x", "y"]
    with pytest.raises(CorpusError, match="no column 'nope' for text"):
        load_corpus(folder, columns={"text": "nope"})


def test_duplicate_ids_are_an_error(tmp_path):
    import json

    rows = [{"id": 7, "text": "نص"}, {"id": 7, "text": "نص آخر"}]
    folder = write_corpus(tmp_path / "c", {"t.json": json.dumps(rows, ensure_ascii=False)})
    with pytest.raises(CorpusError, match=r"t\.json: duplicate document ids in column 'id': \['7'\]"):
        load_corpus(folder)


def test_html_main_text_is_extracted(tmp_path):
    body = " ".join(["قالت وزارة الخارجية إن آلاف الجنود وصلوا إلى المنطقة الحدودية خلال الأسبوع الماضي."] * 4)
    html = (f"<html><head><title>خبر</title></head><body><nav>الرئيسية | اتصل بنا</nav>"
            f"<article><h1>جنود في كورسك</h1><p>{body}</p><p>{body}</p></article>"
            f"<footer>جميع الحقوق محفوظة</footer></body></html>")
    folder = write_corpus(tmp_path / "c", {"page.html": html})
    docs, _ = load_corpus(folder)
    assert "آلاف الجنود" in docs["text"].iloc[0]
    assert "اتصل بنا" not in docs["text"].iloc[0]
    assert docs["encoding"].iloc[0].endswith("+trafilatura")


def test_names_with_spaces_and_arabic(tmp_path):
    folder = write_corpus(tmp_path / "c", {"مقالات الأسبوع/خبر أول.txt": "نص الخبر"})
    docs, _ = load_corpus(folder)
    assert list(docs["doc"]) == ["مقالات الأسبوع/خبر أول.txt"]


def test_corpus_without_arabic_warns(tmp_path):
    folder = write_corpus(tmp_path / "c", {"en.txt": "North Korean troops arrived in Kursk this week."})
    docs, _ = load_corpus(folder)
    assert any("little or no Arabic" in w for w in docs.attrs["warnings"])


def test_missing_or_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="has no files"):
        load_corpus(tmp_path / "empty")
