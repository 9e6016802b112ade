"""Bytes to text: detect the encoding of one input, refuse binary, record what was used.

Order of evidence: a byte-order mark; UTF-16 without one (NULs in every other byte); strict
UTF-8; then a rule for the legacy single-byte encodings scrapes actually contain (cp1252,
latin-1, cp1251), which are right on short texts where statistical detectors guess wrong; only
then charset-normalizer. Encoding names are recorded in one spelling (`encoding_name`).
"""

from __future__ import annotations

import codecs
import re
from functools import cache
from pathlib import Path

import yaml
from charset_normalizer import from_bytes

from tasks.records import Quarantined

SIGNATURES_FILE = Path(__file__).with_name("signatures.yaml")

# How much of a file the detectors look at: enough to be sure, cheap on a 20 MB file.
SAMPLE_BYTES = 64 * 1024
# Binary when more than this share of the sampled bytes are C0 controls other than
# tab, newline, form feed and carriage return (text files have none; binary has plenty).
MAX_CONTROL_SHARE = 0.02
# Garbled when more than this share of the decoded characters are U+FFFD replacement marks.
MAX_REPLACEMENT_SHARE = 0.1
# Western European text: accented letters are a minority (French ~4%, German ~2% of letters).
# Cyrillic bytes read as latin-1 are nearly all accented letters.
MAX_WESTERN_ACCENT_SHARE = 0.5
# Real Cyrillic text is cased like words: lower, Capitalised or an ACRONYM.
MIN_CYRILLIC_WELL_CASED = 0.8
MAX_CYRILLIC_ALL_CAPS = 0.5

# C0 controls except tab, newline, carriage return; DEL and C1 controls; lone surrogates (which
# JSON escapes can produce and Parquet cannot store).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# What `_CONTROL_CHARS` matches, as UTF-8 bytes: ASCII controls, DEL, and C1 controls (U+0080-U+009F).
_ASCII_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_C1_IN_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]{2,}")

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# One spelling per encoding in the `encoding` column, whatever name a detector used.
_CANONICAL = {
    "utf-8-sig": "utf-8",
    "ascii": "utf-8",
    "iso8859-1": "latin-1",
    "utf-16-le": "utf-16",
    "utf-16-be": "utf-16",
    "utf-32-le": "utf-32",
    "utf-32-be": "utf-32",
}


def encoding_name(codec: str) -> str:
    """The recorded spelling of a codec name: 'utf-8', 'utf-16', 'cp1252', 'latin-1', 'cp1251'..."""
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        name = codec.lower().replace("_", "-")
    return _CANONICAL.get(name, name)


def clean_text(text: str) -> str:
    """Strip NUL and other control characters; normalise line ends to \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", text)


@cache
def _signatures() -> tuple[tuple[bytes, str], ...]:
    with open(SIGNATURES_FILE, encoding="utf-8") as f:
        table = yaml.safe_load(f)
    return tuple((bytes.fromhex(magic), name) for name, magic in table.items())


def binary_kind(data: bytes) -> str | None:
    """Why bytes that are not UTF-8 are not text either (a file format, NULs, control bytes)."""
    head = data[:SAMPLE_BYTES]
    if not head:
        return None
    for magic, name in _signatures():
        if head.startswith(magic):
            return name
    if b"\x00" in head:
        return "NUL bytes in a file that is not UTF-16 or UTF-32 text"
    controls = len(_CONTROL_BYTES.findall(head))
    if controls > MAX_CONTROL_SHARE * len(head):
        return f"{controls} control bytes in the first {len(head)}"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to clean text with the detected encoding; returns (text, encoding).

    Raises Quarantined("binary") for bytes that are not text, ("undecodable") when no encoding
    fits, ("garbled") when the text is mostly replacement characters.
    """
    text = _clean_utf8(data)
    if text is not None:
        encoding = "utf-8"
    else:
        text, encoding = decode_raw(data)
        text = clean_text(text)
    replaced = text.count("\ufffd") if "\ufffd" in text else 0
    if replaced:
        visible = len(text) - text.count(" ") - text.count("\n") - text.count("\t")
        if visible and replaced > MAX_REPLACEMENT_SHARE * visible:
            raise Quarantined("garbled", f"{replaced} of {visible} characters are U+FFFD")
    return text, encoding


