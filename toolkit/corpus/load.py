"""Load a corpus into the documents table.

Contract out: ``schema.DOCUMENTS``, one row per document, raw text untouched, plus a table of
skipped inputs with the reason for each (nothing is dropped silently).

A corpus is a folder (nested folders allowed), a single file, or a ``.zip`` archive; inside
it, per file:

- ``.txt``: one document per file, ``doc`` = path relative to the corpus;
- ``.jsonl`` (one object per line), ``.json`` (an array of objects), ``.csv``, ``.parquet``:
  one document per row, ``doc`` = ``<file>#<id>`` with the id from the id column, else the
  1-based row number. Columns are mapped by ``ColumnMap`` (text, title, id, date, source,
  url); each is auto-detected from common names when exactly one candidate is present;
- ``.html``/``.htm``: main text extracted with trafilatura (boilerplate removal by a
  maintained extractor; ``encoding`` records ``+trafilatura``);
- ``.zip``: its members, read in place, ``doc`` = ``<archive>/<member>[#id]``; a member that
  would expand to more than ``max_zip_member_mb`` is skipped (a zip bomb is a few KB).

Entries that are no regular file (FIFOs, sockets, devices, broken symbolic links, symbolic links
to folders) and folders written by a run of this toolkit (``workspace.is_run_folder``: an
``--out`` inside the corpus) are not read, and never opened: they are listed in the skipped
table with the reason, like files that cannot be read or decompressed. Hidden entries (a name
starting with '.', such as a running run's ``.NAME.partial`` folder and ``.NAME.lock`` file)
are left aside.

Text bytes are decoded as UTF-8 (BOM optional), UTF-16 (BOM), or, failing that, the
encoding charset-normalizer finds among Windows-1256, ISO-8859-6 and UTF-16 without BOM.
Bytes that are plausible in none of them are reported, never decoded into mangled text.
Line numbers (``line`` in every table) count lines of the document text: the file for
``.txt``, the text field for table rows, the extracted text for HTML.
"""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import ColumnMappingError, CorpusError
from ..schema import DOCUMENTS

TEXT_SUFFIXES = (".txt",)
TABLE_SUFFIXES = (".jsonl", ".json", ".csv", ".parquet")
HTML_SUFFIXES = (".html", ".htm")
SUPPORTED = TEXT_SUFFIXES + TABLE_SUFFIXES + HTML_SUFFIXES + (".zip",)
SKIPPED_COLUMNS = ["doc", "reason"]
#: What one .zip member may expand to by default (parameter ``max_zip_member_mb``).
MAX_ZIP_MEMBER_MB = 100
#: Reason recorded for a run folder found inside the corpus (and warned about).
RUN_FOLDER_REASON = "a run folder of this toolkit (an earlier run's output), not input"
#: What reading a damaged archive or member raises: zipfile's own errors, and those of the
#: decompressors it calls (deflate, bzip2 as OSError, lzma), encryption (RuntimeError) and
#: unsupported methods (NotImplementedError).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, OSError, EOFError, ValueError,
               NotImplementedError, RuntimeError)
FALLBACK_ENCODINGS = ["cp1256", "iso8859_6", "utf_16_le", "utf_16_be"]

#: Column names tried, in order, when a mapping is not given.
COLUMN_CANDIDATES = {
    "text": ("text", "content", "body", "article", "article_text", "full_text", "النص", "المحتوى"),
    "title": ("title", "headline", "heading", "العنوان"),
    "id": ("id", "doc_id", "article_id", "uid", "uuid"),
    "date": ("date", "published", "publish_date", "published_at", "date_published", "datetime",
             "date_extracted", "time", "التاريخ"),
    "source": ("source", "outlet", "site", "publisher", "newspaper", "website", "المصدر"),
    "url": ("url", "link", "href", "permalink"),
}


