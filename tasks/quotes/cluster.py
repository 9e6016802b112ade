"""Group reports of one utterance across articles and outlets, as Quotebank does.

Outlets cut quotes differently, elide with "…", insert "[Putin]" and spell names their way. Two
quotes are one utterance when their word 3-gram shingles are similar (MinHash LSH, Jaccard), or
when one is a cut of the other (most of its shingles inside the other). Short fragments ("a good
compromise") are too common to link long quotes together, so they join one cluster at most, and
only one whose quote has the same speaker.

A run's quotes are streamed to the staged table as batches finish; clustering then reads back
only the columns it needs, never the rows nor MinHash objects. In memory it keeps a few int32s
per quote (shingle count, speaker, surname, article, ID rank, cluster links) and one int32 per
shingle at a time: each quote's shingle ids while candidate pairs are compared, then each
shingle's posting list (its quotes) while cuts are looked for. The rest goes to a temporary
directory beside the quotes and is read back a piece at a time: the LSH band keys (25 x 8 bytes
per quote) one band at a time, the shingle hashes with their positions (16 bytes per shingle)
one hash range of QUOTES_PER_PARTITION quotes at a time, and the ids or the posting lists,
whichever is not in memory. Measured at 405,637 quotes (5.3M shingles), clustering peaks about
73 MiB above its process's base, and 27 MiB with 40,361 quotes: about 130 bytes per quote, where
it was about 1 KB with all of that in memory. (In a process that has not imported pandas yet,
pyarrow's first conversion imports it: 27 MiB more. The flow's processes have.) The MinHash
values are computed in bulk with numpy and are bit-for-bit datasketch's, so the LSH candidates,
and the clusters, are the same.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import tempfile
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from datasketch import MinHash, MinHashLSH

from tasks.memory import release_arrow_memory
from tasks.publish.schema import statistics_columns

SHINGLE = 3
JACCARD = 0.5  # LSH threshold and the exact check after it
CONTAINMENT = 0.8  # share of a cut quote's shingles found in the fuller report
MIN_SHINGLES = 3  # fewer than this (under five words) is a fragment
LONG_SHINGLES = 8  # a cut this long (about ten words) inside another report is that report
MAX_POSTING = 200  # shingles shared by more quotes than this say nothing ("we will not")
NUM_PERM = 128

_SEGMENT_BREAK = re.compile(r"\[[^\]]*\]|…|\.\s*\.\s*\.|\(\s*\.\.\.\s*\)")
_WORD = re.compile(r"\w+")

# Columns clustering reads back from the staged quotes table (never the whole rows), besides
# quote_id and article_id, which it only ranks.
CLUSTER_COLUMNS = ("text", "text_normalized", "speaker", "speaker_entity_id")
ROWS_PER_READ = 8192
MINHASH_STEP = 8192  # shingles permuted per numpy step: 8192 x 125 permutations x 4 bytes = 4 MB
PAIR_STEP = 100_000  # candidate pairs listed per numpy step
SHINGLE_STEP = 100_000  # shingles of the quotes compared per numpy step, under 1 MB each array
EXPANSION_STEP = 100_000  # (quote, sharing quote) entries per containment step, under 1 MB each array
QUOTES_PER_PARTITION = 10_000  # shingle hashes sorted at once: this many quotes' worth, ~5 MB


def fold(text: str) -> str:
    if text.isascii():  # nothing to decompose, no curly apostrophes
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("’", "'").replace("‘", "'").lower()


@lru_cache(maxsize=1)
def _spelling() -> tuple[int, tuple[tuple[str, str], ...]]:
    data = yaml.safe_load((Path(__file__).parent / "spelling.yaml").read_text(encoding="utf-8"))
    rules = sorted(((r["from"], r["to"]) for r in data["suffixes"]), key=lambda r: -len(r[0]))
    return int(data["min_length"]), tuple(rules)


@lru_cache(maxsize=65536)
def spell(word: str) -> str:
    """One spelling for British and American variants: recognise/recognize, defence/defense."""
    min_length, rules = _spelling()
    if len(word) >= min_length:
        for old, new in rules:
            if word.endswith(old):
                return word[: -len(old)] + new
    return word


def segments(text: str) -> list[list[str]]:
    """Word lists of the runs between ellipses and editorial brackets."""
    out = []
    for seg in _SEGMENT_BREAK.split(fold(text)):
        words = [spell(w) for w in _WORD.findall(seg)]
        if words:
            out.append(words)
    return out


def shingles(text: str) -> set[str]:
    return _shingles_of(segments(text))


def _shingles_of(segs: list[list[str]]) -> set[str]:
    """Word SHINGLE-grams within each segment (a segment shorter than SHINGLE gives none)."""
    return {" ".join(words[i : i + SHINGLE]) for words in segs for i in range(len(words) - SHINGLE + 1)}


def _key_of(speaker_entity_id: Any, speaker: Any) -> str | None:
    if speaker_entity_id:
        return "id:" + str(speaker_entity_id)
    if speaker:
        return "name:" + fold(str(speaker)).split()[-1]
    return None


class _UnionFind:
    """Sets of quotes, merged an array of pairs at a time; a set's root is its smallest quote.

    The sets do not depend on the order pairs are merged in. An int32 array rather than a list
    of Python ints: 4 bytes per quote instead of about 36, and no Python loop per pair.
    """

    def __init__(self, n: int):
        self.parent = np.arange(n, dtype=np.int32)  # parent[i] <= i

    def find(self, quotes: np.ndarray) -> np.ndarray:
        roots = self.parent[quotes]
        while True:
            up = self.parent[roots]
            if np.array_equal(up, roots):
                break
            self.parent[roots] = self.parent[up]  # halve the paths walked, for the next finds
            roots = up
        self.parent[quotes] = roots
        return roots

    def union(self, left: np.ndarray, right: np.ndarray) -> None:
        """Merge the set of left[k] with the set of right[k], for every k."""
        while len(left):
            a, b = self.find(left), self.find(right)
            apart = a != b
            left, right = np.maximum(a, b)[apart], np.minimum(a, b)[apart]
            # each root goes under the smallest root it is paired with; the other pairs of that
            # root are merged on the next round, from their new roots
            np.minimum.at(self.parent, left, right)

    def roots(self) -> np.ndarray:
        """Every quote's root, jumping whole-array pointers (a few rounds, however deep)."""
        while True:
            up = self.parent[self.parent]
            if np.array_equal(up, self.parent):
                return up
            self.parent = up