def _clean_utf8(data: bytes) -> str | None:
    """The text of BOM-less UTF-8 bytes that `clean_text` would leave as they are, else None.

    Most inputs are such files: checking the bytes (C-speed scans) is much cheaper than running
    the control-character expression over the decoded text. Without NULs the bytes cannot be
    BOM-less UTF-16, so the answer is the one `decode_raw` + `clean_text` would give.
    """
    if data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
        return None
    if len(data.translate(None, _ASCII_CONTROL_BYTES)) != len(data):
        return None
    if b"\xc2" in data and _C1_IN_UTF8.search(data):
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_raw(data: bytes) -> tuple[str, str]:
    """Decode without cleaning (line ends and controls kept, for line-exact JSONL numbering)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), encoding_name(codec)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16, "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"  # stray NULs and controls in UTF-8 text are cleaned
    except UnicodeDecodeError:
        pass
    kind = binary_kind(data)
    if kind is not None:
        raise Quarantined("binary", kind)
    legacy = guess_legacy_encoding(data)
    if legacy is not None:
        try:
            return data.decode(legacy), legacy
        except UnicodeDecodeError:  # the sample fitted, a later byte does not
            pass
    best = from_bytes(data[: 4 * SAMPLE_BYTES]).best()
    if best is None:
        raise Quarantined("undecodable", "no text encoding fits these bytes")
    return data.decode(best.encoding, errors="replace"), encoding_name(best.encoding)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a BOM: NULs in one byte of each pair (the ASCII and spaces)."""
    head = data[:SAMPLE_BYTES]
    half = len(head) // 2
    if half < 2 or len(data) % 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    # Spaces alone make >10% of the pairs NUL-high even in Cyrillic; a stray NUL is not enough.
    if odd >= max(2, 0.1 * half) and even <= 0.01 * half:
        codec = "utf-16-le"
    elif even >= max(2, 0.1 * half) and odd <= 0.01 * half:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    sample = text[: SAMPLE_BYTES // 2]
    if len(_CONTROL_CHARS.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        return None
    return text


def guess_legacy_encoding(data: bytes) -> str | None:
    """cp1252, latin-1 or cp1251 for bytes that are not UTF-8, when the text says so clearly.

    Western text (few accented letters): cp1252 when bytes 0x80-0x9F appear (smart quotes,
    dashes; latin-1 has only C1 controls there), latin-1 otherwise (the two agree on every
    other byte). Cyrillic (almost every letter a high byte): cp1251 when the letters read as
    properly cased Cyrillic words. Anything else is left to charset-normalizer.
    """
    sample = data[:SAMPLE_BYTES]
    as_latin = sample.decode("latin-1")
    letters = [c for c in as_latin if c.isalpha()]
    accented = sum(1 for c in letters if ord(c) > 0x7F)
    if letters and accented <= MAX_WESTERN_ACCENT_SHARE * len(letters):
        c1 = {b for b in sample if 0x80 <= b <= 0x9F}
        if not c1:
            return "latin-1"
        return None if c1 & _CP1252_UNDEFINED else "cp1252"
    if _reads_as_cyrillic(sample.decode("cp1251", errors="replace")):
        return "cp1251"
    return None


def _reads_as_cyrillic(text: str) -> bool:
    words = _CYRILLIC_WORD.findall(text)
    if not words:
        return False
    well_cased = sum(1 for w in words if w.islower() or w.isupper() or w.istitle())
    all_caps = sum(1 for w in words if w.isupper())
    return well_cased >= MIN_CYRILLIC_WELL_CASED * len(words) and all_caps <= MAX_CYRILLIC_ALL_CAPS * len(words)