@dataclass
class ColumnMap:
    """Which table column holds each field; None: auto-detect."""

    text: str | None = None
    title: str | None = None
    id: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None

    @classmethod
    def from_dict(cls, mapping: dict | None) -> "ColumnMap":
        mapping = dict(mapping or {})
        unknown = set(mapping) - set(COLUMN_CANDIDATES)
        if unknown:
            raise CorpusError(f"columns: unknown fields {sorted(unknown)} (known: {', '.join(COLUMN_CANDIDATES)})")
        return cls(**mapping)

    def resolve(self, columns: list[str], where: str) -> dict[str, str | None]:
        """Field -> column for this table; raises CorpusError when the text column is missing
        or ambiguous."""
        lower = {c.lower(): c for c in columns}
        out: dict[str, str | None] = {}
        for name, candidates in COLUMN_CANDIDATES.items():
            given = getattr(self, name)
            if given:
                if given not in columns:
                    raise ColumnMappingError(f"{where}: no column '{given}' for {name} (columns: {', '.join(columns)})")
                out[name] = given
                continue
            found = [lower[c] for c in candidates if c in lower]
            if name == "text" and len(found) > 1:
                raise ColumnMappingError(f"{where}: several possible text columns {found}; name one with columns.text")
            out[name] = found[0] if found else None
        if out["text"] is None:
            raise ColumnMappingError(f"{where}: no text column (looked for {', '.join(COLUMN_CANDIDATES['text'])}; "
                              f"columns: {', '.join(columns)}); name it with columns.text")
        return out


@dataclass
class LoadReport:
    """What loading did besides producing documents: skips and warnings."""

    skipped: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def skip(self, doc: str, reason: str) -> None:
        self.skipped.append({"doc": doc, "reason": reason})


