import hashlib

import pytest

from conftest import SEEDS, write_corpus
from toolkit.corpus.load import CorpusError, load_corpus


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


# ---------------------------------------------------------------- entries that are not read
@pytest.fixture
def no_hang():
    """Fail, instead of hanging, should a test open a FIFO."""
    import signal

    def timeout(*_):
        raise TimeoutError("loading blocked (a FIFO opened?)")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_special_entries_are_recorded_never_opened(tmp_path, no_hang):
    import os

    corpus = write_corpus(tmp_path / "c", {"ok.txt": "نص عربي", "sub/a.txt": "نص آخر",
                                           ".hidden/h.txt": "مخفي", ".ok.partial/x.txt": "جار"})
    os.mkfifo(corpus / "pipe.txt")
    os.mkfifo(corpus / "pipe.zip")  # zipfile would block on it too
    (corpus / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (corpus / "linked").symlink_to(corpus / "sub", target_is_directory=True)
    (corpus / "linked.txt").symlink_to(corpus / "ok.txt")  # a link to a file is read
    (corpus / ".ok.lock").write_text("")
    docs, skipped = load_corpus(corpus)
    assert list(docs["doc"]) == ["linked.txt", "ok.txt", "sub/a.txt"]
    reasons = dict(zip(skipped["doc"], skipped["reason"]))
    assert set(reasons) == {"pipe.txt", "pipe.zip", "dangling.txt", "linked"}
    assert reasons["pipe.txt"].startswith("a named pipe (FIFO)") and reasons["pipe.zip"].startswith("a named pipe")
    assert reasons["dangling.txt"].startswith("broken symbolic link (to ") and "nowhere.txt" in reasons["dangling.txt"]
    assert reasons["linked"] == "symbolic link to a folder: not followed"
    # Special entries are skipped whatever on_bad_file says: they are not files to read.
    assert list(load_corpus(corpus, on_bad_file="error")[0]["doc"]) == ["linked.txt", "ok.txt", "sub/a.txt"]


def test_run_folders_inside_the_corpus_are_skipped_with_a_warning(tmp_path):
    import json

    from toolkit.study.workspace import write_run_marker

    corpus = write_corpus(tmp_path / "c", {
        "ok.txt": "نص عربي",
        # An earlier run's folder (from before the marker existed): its manifest and tables.
        "results/manifest.json": json.dumps({"run": "r", "parameters": {}, "packages": {}, "stages": []}),
        "results/tables/actor_mentions.csv": "doc,line,start,end,name,kind,surface\n",
        "runs/new/tables/lines.csv": "doc,line,label\n",
        # A folder holding a manifest.json that is not a run's is walked, the file read as a table.
        "data/manifest.json": json.dumps([{"text": "نص في ملف اسمه manifest"}], ensure_ascii=False),
    })
    write_run_marker(corpus / "runs" / "new")
    docs, skipped = load_corpus(corpus)
    assert list(docs["doc"]) == ["data/manifest.json#1", "ok.txt"]
    assert dict(zip(skipped["doc"], skipped["reason"])) == {
        "results": "a run folder of this toolkit (an earlier run's output), not input",
        "runs/new": "a run folder of this toolkit (an earlier run's output), not input"}
    [warning] = [w for w in docs.attrs["warnings"] if "run folder" in w]
    assert "2 run folder(s)" in warning and "results, runs/new" in warning and "--out" in warning


def test_a_file_that_fails_to_read_is_skipped_or_stops_the_run(tmp_path, monkeypatch):
    import errno

    from toolkit.corpus import load

    corpus = write_corpus(tmp_path / "c", {"ok.txt": "نص عربي", "bad sector.txt": "نص"})
    read = load._read_file

    def failing(path):
        if path.name == "bad sector.txt":
            raise OSError(errno.EIO, "Input/output error")
        return read(path)

    monkeypatch.setattr(load, "_read_file", failing)
    docs, skipped = load_corpus(corpus)
    assert list(docs["doc"]) == ["ok.txt"]
    assert skipped.set_index("doc").loc["bad sector.txt", "reason"] == "cannot be read (OSError: Input/output error)"
    with pytest.raises(CorpusError, match=r"bad sector\.txt: cannot be read \(OSError: Input/output error\)"):
        load_corpus(corpus, on_bad_file="error")


def test_a_folder_that_cannot_be_listed_is_recorded(tmp_path, monkeypatch):
    import os

    corpus = write_corpus(tmp_path / "c", {"ok.txt": "نص عربي", "locked/a.txt": "نص"})
    scandir = os.scandir

    def refusing(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    docs, skipped = load_corpus(corpus)
    assert list(docs["doc"]) == ["ok.txt"]
    assert skipped.set_index("doc").loc["locked", "reason"] == "folder cannot be listed (PermissionError: Permission denied)"
    with pytest.raises(CorpusError, match=r"locked: folder cannot be listed"):
        load_corpus(corpus, on_bad_file="error")


def _damaged_zip(path, members: dict[str, bytes], damage: str):
    """A zip archive whose member ``damage`` has bytes flipped in its compressed data."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(damage)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 4, start + 24):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_zip_member_is_skipped_naming_archive_and_member(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    _damaged_zip(corpus / "day.zip", {"a.txt": "خبر سليم عن روسيا".encode(),
                                      "b.txt": ("خبر تالف عن كوريا الشمالية " * 200).encode(),
                                      "c.txt": "خبر سليم آخر".encode()}, damage="b.txt")
    docs, skipped = load_corpus(corpus)
    assert list(docs["doc"]) == ["day.zip/a.txt", "day.zip/c.txt"]
    reason = skipped.set_index("doc").loc["day.zip/b.txt", "reason"]
    assert reason.startswith("cannot be decompressed (") and ("zlib.error" in reason or "CRC" in reason)
    with pytest.raises(CorpusError, match=r"day\.zip!b\.txt: cannot be decompressed"):
        load_corpus(corpus, on_bad_file="error")


def test_zip_members_are_capped(tmp_path):
    import zipfile

    corpus = tmp_path / "c"
    corpus.mkdir()
    with zipfile.ZipFile(corpus / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("small.txt", "خبر قصير")
        with archive.open("big.txt", "w") as member:  # 3 MB of one letter: a few KB compressed
            for _ in range(3):
                member.write(b"a" * 2 ** 20)
    assert (corpus / "bomb.zip").stat().st_size < 20_000
    docs, skipped = load_corpus(corpus, max_zip_member_mb=1)
    assert list(docs["doc"]) == ["bomb.zip/small.txt"]
    reason = skipped.set_index("doc").loc["bomb.zip/big.txt", "reason"]
    assert reason.startswith("expands to 3.0 MB, more than max_zip_member_mb (1 MB)")
    with pytest.raises(CorpusError, match=r"bomb\.zip!big\.txt: expands to 3\.0 MB"):
        load_corpus(corpus, max_zip_member_mb=1, on_bad_file="error")
    assert len(load_corpus(corpus)[0]) == 2  # the default (100 MB) reads it
    assert len(load_corpus(corpus, max_zip_member_mb=None)[0]) == 2


def test_a_member_larger_than_its_header_says_is_not_read_whole(tmp_path):
    import zipfile

    corpus = tmp_path / "c"
    corpus.mkdir()
    with zipfile.ZipFile(corpus / "lie.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", b"a" * (3 * 2 ** 20))
    # Forge the sizes in both headers: 3 MB declared as 100 bytes.
    data = bytearray((corpus / "lie.zip").read_bytes())
    size = (3 * 2 ** 20).to_bytes(4, "little")
    forged = (100).to_bytes(4, "little")
    assert data.count(size) == 2
    (corpus / "lie.zip").write_bytes(bytes(data).replace(size, forged))
    docs, skipped = load_corpus(write_corpus(corpus, {"ok.txt": "نص"}), max_zip_member_mb=1)
    assert list(docs["doc"]) == ["ok.txt"]
    assert skipped.set_index("doc").loc["lie.zip/big.txt", "reason"].startswith("cannot be decompressed")
