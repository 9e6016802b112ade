"""Ingest: find input files, sniff their format, decode their bytes into `Doc`s.

Everything that can go wrong with a file (unreadable, empty, binary, too large, undecodable) is
caught here and becomes a quarantine row, so later stages only ever see decoded text.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.batch import StageResult
from tasks.ingest.decoding import clean_text, decode, decode_raw, encoding_name
from tasks.records import Doc, Quarantined

__all__ = [
    "DEFAULT_MAX_BYTES", "Source", "clean_text", "decode", "discover", "encoding_name", "ingest_batch",
    "ingest_sources", "read_bytes", "sniff_format", "walk_inputs",
]

STAGE = "ingest"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # a news page is rarely above 2 MB; 20 MB is generous

HTML_EXTENSIONS = {".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx"}
TEXT_EXTENSIONS = {".txt", ".text", ".md", ".dump"}
JSONL_EXTENSIONS = {".jsonl", ".ndjson"}
# Keys a JSONL record may carry its content under, most specific first.
JSONL_HTML_KEYS = ("html", "raw_html", "page")
JSONL_TEXT_KEYS = ("text", "content", "body", "article")
JSONL_META_KEYS = ("url", "title", "outlet", "author", "published_at", "language")

_HTML_SNIFF = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:p|div|article|meta|title)[\s>]",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Source:
    """One input: its path, its path relative to the input root, and why it cannot be read.

    `refused` is set by `discover` for entries that are listed but never opened (links leading
    out of the root, links to folders, devices and pipes): they still get a quarantine row.
    The path is a plain string and the class has slots: small, as the flow pickles one per
    input into its input list (`tasks.ingest.inputs`) and reads them back a batch at a time.
    """

    path: str
    rel: str
    refused: tuple[str, str] | None = None  # (reason, detail)


def discover(input_path: str | os.PathLike) -> list[Source]:
    """Every file under `input_path` (or the file itself), in a stable order: see `walk_inputs`."""
    return list(walk_inputs(input_path))


def walk_inputs(input_path: str | os.PathLike) -> Iterator[Source]:
    """Every file under `input_path` (or the file itself), in a stable order, one at a time.

    Hidden files and folders are skipped. Symbolic links are never followed out of the input
    root: a link to a file inside the root is read (and usually found to be a duplicate); a link
    leaving the root, a link to a folder and anything that is not a regular file is listed with
    a refusal, so it is accounted for without being opened.
    """
    root = Path(input_path)
    if root.is_file():
        yield Source(str(root.resolve()), _display(root.name))
        return
    if not root.is_dir():
        raise FileNotFoundError(f"input not found: {root}")
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(real_root, followlinks=False):
        here = Path(dirpath)
        visible = sorted(d for d in dirnames if not d.startswith("."))
        dirnames[:] = [d for d in visible if not (here / d).is_symlink()]
        linked_dirs = [d for d in visible if (here / d).is_symlink()]
        for name in sorted([*(n for n in filenames if not n.startswith(".")), *linked_dirs]):
            # Not `here / name`: pathlib would intern `name` itself, which os.walk keeps for the
            # whole folder, and the interpreter's table of interned strings never shrinks back
            # (about 2 MiB held for the rest of the run at 100,000 files).
            path = Path(os.path.join(dirpath, name))
            yield Source(str(path), _display(path.relative_to(real_root).as_posix()), _refusal(path, real_root))


def _display(rel: str) -> str:
    """A relative path as a storable string: bytes that are not UTF-8 shown as \\xNN escapes."""
    return os.fsencode(rel).decode("utf-8", errors="backslashreplace")


def _refusal(path: Path, real_root: Path) -> tuple[str, str] | None:
    """Why `path` must not be opened, or None for a regular file inside the root."""
    try:
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(real_root):
                return "outside-root", "symbolic link leads out of the input root; not followed"
            if target.is_dir():
                return "not-a-file", "symbolic link to a folder; not followed"
        mode = path.stat().st_mode
    except (OSError, RuntimeError) as exc:  # broken or looping link, vanished file
        return "unreadable", str(exc)
    if not stat.S_ISREG(mode):
        return "not-a-file", "not a regular file (device, pipe or socket)"
    return None


def sniff_format(name: str, head: bytes | str) -> str:
    """'html', 'text' or 'jsonl', from the extension first and the content when it is unknown.

    `head` is best the decoded start of the file, so UTF-16 pages are recognised too.
    """
    if isinstance(head, str):
        head = head[:8192].encode("utf-8", "replace")
    suffix = Path(name.removesuffix(".gz")).suffix.lower()
    if suffix in JSONL_EXTENSIONS:
        return "jsonl"
    if suffix in HTML_EXTENSIONS:
        return "html"
    if suffix in TEXT_EXTENSIONS:
        # A .txt that is really a saved page is still HTML.
        return "html" if _looks_like_html(head) else "text"
    if head.lstrip()[:1] == b"{" and head.rstrip().endswith(b"}"):
        return "jsonl"
    return "html" if _looks_like_html(head) else "text"


def _looks_like_html(head: bytes) -> bool:
    sample = head[:4096].lstrip().lower()
    return sample.startswith((b"<!doctype html", b"<html")) or len(_HTML_SNIFF.findall(head[:8192])) >= 2


def read_bytes(source: Source, max_bytes: int) -> bytes:
    """The file's bytes, gunzipped when named .gz, never more than `max_bytes` of either."""
    size = os.stat(source.path).st_size
    if size > max_bytes:
        raise Quarantined("too-large", f"{size} bytes > limit {max_bytes}")
    with open(source.path, "rb") as f:
        data = f.read(max_bytes + 1)
    if source.rel.lower().endswith(".gz"):
        data = _gunzip_bounded(data, max_bytes)
    return data