# --- MinHash in bulk, bit-for-bit datasketch's ----------------------------------------------------


@lru_cache(maxsize=1)
def _lsh_setup() -> tuple[int, int, str, np.ndarray, np.ndarray]:
    """Bands, rows per band, scheme and the permutations the bands use (datasketch's own)."""
    lsh = MinHashLSH(threshold=JACCARD, num_perm=NUM_PERM)
    sketch = MinHash(num_perm=NUM_PERM)
    if sketch.scheme not in ("affine32", "legacy"):
        raise RuntimeError(f"unsupported datasketch MinHash scheme {sketch.scheme!r}")
    used = lsh.b * lsh.r  # permutations past the last band never decide a candidate
    a, b = sketch.permutations
    return lsh.b, lsh.r, sketch.scheme, a[:used].copy(), b[:used].copy()


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser, as datasketch pre-mixes hashes in its affine32 scheme."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def minhash_values(hashes: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """MinHash values (quotes x band permutations) of consecutive shingle sets.

    `hashes` holds each set's 64-bit shingle hashes one set after another (`counts` each, none
    empty); the low 32 bits are datasketch's `sha1_hash32`, so the values equal `MinHash.bulk`'s.
    """
    _bands, _rows, scheme, a, b = _lsh_setup()
    dtype = np.uint32 if scheme == "affine32" else np.uint64
    out = np.empty((len(counts), len(a)), dtype=dtype)
    # one buffer for every step: a new 4 MB array per step would be mapped and faulted in afresh
    buffer = np.empty((min(MINHASH_STEP, len(hashes)), len(a)), dtype=dtype)
    ends = np.cumsum(counts)
    starts = ends - counts
    first = 0
    while first < len(counts):
        last = max(first + 1, int(np.searchsorted(ends, starts[first] + MINHASH_STEP, side="right")))
        lo, hi = starts[first], ends[last - 1]
        permuted = buffer[: hi - lo] if hi - lo <= len(buffer) else np.empty((hi - lo, len(a)), dtype=dtype)
        low32 = hashes[lo:hi] & np.uint64(0xFFFFFFFF)
        if scheme == "affine32":
            np.multiply(_fmix32(low32.astype(np.uint32))[:, None], a, out=permuted)
            permuted += b
        else:
            np.multiply(low32[:, None], a, out=permuted)
            permuted += b
            permuted %= np.uint64((1 << 61) - 1)
            permuted &= np.uint64(0xFFFFFFFF)
        out[first:last] = np.minimum.reduceat(permuted, starts[first:last] - lo, axis=0)
        first = last
    return out


def band_keys(values: np.ndarray) -> np.ndarray:
    """One 64-bit key per LSH band (quotes x bands): equal bands, equal keys."""
    bands, rows, *_ = _lsh_setup()
    grouped = values.reshape(len(values), bands, rows).astype(np.uint64)
    key = np.full(grouped.shape[:2], 0x9E3779B97F4A7C15, dtype=np.uint64)
    for r in range(rows):  # splitmix64 over the band's values
        key = key ^ grouped[:, :, r]
        key = (key ^ (key >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        key = (key ^ (key >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        key = key ^ (key >> np.uint64(31))
    return key


def _shingle_hash(shingle: str) -> bytes:
    return hashlib.sha1(shingle.encode("utf-8")).digest()[:8]


def _steps(work: np.ndarray, limit: int) -> Iterator[tuple[int, int]]:
    """Consecutive slices [first, last) of `work` whose sum is at most `limit` (or of one item)."""
    done = np.cumsum(work)
    first = 0
    while first < len(work):
        last = max(first + 1, int(np.searchsorted(done, (done[first - 1] if first else 0) + limit, side="right")))
        yield first, last
        first = last


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated aranges [start, start + length) as one index array."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    before = np.cumsum(lengths) - lengths
    return np.repeat(starts.astype(np.int64) - before, lengths) + np.arange(total, dtype=np.int64)


# --- compact per-quote state, the rest spilled -------------------------------------------------

_SPILLED = np.dtype([("hash", "<u8"), ("position", "<i8")])  # a shingle, and its row among all quotes' shingles


def _partition(hashes: np.ndarray, partitions: int) -> np.ndarray:
    """Hash range (0 to partitions - 1) of each hash: the ranges follow each other in hash order."""
    return ((hashes >> np.uint64(32)) * np.uint64(partitions)) >> np.uint64(32)


def _partitions_for(quotes: int) -> int:
    """Hash ranges to sort the shingles in: one per QUOTES_PER_PARTITION quotes."""
    return max(1, math.ceil(quotes / QUOTES_PER_PARTITION))


class QuoteSketches:
    """What clustering keeps per quote, filled batch by batch: never the texts nor the rows.

    Shingle count, speaker and surname are small ints per quote. The shingles (64-bit hashes:
    exact sets for Jaccard and containment) and the LSH band keys would be most of the memory,
    so they go to files in a temporary directory (in `spill_beside`; removed when the `with`
    block ends): the hashes with their positions split by hash range into `partitions` files,
    each band's keys in a file of its own, so that each is read back alone. Only fragments (under
    three shingles, with a speaker) keep their folded words, for finding the quote they were cut
    from.
    """

    def __init__(self, spill_beside: Path | None = None, partitions: int = 1) -> None:
        self._spill = tempfile.TemporaryDirectory(prefix=".clustering-", dir=spill_beside)
        self.spill = self._spill.name
        self.partitions = partitions
        self.n = 0
        self.shingles = 0  # shingles spilled so far
        self.counts = array("i")  # shingles per quote
        self.folded_len = array("i")
        self.key = array("i")  # speaker key, -1 when unknown
        self.surname = array("i")  # last word of the speaker's name, -1 when none
        self.indexed = array("i")  # quotes with band keys (MIN_SHINGLES or more), in the band files' order
        self.fragments: dict[int, str] = {}  # quote -> folded words of a fragment with a speaker
        self._keys: dict[str, int] = {}
        self._surnames: dict[str, int] = {}

    def __enter__(self) -> QuoteSketches:
        return self

    def __exit__(self, *exc: object) -> None:
        self._spill.cleanup()

    def add(self, texts: Iterable[str], speaker_entity_ids: Iterable[Any], speakers: Iterable[Any]) -> None:
        shingle_hashes = bytearray()
        counts = array("i")
        first = self.n
        for text, eid, speaker in zip(texts, speaker_entity_ids, speakers, strict=True):
            segs = segments(text)
            sh = _shingles_of(segs)
            folded = " ".join(w for seg in segs for w in seg)
            key = _key_of(eid, speaker)
            surname = fold(str(speaker or "")).split()[-1:]
            shingle_hashes += b"".join(_shingle_hash(s) for s in sh)
            counts.append(len(sh))
            self.folded_len.append(len(folded))
            self.key.append(-1 if key is None else self._keys.setdefault(key, len(self._keys)))
            self.surname.append(self._surnames.setdefault(surname[0], len(self._surnames)) if surname else -1)
            if len(sh) < MIN_SHINGLES and folded and key is not None:
                self.fragments[self.n] = folded
            self.n += 1
        self.counts.extend(counts)
        hashes = np.frombuffer(bytes(shingle_hashes), dtype="<u8").astype(np.uint64)
        counts_np = np.frombuffer(counts, dtype=np.int32).astype(np.int64)
        indexed = counts_np >= MIN_SHINGLES
        if indexed.any():
            keys = band_keys(minhash_values(hashes[np.repeat(indexed, counts_np)], counts_np[indexed]))
            for band in range(keys.shape[1]):
                self._append(f"band-{band}", keys[:, band])
            self.indexed.frombytes((np.flatnonzero(indexed) + first).astype(np.int32).tobytes())
        rows = np.empty(len(hashes), dtype=_SPILLED)
        rows["hash"] = hashes
        rows["position"] = np.arange(self.shingles, self.shingles + len(hashes))
        part = _partition(hashes, self.partitions)
        order = np.argsort(part, kind="stable")  # positions stay increasing within each file
        rows, bounds = rows[order], np.searchsorted(part[order], np.arange(self.partitions + 1, dtype=np.uint64))
        for p in np.flatnonzero(np.diff(bounds)).tolist():
            self._append(f"shingles-{p}", rows[bounds[p] : bounds[p + 1]])
        self.shingles += len(hashes)

    def band_columns(self) -> Iterator[np.ndarray]:
        """Each LSH band's keys for the quotes of `indexed`, one band at a time."""
        bands, *_ = _lsh_setup()
        for band in range(bands):
            yield self._read(f"band-{band}", np.uint64)

    def shingle_ranges(self) -> Iterator[np.ndarray]:
        """The spilled (hash, position) rows, one hash range at a time, in hash order."""
        for p in range(self.partitions):
            yield self._read(f"shingles-{p}", _SPILLED)

    def _append(self, name: str, values: np.ndarray) -> None:
        with open(os.path.join(self.spill, name), "ab") as f:
            f.write(values.tobytes())

    def _read(self, name: str, dtype: Any) -> np.ndarray:
        path = os.path.join(self.spill, name)
        return np.fromfile(path, dtype=dtype) if os.path.exists(path) else np.zeros(0, dtype=dtype)