# ---------------------------------------------------------------------------- decoding
def decode_bytes(raw: bytes, where: str) -> tuple[str, str]:
    """Decode text bytes; returns ``(text, encoding)`` or raises CorpusError naming ``where``."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{where}: has a UTF-16 byte-order mark but is not UTF-16 ({exc.reason})") from None
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:
        if "\x00" in text:
            raise CorpusError(f"{where}: contains NUL bytes: binary data, not text")
        return text, encoding
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=FALLBACK_ENCODINGS).best()
    if best is not None:
        text = str(best)
        controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t")
        if controls <= 0.001 * max(len(text), 1) and best.chaos < 0.2:
            return text, best.encoding
    raise CorpusError(
        f"{where}: not text in UTF-8 (bad byte 0x{raw[first_bad]:02x} at offset {first_bad}), "
        "UTF-16, Windows-1256 or ISO-8859-6; convert it to UTF-8"
    )


# ---------------------------------------------------------------------------- readers
def _clean_cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def _table_from_bytes(raw: bytes, suffix: str, where: str) -> pd.DataFrame:
    try:
        if suffix == ".parquet":
            return pd.read_parquet(io.BytesIO(raw))
        text, _ = decode_bytes(raw, where)
        if suffix == ".csv":
            return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        if suffix == ".jsonl":
            rows = []
            for number, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise CorpusError(f"{where}: line {number} is not JSON ({exc.msg})") from None
            data = rows
        else:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{where}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
            if isinstance(data, dict):
                # {"articles": [...]} and similar: the one list of objects inside.
                lists = [v for v in data.values() if isinstance(v, list)]
                if len(lists) != 1:
                    raise CorpusError(f"{where}: JSON must be an array of objects (or hold exactly one)")
                data = lists[0]
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise CorpusError(f"{where}: JSON must be an array of objects, one per article")
        return pd.DataFrame(data)
    except CorpusError:
        raise
    except Exception as exc:  # parser errors of pandas/pyarrow name no file: add it
        raise CorpusError(f"{where}: cannot read as {suffix[1:]} ({type(exc).__name__}: {exc})") from None


def _documents_from_table(table: pd.DataFrame, doc_prefix: str, where: str, sha: str,
                          columns: ColumnMap, report: LoadReport) -> list[dict]:
    if table.empty:
        report.skip(doc_prefix, "table with no rows")
        return []
    mapping = columns.resolve([str(c) for c in table.columns], where)
    rows = []
    ids = table[mapping["id"]].map(_clean_cell) if mapping["id"] else pd.Series(
        [str(i) for i in range(1, len(table) + 1)])
    duplicated = ids[ids.duplicated()].unique().tolist()
    if duplicated:
        raise ColumnMappingError(f"{where}: duplicate document ids in column '{mapping['id']}': {duplicated[:5]}")
    for position, (row, doc_id) in enumerate(zip(table.to_dict("records"), ids), start=1):
        doc = f"{doc_prefix}#{doc_id}"
        text = _clean_cell(row.get(mapping["text"]))
        if not text.strip():
            report.skip(doc, f"empty text in row {position}")
            continue
        rows.append({
            "doc": doc, "path": where, "text": text, "sha256": sha, "encoding": "table",
            "n_chars": len(text),
            **{k: _clean_cell(row.get(mapping[k])) if mapping[k] else "" for k in ("title", "source", "date", "url")},
        })
    return rows


def _document_from_html(raw: bytes, doc: str, where: str, sha: str, report: LoadReport) -> list[dict]:
    import trafilatura

    html, encoding = decode_bytes(raw, where)
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=False) or ""
    if not text.strip():
        report.skip(doc, "HTML page with no extractable main text (trafilatura)")
        return []
    meta = trafilatura.extract_metadata(html)
    return [{
        "doc": doc, "path": where, "text": text, "sha256": sha, "encoding": f"{encoding}+trafilatura",
        "n_chars": len(text),
        "title": (meta.title or "") if meta else "", "source": (meta.sitename or "") if meta else "",
        "date": (meta.date or "") if meta else "", "url": (meta.url or "") if meta else "",
    }]


def _read_member(raw: bytes, name: str, doc: str, where: str, columns: ColumnMap,
                 report: LoadReport, on_bad_file: str) -> list[dict]:
    suffix = Path(name).suffix.lower()
    sha = hashlib.sha256(raw).hexdigest()
    try:
        if suffix in TEXT_SUFFIXES:
            text, encoding = decode_bytes(raw, where)
            if not text.strip():
                report.skip(doc, "empty or whitespace-only file")
                return []
            return [{"doc": doc, "path": where, "text": text, "sha256": sha, "encoding": encoding,
                     "n_chars": len(text), "title": "", "source": "", "date": "", "url": ""}]
        if suffix in TABLE_SUFFIXES:
            return _documents_from_table(_table_from_bytes(raw, suffix, where), doc, where, sha, columns, report)
        if suffix in HTML_SUFFIXES:
            return _document_from_html(raw, doc, where, sha, report)
    except ColumnMappingError:
        raise
    except CorpusError as exc:
        if on_bad_file == "error":
            raise
        report.skip(doc, str(exc).replace(f"{where}: ", ""))
        return []
    report.skip(doc, f"not a supported file type ({suffix or 'no suffix'})")
    return []


def _error_text(exc: BaseException) -> str:
    kind = type(exc)
    name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
    return f"{name}: {(exc.strerror if isinstance(exc, OSError) else None) or exc}"


def not_input(path: Path) -> str | None:
    """Why the corpus entry ``path`` is not read (it is recorded as skipped with this reason);
    None for a regular file (or a symbolic link to one). Looks at the entry, never opens it."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            try:
                return f"broken symbolic link (to {os.readlink(path)}, which does not exist)"
            except OSError:
                return "broken symbolic link"
        return "vanished while the corpus was read"
    except OSError as exc:
        return f"cannot be read ({_error_text(exc)})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        from ..study.workspace import is_run_folder

        if is_run_folder(path):
            return RUN_FOLDER_REASON
        if path.is_symlink():
            return "symbolic link to a folder: not followed"
        try:
            os.scandir(path).close()
        except OSError as exc:
            return f"folder cannot be listed ({_error_text(exc)})"
        return "folder not read"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a regular file: not opened"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file: not opened"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file: not opened"
    return "not a regular file: not opened"


