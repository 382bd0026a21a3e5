"""Load a corpus folder into the documents table.

Contract out: ``schema.DOCUMENTS``, one row per document, raw text untouched, plus a table of
skipped files with the reason for each (nothing is dropped silently).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .errors import CorpusError
from .schema import DOCUMENTS

TEXT_SUFFIXES = (".txt",)


SKIPPED_COLUMNS = ["doc", "reason"]


def decode_bytes(raw: bytes, path: Path) -> tuple[str, str]:
    """Decode a text file: UTF-8 (BOM optional) or UTF-16 with a BOM.

    Raises CorpusError naming the file and the first bad byte, never returns mangled text.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{path}: has a UTF-16 byte-order mark but is not UTF-16 ({exc.reason})")
    if raw.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        return raw.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None


def list_corpus_files(corpus: Path) -> list[Path]:
    """All text files under ``corpus`` (nested folders too), in a stable order."""
    if not corpus.exists():
        raise CorpusError(f"{corpus}: corpus folder does not exist")
    if corpus.is_file():
        return [corpus]
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise CorpusError(f"{corpus}: corpus folder has no files")
    return files


def load_corpus(corpus: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read every file of ``corpus``.

    Returns ``(documents, skipped)``: the documents table (``schema.DOCUMENTS``) and a table
    ``doc, reason`` of files that were not loaded (wrong type, empty), so that the run can
    record them.
    """
    corpus = Path(corpus).resolve()
    root = corpus if corpus.is_dir() else corpus.parent
    rows, skipped = [], []
    for path in list_corpus_files(corpus):
        doc = path.relative_to(root).as_posix()
        if path.suffix.lower() not in TEXT_SUFFIXES:
            skipped.append({"doc": doc, "reason": f"not a supported file type ({path.suffix or 'no suffix'})"})
            continue
        raw = path.read_bytes()
        text, encoding = decode_bytes(raw, path)
        if not text.strip():
            skipped.append({"doc": doc, "reason": "empty or whitespace-only file"})
            continue
        rows.append({
            "doc": doc, "path": str(path), "text": text,
            "sha256": hashlib.sha256(raw).hexdigest(), "encoding": encoding,
            "n_chars": len(text), "title": "", "source": "", "date": "", "url": "",
        })
    if not rows:
        raise CorpusError(f"{corpus}: no readable text documents ({len(skipped)} files skipped)")
    documents = DOCUMENTS.check(pd.DataFrame(rows), "load")
    return documents, pd.DataFrame(skipped, columns=SKIPPED_COLUMNS)