class _Shingles:
    """Every quote's shingles as dense ids (in hash order), and the posting list (quotes) of each.

    Built one hash range at a time: the ranges follow each other in hash order, so a range's ids
    continue the previous range's and its posting lists follow theirs, as one sort of all the
    hashes would give. A range's rows were spilled in position order and are sorted stably, so
    each posting list is in quote order.

    Of the two int32s per shingle (`id` in quote order, `posting` in id order) only one is in
    memory at a time. Comparing candidate pairs needs any quote's ids, so `id` is in memory while
    the posting lists wait on disk (in `spill`). Containment walks the quotes in order and needs
    any id's posting list: after `walk_in_order` the posting lists are in memory and the ids are
    read from disk a block of quotes at a time. Where each posting list starts, and its size,
    stay in memory.
    """

    def __init__(self, ranges: Iterable[np.ndarray], counts: np.ndarray, spill: str):
        self.counts = counts
        ends = np.cumsum(counts, dtype=np.int64)
        total = int(ends[-1]) if len(ends) else 0
        index = np.int32 if total < 2**31 else np.int64
        self.offsets = (ends - counts).astype(index)
        self._ids_file, self._posting_file = os.path.join(spill, "ids"), os.path.join(spill, "posting")
        self.id: np.ndarray | None = np.empty(total, dtype=np.int32)
        self.posting: np.ndarray | None = None
        starts, sizes = [], []
        done = ids = 0
        with open(self._posting_file, "wb") as posting:
            for rows in ranges:
                order = np.argsort(rows["hash"], kind="stable")
                hashes = rows["hash"][order]
                first = np.ones(len(order), dtype=bool)
                first[1:] = hashes[1:] != hashes[:-1]
                del hashes
                positions = rows["position"][order]
                del rows, order
                self.id[positions] = np.cumsum(first, dtype=np.int32) + (ids - 1)
                posting.write(np.searchsorted(ends, positions, side="right").astype(np.int32).tobytes())  # their quotes
                start = np.flatnonzero(first)
                starts.append((start + done).astype(index))
                sizes.append(np.diff(start, append=len(first)).astype(np.int32))
                done += len(positions)
                ids += len(start)
        self.posting_start = np.concatenate(starts) if starts else np.zeros(0, dtype=index)
        self.posting_size = np.concatenate(sizes) if sizes else np.zeros(0, dtype=np.int32)
        self.ids_total = ids

    def walk_in_order(self) -> None:
        """Ids to disk, posting lists to memory: from now on `of` takes quotes in increasing order.

        The posting lists are read into the ids' array: one buffer throughout, which also goes back
        to the system at the end (freed and allocated again, it would stay in the heap).
        """
        self.id.tofile(self._ids_file)
        self.posting, self.id = self.id, None
        with open(self._posting_file, "rb") as f:
            if f.readinto(self.posting) != self.posting.nbytes:
                raise OSError(f"short read of {self._posting_file}")

    def of(self, quotes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shingle ids of `quotes`, concatenated, and the position (in `quotes`) each belongs to."""
        lengths = self.counts[quotes]
        rows = _ranges(self.offsets[quotes], lengths)
        if self.id is not None:
            ids = self.id[rows]
        elif len(rows):  # quotes in increasing order: read the rows from their first to their last
            first, last = int(rows[0]), int(rows[-1])
            ids = np.fromfile(self._ids_file, dtype=np.int32, count=last + 1 - first, offset=4 * first)[rows - first]
        else:
            ids = np.zeros(0, dtype=np.int32)
        return ids, np.repeat(np.arange(len(quotes)), lengths)

    def sums(self, values: np.ndarray, quotes: np.ndarray) -> np.ndarray:
        """For each quote of `quotes`, the sum of `values` (one per shingle id) over its shingles."""
        out = np.empty(len(quotes), dtype=np.int64)
        for first, last in _steps(self.counts[quotes], SHINGLE_STEP):
            ids, owner = self.of(quotes[first:last])
            out[first:last] = np.bincount(owner, weights=values[ids], minlength=last - first)
        return out


def _candidate_pairs(columns: Iterable[np.ndarray], quotes: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Pairs of quotes sharing an LSH band (what MinHashLSH.query returns), a band at a time.

    `columns` gives each band's key for each of `quotes`; pairs come about PAIR_STEP at a time,
    as (left, right) arrays, and a pair sharing several bands comes once per band.
    """
    for keys in columns:
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        same_as_next = keys[1:] == keys[:-1]
        in_run = np.concatenate([[False], same_as_next]) | np.concatenate([same_as_next, [False]])
        members, keys = quotes[order[in_run]], keys[in_run]  # only quotes whose key another shares
        del order, in_run, same_as_next
        if not len(keys):
            continue
        run_id = np.cumsum(np.concatenate([[0], keys[1:] != keys[:-1]]))
        partners = np.searchsorted(run_id, run_id, side="right") - np.arange(len(keys)) - 1  # later in the run
        for first, last in _steps(partners, PAIR_STEP):
            lengths = partners[first:last]
            yield np.repeat(members[first:last], lengths), members[_ranges(np.arange(first + 1, last + 1), lengths)]


def _shared_counts(shingles: _Shingles, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Number of shingles each pair (left[k], right[k]) has in common."""
    out = np.empty(len(left), dtype=np.int64)
    for first, last in _steps(shingles.counts[left] + shingles.counts[right], SHINGLE_STEP):
        ids_l, pair_l = shingles.of(left[first:last])
        ids_r, pair_r = shingles.of(right[first:last])
        codes = np.sort(np.concatenate([pair_l * shingles.ids_total + ids_l, pair_r * shingles.ids_total + ids_r]))
        twice = codes[1:][codes[1:] == codes[:-1]]
        out[first:last] = np.bincount(twice // shingles.ids_total, minlength=last - first)
    return out


def _containments(shingles: _Shingles, quotes: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(i, j, share) for every quote i of `quotes` and every j != i with at least as many shingles
    holding at least CONTAINMENT of i's shingles, counting shingles of at most MAX_POSTING quotes."""
    counts = shingles.counts
    useful = (shingles.posting_size <= MAX_POSTING) & (shingles.posting_size > 1)  # a shingle of one quote finds no other
    work = shingles.sums(np.where(useful, shingles.posting_size, 0), quotes)  # posting entries per quote
    for first, last in _steps(work, EXPANSION_STEP):
        block = quotes[first:last]
        ids, owner = shingles.of(block)
        kept = useful[ids]
        ids, owner = ids[kept], owner[kept]
        lengths = shingles.posting_size[ids]
        i = np.repeat(block[owner], lengths)
        j = shingles.posting[_ranges(shingles.posting_start[ids], lengths)]
        ok = (j != i) & (counts[j] >= counts[i])
        codes, shared = np.unique(np.repeat(owner, lengths)[ok].astype(np.int64) * len(counts) + j[ok], return_counts=True)
        i, j = block[codes // len(counts)], codes % len(counts)
        share = shared / counts[i]
        hit = share >= CONTAINMENT
        yield i[hit], j[hit], share[hit]


def _ranks(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Each value's place in sorted order (equal values, equal places), as int32."""
    return pc.rank(values, sort_keys="ascending", tiebreaker="dense").to_numpy().astype(np.int32)


def cluster_sketches(
    sketches: QuoteSketches, rank: np.ndarray, articles: np.ndarray, reread: Callable[[], Iterator[tuple[int, str]]]
) -> np.ndarray:
    """For each quote, the quote whose ID is its cluster's (the smallest ID among its reports).

    `rank` orders the quote IDs and `articles` numbers the quotes' articles (equal articles, equal
    numbers); `reread` yields (quote, text) again, for the quotes whose speaker said a fragment
    (their text is read a second time instead of being kept).
    """
    n = sketches.n
    counts = np.frombuffer(sketches.counts, dtype=np.int32)
    folded_len = np.frombuffer(sketches.folded_len, dtype=np.int32)
    keys = np.frombuffer(sketches.key, dtype=np.int32)
    surnames = np.frombuffer(sketches.surname, dtype=np.int32)
    shingles = _Shingles(sketches.shingle_ranges(), counts, sketches.spill)

    def compatible(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Same speaker, or one unknown; an entity ID on one side only still matches the surname."""
        ki, kj = keys[i], keys[j]
        return (ki == -1) | (kj == -1) | (ki == kj) | ((surnames[i] != -1) & (surnames[i] == surnames[j]))

    uf = _UnionFind(n)

    # 1. Similar reports (Jaccard) among the LSH candidates. A pair already in one set has nothing
    #    to add, so it is not compared again (pairs come once per band they share).
    for i, j in _candidate_pairs(sketches.band_columns(), np.frombuffer(sketches.indexed, dtype=np.int32)):
        ok = compatible(i, j)
        i, j = i[ok], j[ok]
        ok = uf.find(i) != uf.find(j)
        i, j = i[ok], j[ok]
        shared = _shared_counts(shingles, i, j)
        similar = shared / (counts[i] + counts[j] - shared) >= JACCARD
        uf.union(i[similar], j[similar])
    # the same short fragment reported twice, by the same speaker
    same_fragment: dict[tuple[str, int], int] = {}
    first_said = [same_fragment.setdefault((folded, int(keys[i])), i) for i, folded in sketches.fragments.items()]
    uf.union(np.array(list(sketches.fragments), dtype=np.int64), np.array(first_said, dtype=np.int64))

    # 2. Long cuts: most of a long quote's shingles inside a longer report is the same utterance.
    # 3. Short cuts and fragments join one host, never two: a phrase common to two utterances
    #    must not make them one. Fragments (under three shingles) need the host's speaker.
    is_short = (counts < LONG_SHINGLES) & (folded_len > 0)
    best: dict[int, tuple] = {}  # short quote -> sort key of its best host so far

    def offer(i: int, j: int, share: float) -> None:
        candidate = (bool(articles[j] != articles[i]), -share, int(rank[j]), j)
        if i not in best or candidate < best[i]:
            best[i] = candidate

    shingles.walk_in_order()
    for i, j, share in _containments(shingles, np.flatnonzero(counts >= MIN_SHINGLES).astype(np.int32)):
        ok = compatible(i, j)
        i, j, share = i[ok], j[ok], share[ok]
        long = counts[i] >= LONG_SHINGLES
        uf.union(i[long], j[long])
        for a, b, s in zip(i[~long].tolist(), j[~long].tolist(), share[~long].tolist()):
            offer(a, b, s)
    del shingles
    if sketches.fragments:
        _find_fragment_hosts(sketches, keys, folded_len, articles, reread, offer)
    attach = {i: key[-1] for i, key in best.items()}

    roots = uf.roots()
    by_root = np.lexsort((rank, roots))  # each cluster's quotes together, smallest ID first
    sorted_roots = roots[by_root]
    starts = np.flatnonzero(np.concatenate([[True], sorted_roots[1:] != sorted_roots[:-1]]))
    cluster_of = np.empty(n, dtype=np.int64)
    cluster_of[by_root] = np.repeat(by_root[starts], np.diff(starts, append=n))
    # longest first, so a host that is itself attached has its final id when its guests read it
    guests = sorted(attach, key=lambda k: (-int(folded_len[k]), k))
    lows = np.searchsorted(sorted_roots, roots[guests], side="left").tolist()
    highs = np.searchsorted(sorted_roots, roots[guests], side="right").tolist()
    for i, lo, hi in zip(guests, lows, highs):
        group = by_root[lo:hi]
        if is_short[group].all():  # a fragment (or the same fragment twice)
            cluster_of[group] = cluster_of[attach[i]]
    return cluster_of


def _find_fragment_hosts(
    sketches: QuoteSketches,
    keys: np.ndarray,
    folded_len: np.ndarray,
    articles: np.ndarray,
    reread: Callable[[], Iterator[tuple[int, str]]],
    offer: Callable[[int, int, float], None],
) -> None:
    """Offer each fragment every longer quote of its speaker that holds its words in a row.

    One word ("Never") is too common to link reports from different articles: a one-word
    fragment only joins a quote of its own article.
    """
    by_first_word: dict[tuple[int, str], list[tuple[int, list[str]]]] = {}
    for i, folded in sketches.fragments.items():
        words = folded.split()
        by_first_word.setdefault((int(keys[i]), words[0]), []).append((i, words))
    speakers = {key for key, _ in by_first_word}
    for j, text in reread():
        key = int(keys[j])
        if key not in speakers:
            continue
        words = [w for seg in segments(text) for w in seg]
        for p, word in enumerate(words):
            for i, needle in by_first_word.get((key, word), ()):
                if (
                    words[p : p + len(needle)] == needle
                    and folded_len[j] > folded_len[i]
                    and (len(needle) > 1 or articles[j] == articles[i])
                ):
                    offer(i, j, 1.0)


def _quote_text(text_normalized: Any, text: Any) -> str:
    return str(text_normalized or text or "")


def cluster_quotes(rows: list[dict[str, Any]], partitions: int | None = None) -> None:
    """Set `quote_cluster_id` on every row: the smallest quote_id among reports of the utterance.

    `partitions`: hash ranges the shingles are sorted in (default one per QUOTES_PER_PARTITION
    quotes); it bounds memory and never changes the clusters.
    """
    if not rows:
        return
    texts = [_quote_text(r.get("text_normalized"), r.get("text")) for r in rows]
    quote_ids = [str(r.get("quote_id")) for r in rows]
    with QuoteSketches(None, partitions or _partitions_for(len(rows))) as sketches:
        sketches.add(texts, [r.get("speaker_entity_id") for r in rows], [r.get("speaker") for r in rows])
        cluster_of = cluster_sketches(
            sketches,
            _ranks(pa.array(quote_ids, type=pa.string())),
            _ranks(pa.array([r.get("article_id") for r in rows], type=pa.string())),
            lambda: iter(enumerate(texts)),
        )
    for r, c in zip(rows, cluster_of.tolist()):
        r["quote_cluster_id"] = quote_ids[c]


def _batches(source: pq.ParquetFile, columns: list[str]) -> Iterator[pa.RecordBatch]:
    """The table's `columns`, ROWS_PER_READ rows at most at a time, one row group after another.

    A reader per row group: one reader over the whole file keeps growing read-ahead buffers
    (about 70 MiB of the process at 400k quotes, against 13 MiB this way).
    """
    for group in range(source.num_row_groups):
        yield from source.iter_batches(batch_size=ROWS_PER_READ, row_groups=[group], columns=columns, use_threads=False)


def _column(source: pq.ParquetFile, name: str) -> pa.ChunkedArray:
    return pa.chunked_array([batch.column(0) for batch in _batches(source, [name])])


def cluster_staged_quotes(path: Path, partitions: int | None = None) -> int:
    """Fill `quote_cluster_id` in a staged quotes table; returns the number of quotes.

    Reads back only the columns clustering needs, spilling the bulky part of its state to a
    temporary directory beside the table (see QuoteSketches); then rewrites the file row group
    by row group beside itself and renames it over the original, so a failure leaves the staged
    file whole. `partitions` is as for `cluster_quotes`.
    """
    path = Path(path)
    source = pq.ParquetFile(path)
    n = source.metadata.num_rows
    if n == 0:
        return 0

    def texts() -> Iterator[tuple[int, str]]:
        j = 0
        for batch in _batches(source, ["text_normalized", "text"]):
            for text_normalized, text in zip(*(batch.column(c).to_pylist() for c in ("text_normalized", "text"))):
                yield j, _quote_text(text_normalized, text)
                j += 1

    rank, articles = _ranks(_column(source, "quote_id")), _ranks(_column(source, "article_id"))
    with QuoteSketches(path.parent, partitions or _partitions_for(n)) as sketches:
        for batch in _batches(source, list(CLUSTER_COLUMNS)):
            columns = {c: batch.column(c).to_pylist() for c in CLUSTER_COLUMNS}
            sketches.add(
                [_quote_text(tn, t) for tn, t in zip(columns["text_normalized"], columns["text"])],
                columns["speaker_entity_id"],
                columns["speaker"],
            )
        del batch, columns
        release_arrow_memory()  # numpy, not Arrow, allocates most of what comes next
        cluster_of = cluster_sketches(sketches, rank, articles, texts)
    del sketches, rank, articles

    ids = _column(source, "quote_id").combine_chunks()  # read again: not held while clustering
    release_arrow_memory()
    rewritten = path.with_name(f".{path.name}.clustered")
    column = source.schema_arrow.get_field_index("quote_cluster_id")
    field = source.schema_arrow.field(column)
    try:
        with pq.ParquetWriter(
            rewritten, source.schema_arrow, compression="zstd", write_statistics=statistics_columns(source.schema_arrow)
        ) as writer:
            done = 0
            for group in range(source.num_row_groups):
                table = source.read_row_group(group, use_threads=False)
                writer.write_table(table.set_column(column, field, ids.take(pa.array(cluster_of[done : done + table.num_rows]))))
                done += table.num_rows
        source.close()
        os.replace(rewritten, path)
    except BaseException:
        rewritten.unlink(missing_ok=True)
        raise
    return n