def _read_file(path: Path) -> bytes:
    """The bytes of a regular file; ``OSError`` when it cannot be read.

    Opened without blocking and checked again once open, so that an entry replaced by a FIFO
    after ``not_input`` looked at it cannot hang the run.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path}: not a regular file any more")
        return handle.read()


def _input_size(path: Path) -> int:
    try:
        return path.stat().st_size if not_input(path) is None else 0
    except OSError:
        return 0


def list_corpus_files(corpus: Path) -> list[Path]:
    """Every entry of ``corpus`` to read or to record as skipped, in a stable order.

    Regular files under it (nested folders too), plus the entries that ``not_input`` explains:
    special files, broken links, symbolic links to folders, folders that cannot be listed and
    run folders of this toolkit (not walked into). Hidden entries (name starting with '.') are
    left aside, and so is everything under a hidden folder.
    """
    corpus = Path(corpus)
    if not corpus.exists():
        raise CorpusError(f"{corpus}: corpus folder does not exist")
    if corpus.is_file():
        return [corpus]
    if not corpus.is_dir():
        raise CorpusError(f"{corpus}: neither a folder nor a file ({not_input(corpus)})")
    from ..study.workspace import is_run_folder

    found: list[Path] = []

    def walk(folder: Path) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            if folder == corpus:
                raise CorpusError(f"{corpus}: cannot list the corpus folder ({_error_text(exc)})") from None
            found.append(folder)  # recorded as skipped (not_input says why)
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_folder = False
            if is_folder and not is_run_folder(path):
                walk(path)
            else:
                found.append(path)

    walk(corpus)
    if not found:
        raise CorpusError(f"{corpus}: corpus folder has no files")
    return sorted(found, key=lambda p: p.relative_to(corpus).as_posix())


@dataclass(frozen=True)
class Partition:
    """A slice of the corpus loaded as one unit (by one task, on one worker).

    ``units`` are ``(file, member)`` pairs: ``member`` is a ``.zip`` member name, or None for a
    plain file (and for an archive that cannot be opened, so that reading it records the skip).
    Document ids are relative to ``root``.
    """

    index: int
    root: str
    units: tuple[tuple[str, str | None], ...]


#: A partition also closes once its inputs reach this many bytes (uncompressed), so that a corpus
#: of a few large files (one JSON file per day, say) still spreads over the workers.
PARTITION_BYTES = 8 * 2 ** 20


def plan_partitions(corpus: str | Path, partition_size: int = 1000,
                    partition_bytes: int = PARTITION_BYTES) -> list[Partition]:
    """Split ``corpus`` into partitions of at most ``partition_size`` files or archive members
    and, past one input, at most ``partition_bytes`` bytes of input.

    A table file (.jsonl/.csv/...) is one unit whatever its row count: give a very large
    collection as many files (as archives and scrapes usually are).
    """
    if partition_size < 1:
        raise CorpusError(f"partition_size must be at least 1, not {partition_size}")
    corpus = Path(corpus).resolve()
    root = corpus if corpus.is_dir() else corpus.parent
    units: list[tuple[tuple[str, str | None], int]] = []
    for path in list_corpus_files(corpus):
        # Entries that are not read (not_input) are units too: reading them records the skip.
        if path.suffix.lower() == ".zip" and not_input(path) is None:
            try:
                with zipfile.ZipFile(path) as archive:
                    members = sorted((i.filename, i.file_size) for i in archive.infolist()
                                     if not i.filename.endswith("/") and not Path(i.filename).name.startswith("."))
            except _ZIP_ERRORS:
                units.append(((str(path), None), _input_size(path)))
                continue
            units += [((str(path), name), size) for name, size in members]
        else:
            units.append(((str(path), None), _input_size(path)))
    partitions: list[Partition] = []
    current: list[tuple[str, str | None]] = []
    size = 0
    for unit, unit_bytes in units:
        if current and (len(current) >= partition_size or size + unit_bytes > partition_bytes):
            partitions.append(Partition(len(partitions), str(root), tuple(current)))
            current, size = [], 0
        current.append(unit)
        size += unit_bytes
    if current:
        partitions.append(Partition(len(partitions), str(root), tuple(current)))
    return partitions


def _read_zip_member(archive: zipfile.ZipFile, member: str, limit: int | None) -> bytes:
    """A member's bytes; ``CorpusError`` (without the location) past ``limit`` bytes, or when
    the member cannot be decompressed."""
    try:
        info = archive.getinfo(member)
        if limit is not None and info.file_size > limit:
            raise CorpusError(_too_large(info.file_size, limit))
        with archive.open(info) as handle:
            raw = handle.read() if limit is None else handle.read(limit + 1)
    except CorpusError:
        raise
    except _ZIP_ERRORS as exc:
        raise CorpusError(f"cannot be decompressed ({_error_text(exc)})") from None
    if limit is not None and len(raw) > limit:  # zipfile stops at the size the header gives
        raise CorpusError(_too_large(len(raw), limit))
    return raw


def _too_large(size: int, limit: int) -> str:
    return (f"expands to {size / 2 ** 20:.1f} MB, more than max_zip_member_mb ({limit / 2 ** 20:g} MB): "
            "a likely zip bomb; raise max_zip_member_mb to read it")


def load_partition(partition: Partition, columns: dict | ColumnMap | None = None,
                   on_bad_file: str = "skip", max_zip_member_mb: float | None = MAX_ZIP_MEMBER_MB,
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one partition: ``(documents, skipped)`` as ``load_corpus`` returns them."""
    columns = columns if isinstance(columns, ColumnMap) else ColumnMap.from_dict(columns)
    limit = None if max_zip_member_mb is None else int(max_zip_member_mb * 2 ** 20)
    root = Path(partition.root)
    report = LoadReport()
    rows: list[dict] = []
    open_archive: tuple[str, zipfile.ZipFile | None] | None = None

    def bad(doc: str, where: str, reason: str) -> None:
        # A file that cannot be read is a bad file: skipped and recorded, or (error) the end of the run.
        if on_bad_file == "error":
            raise CorpusError(f"{where}: {reason}")
        report.skip(doc, reason)

    try:
        for file, member in partition.units:
            path = Path(file)
            rel = path.relative_to(root).as_posix()
            is_archive = path.suffix.lower() == ".zip"
            if not is_archive or open_archive is None or open_archive[0] != file:
                if open_archive is not None and open_archive[1] is not None:
                    open_archive[1].close()
                open_archive = None
                reason = not_input(path)
                if reason is not None:
                    if reason.startswith("cannot be read") or reason.startswith("folder cannot be listed"):
                        bad(rel, str(path), reason)
                    else:
                        report.skip(rel, reason)
                    if is_archive:
                        open_archive = (file, None)  # its other members: already recorded
                    continue
            if not is_archive:
                try:
                    raw = _read_file(path)
                except OSError as exc:
                    bad(rel, str(path), f"cannot be read ({_error_text(exc)})")
                    continue
                rows += _read_member(raw, path.name, rel, str(path), columns, report, on_bad_file)
                continue
            if open_archive is None:
                try:
                    open_archive = (file, zipfile.ZipFile(path))
                except _ZIP_ERRORS as exc:
                    open_archive = (file, None)
                    bad(rel, str(path), f"not a valid zip archive ({_error_text(exc)})")
                    continue
            if member is None or open_archive[1] is None:
                continue
            doc, where = f"{rel}/{member}", f"{path}!{member}"
            try:
                raw = _read_zip_member(open_archive[1], member, limit)
            except CorpusError as exc:
                bad(doc, where, str(exc))
                continue
            rows += _read_member(raw, member, doc, where, columns, report, on_bad_file)
    finally:
        if open_archive is not None and open_archive[1] is not None:
            open_archive[1].close()
    # Document ids are checked for repeats over the whole corpus by the callers.
    documents = pd.DataFrame(rows, columns=list(DOCUMENTS.columns)).astype({"n_chars": "int64"})
    return documents[list(DOCUMENTS.columns)], pd.DataFrame(report.skipped, columns=SKIPPED_COLUMNS)


