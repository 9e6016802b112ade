"""Ingest: find input files, sniff their format, decode their bytes into `Doc`s.

Everything that can go wrong with a file (unreadable, empty, binary, too large, undecodable) is
caught here and becomes a quarantine row, so later stages only ever see decoded text.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.batch import StageResult
from tasks.records import Doc, Quarantined

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
# C0 controls except tab, newline, carriage return; plus DEL and C1 controls.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Source:
    """One input file: its absolute path and its path relative to the input root."""

    path: Path
    rel: str


def discover(input_path: str | os.PathLike) -> list[Source]:
    """Every regular file under `input_path` (or the file itself), in a stable order.

    Hidden files and folders are skipped; symlinks are followed only while they stay inside the
    input root, so a link cannot pull in files from elsewhere on the machine.
    """
    root = Path(input_path)
    if root.is_file():
        return [Source(root.resolve(), root.name)]
    if not root.is_dir():
        raise FileNotFoundError(f"input not found: {root}")
    real_root = root.resolve()
    found: list[Source] = []
    for dirpath, dirnames, filenames in os.walk(real_root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            rel = path.relative_to(real_root).as_posix()
            found.append(Source(path, rel))
    return found


def sniff_format(name: str, head: bytes) -> str:
    """'html', 'text' or 'jsonl', from the extension first and the content when it is unknown."""
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


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text with the detected encoding; returns (text, encoding).

    BOMs decide first (UTF-8/16/32); then strict UTF-8; then charset-normalizer. Bytes that look
    binary (NULs outside UTF-16) are refused rather than decoded into garbage.
    """
    for bom, enc in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return clean_text(data.decode(enc, errors="replace")), enc.replace("-sig", "")
    try:
        return clean_text(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096] and not _looks_like_utf16(data):
        raise Quarantined("binary", "NUL bytes in a file that is not UTF-16 text")
    best = from_bytes(data).best()
    if best is None:
        raise Quarantined("undecodable", "no text encoding fits these bytes")
    return clean_text(str(best)), best.encoding.replace("_", "-")


def _looks_like_utf16(data: bytes) -> bool:
    head = data[:4096]
    if len(head) < 4:
        return False
    even_nuls = head[0::2].count(0)
    odd_nuls = head[1::2].count(0)
    half = len(head) // 2
    return even_nuls > 0.3 * half or odd_nuls > 0.3 * half


def clean_text(text: str) -> str:
    """Strip NUL and other control characters; normalise line ends to \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", text)


def read_bytes(source: Source, max_bytes: int) -> bytes:
    """The file's bytes, gunzipped when named .gz, never more than `max_bytes` of either."""
    size = source.path.stat().st_size
    if size > max_bytes:
        raise Quarantined("too-large", f"{size} bytes > limit {max_bytes}")
    with open(source.path, "rb") as f:
        data = f.read(max_bytes + 1)
    if source.rel.lower().endswith(".gz"):
        data = _gunzip_bounded(data, max_bytes)
    return data


def _gunzip_bounded(data: bytes, max_bytes: int) -> bytes:
    """Decompress at most `max_bytes`: a gzip bomb is refused, never expanded."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise Quarantined("bad-gzip", str(exc)) from exc
    if len(out) > max_bytes or d.unconsumed_tail:
        raise Quarantined("too-large", f"decompresses to more than {max_bytes} bytes")
    return out


def ingest_file(source: Source, data: bytes, fmt: str) -> Doc:
    """Decode one text or HTML file into a document."""
    text, encoding = decode(data)
    if not text.strip():
        raise Quarantined("empty", "only whitespace or control characters")
    return Doc(
        source_path=source.rel,
        source_format=fmt,
        raw=text,
        encoding=encoding,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def ingest_jsonl(source: Source, data: bytes, result: StageResult) -> None:
    """One document per JSONL line; a broken line or a record without text is quarantined."""
    text, encoding = decode(data)
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        raw_line = line.encode("utf-8")
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
            result.quarantined.append(doc.quarantine_row(STAGE, q.reason, q.detail))
            result.stats[f"quarantined:{q.reason}"] += 1
            continue
        result.docs.append(doc)
        result.stats["out"] += 1


def _fill_from_record(doc: Doc, line: str) -> None:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise Quarantined("bad-json", str(exc)) from exc
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
            data = read_bytes(source, max_bytes)
            if not data.strip():
                raise Quarantined("empty", "no content")
            fmt = sniff_format(source.rel, data[:8192])
            if fmt == "jsonl":
                ingest_jsonl(source, data, result)
                continue
            doc = ingest_file(source, data, fmt)
        except Quarantined as q:
            result.stats["in"] += 1
            result.quarantined.append(_file_quarantine_row(source, q.reason, q.detail))
            result.stats[f"quarantined:{q.reason}"] += 1
            continue
        except OSError as exc:
            result.stats["in"] += 1
            result.quarantined.append(_file_quarantine_row(source, "unreadable", str(exc)))
            result.stats["quarantined:unreadable"] += 1
            continue
        result.stats["in"] += 1
        result.stats["out"] += 1
        result.docs.append(doc)
    return result


def _file_quarantine_row(source: Source, reason: str, detail: str) -> dict:
    try:
        size = source.path.stat().st_size
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