def _gunzip_bounded(data: bytes, max_bytes: int) -> bytes:
    """Decompress at most `max_bytes` (all members): a gzip bomb is refused, never expanded."""
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += d.decompress(rest, max_bytes + 1 - len(out))
        except zlib.error as exc:
            raise Quarantined("bad-gzip", str(exc)) from exc
        if len(out) > max_bytes or d.unconsumed_tail:
            raise Quarantined("too-large", f"decompresses to more than {max_bytes} bytes")
        if not d.eof:
            raise Quarantined("bad-gzip", "truncated: the compressed stream ends early")
        rest = d.unused_data.lstrip(b"\x00")  # members may follow, padding may too
    return bytes(out)


def ingest_file(source: Source, data: bytes) -> Doc:
    """Decode one text or HTML file into a document."""
    text, encoding = decode(data)
    if not text or text.isspace():  # as `not text.strip()`, without copying the page
        raise Quarantined("empty", "only whitespace or control characters")
    return Doc(
        source_path=source.rel,
        source_format=sniff_format(source.rel, text),
        raw=text,
        encoding=encoding,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def ingest_jsonl(source: Source, data: bytes, result: StageResult) -> None:
    """One document per non-blank JSONL line (`feed.jsonl:N`); a bad line is quarantined alone."""
    text, encoding = decode_raw(data)
    lines = 0
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = clean_text(line.removesuffix("\r"))
        if not line.strip():
            continue
        lines += 1
        raw_line = line.encode("utf-8", "replace")
        doc = Doc(
            source_path=f"{source.rel}:{lineno}",
            source_format="text",
            encoding=encoding,
            size_bytes=len(raw_line),
            sha256=hashlib.sha256(raw_line).hexdigest(),
        )
        result.stats["in"] += 1
        try:
            _fill_from_record(doc, line)
        except Quarantined as q:
            result.quarantine(doc.quarantine_row(STAGE, q.reason, q.detail))
            continue
        result.docs.append(doc)
        result.stats["out"] += 1
    if not lines:
        raise Quarantined("empty", "no non-blank lines")


def _fill_from_record(doc: Doc, line: str) -> None:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as exc:  # RecursionError: nesting deeper than Python's stack
        raise Quarantined("bad-json", f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(record, dict):
        raise Quarantined("bad-json", "record is not a JSON object")
    html = next((record[k] for k in JSONL_HTML_KEYS if isinstance(record.get(k), str) and record[k].strip()), None)
    text = next((record[k] for k in JSONL_TEXT_KEYS if isinstance(record.get(k), str) and record[k].strip()), None)
    content = html or text
    if content is None:
        raise Quarantined("no-text", "record has none of: " + ", ".join(JSONL_HTML_KEYS + JSONL_TEXT_KEYS))
    doc.source_format = "html" if html or _looks_like_html(content[:8192].encode("utf-8", "replace")) else "text"
    doc.raw = clean_text(content)
    # The content hash, not the line's: the same article in two feeds is the same document.
    doc.sha256 = hashlib.sha256(doc.raw.encode("utf-8", "surrogatepass")).hexdigest()
    doc.meta = {k: record[k] for k in JSONL_META_KEYS if isinstance(record.get(k), str) and record[k].strip()}


def ingest_sources(sources: list[Source], max_bytes: int = DEFAULT_MAX_BYTES) -> StageResult:
    """Ingest a batch of files; every file ends as documents or quarantine rows."""
    result = StageResult()
    for source in sources:
        try:
            if source.refused:
                raise Quarantined(*source.refused)
            data = read_bytes(source, max_bytes)
            if not data or data.isspace():
                raise Quarantined("empty", "no content")
            if sniff_format(source.rel, data[:8192]) == "jsonl":
                ingest_jsonl(source, data, result)
                continue
            doc = ingest_file(source, data)
        except Quarantined as q:
            result.stats["in"] += 1
            result.quarantine(_file_quarantine_row(source, q.reason, q.detail))
            continue
        except OSError as exc:
            result.stats["in"] += 1
            result.quarantine(_file_quarantine_row(source, "unreadable", str(exc)))
            continue
        result.stats["in"] += 1
        result.stats["out"] += 1
        result.docs.append(doc)
    return result


def _file_quarantine_row(source: Source, reason: str, detail: str) -> dict:
    try:
        size = None if source.refused else os.stat(source.path).st_size
    except OSError:
        size = None
    return {
        "source_path": source.rel,
        "source_format": None,
        "stage": STAGE,
        "reason": reason,
        "detail": detail[:2000],
        "size_bytes": size,
        "sha256": None,
    }


@task(name="ingest", cache_policy=NO_CACHE)
def ingest_batch(sources: list[Source], max_bytes: int = DEFAULT_MAX_BYTES) -> StageResult:
    return ingest_sources(sources, max_bytes)