def letter_counts(text: str, head: int = 2000) -> tuple[int, int]:
    """``(Arabic letters, letters)`` in the first ``head`` characters of a document."""
    from .normalize import arabic_letter_counts

    return arabic_letter_counts(text[:head])


def corpus_warnings(head_counts: list[tuple[int, int]], skipped: pd.DataFrame | None = None) -> list[str]:
    """Corpus-level warnings from the ``letter_counts`` of the first 200 documents and from the
    skipped inputs (run folders inside the corpus)."""
    warnings = []
    arabic = sum(a for a, _ in head_counts[:200])
    letters = sum(n for _, n in head_counts[:200])
    ratio = arabic / letters if letters else 0.0
    if ratio < 0.2:
        warnings.append(f"the corpus has little or no Arabic text ({ratio:.0%} of letters are Arabic): "
                        "Arabic normalization, stop words and patterns will not apply")
    if skipped is not None and len(skipped):
        runs = skipped.loc[skipped["reason"] == RUN_FOLDER_REASON, "doc"].tolist()
        if runs:
            warnings.append(f"{len(runs)} run folder(s) of this toolkit inside the corpus not read as input "
                            f"({', '.join(runs[:3])}{', ...' if len(runs) > 3 else ''}): "
                            "write runs outside the corpus (--out)")
    return warnings


def no_documents_error(corpus: str | Path, skipped: pd.DataFrame) -> CorpusError:
    detail = "; ".join(f"{d}: {r}" for d, r in zip(skipped["doc"].head(3), skipped["reason"].head(3)))
    return CorpusError(f"{Path(corpus).resolve()}: no readable documents ({len(skipped)} inputs skipped"
                       + (f": {detail}" if detail else "") + ")")


def load_corpus(corpus: str | Path, columns: dict | ColumnMap | None = None,
                on_bad_file: str = "skip", progress: bool = False,
                max_zip_member_mb: float | None = MAX_ZIP_MEMBER_MB) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read every file of ``corpus``.

    ``on_bad_file``: "skip" records an undecodable or unparsable file (or one that cannot be
    read or decompressed) in the skipped table and goes on; "error" stops at it. A text column
    missing from a table, or duplicate document ids, always stop the run: they are a wrong
    mapping, not one bad file. Entries that are no files (``not_input``) are skipped either way.
    ``max_zip_member_mb``: a ``.zip`` member expanding to more is a bad file (None: no limit).

    Returns ``(documents, skipped)``: ``schema.DOCUMENTS`` and a ``doc, reason`` table.
    ``documents.attrs["warnings"]`` lists corpus-level warnings (e.g. no Arabic text).
    The partitioned runs (``toolkit.study.pipeline``) read the same partitions on their workers.
    """
    if on_bad_file not in ("skip", "error"):
        raise CorpusError(f"on_bad_file must be 'skip' or 'error', not {on_bad_file!r}")
    columns = columns if isinstance(columns, ColumnMap) else ColumnMap.from_dict(columns)
    from tqdm import tqdm

    parts = [load_partition(part, columns, on_bad_file, max_zip_member_mb)
             for part in tqdm(plan_partitions(corpus), desc="load", unit="partition", disable=not progress)]
    documents = pd.concat([d for d, _ in parts], ignore_index=True)
    skipped = pd.concat([s for _, s in parts], ignore_index=True)
    if documents.empty:
        raise no_documents_error(corpus, skipped)
    duplicated = documents["doc"][documents["doc"].duplicated()].unique().tolist()
    if duplicated:
        raise CorpusError(f"{Path(corpus).resolve()}: duplicate document ids {duplicated[:5]}")
    documents = DOCUMENTS.check(documents, "load")
    documents.attrs["warnings"] = corpus_warnings([letter_counts(t) for t in documents["text"].head(200)], skipped)
    return documents, skipped
