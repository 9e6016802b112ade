"""Group reports of one utterance across articles and outlets, as Quotebank does.

Outlets cut quotes differently, elide with "…", insert "[Putin]" and spell names their way. Two
quotes are one utterance when their word 3-gram shingles are similar (MinHash LSH, Jaccard), or
when one is a cut of the other (most of its shingles inside the other). Short fragments ("a good
compromise") are too common to link long quotes together, so they join one cluster at most, and
only one whose quote has the same speaker.

A run's quotes are streamed to the staged table as batches finish; clustering then reads back
only the columns it needs and keeps compact state per quote (shingles as 64-bit hashes, LSH band
keys as integers, speaker and article as small ints), never the rows nor MinHash objects, so
its memory is a few hundred bytes per quote. The MinHash values are computed in bulk with numpy
and are bit-for-bit datasketch's, so the LSH candidates, and the clusters, are the same.
"""

from __future__ import annotations

import hashlib
import os
import re
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

# Columns clustering reads back from the staged quotes table (never the whole rows).
CLUSTER_COLUMNS = ("article_id", "text", "text_normalized", "speaker", "speaker_entity_id")
ROWS_PER_READ = 8192
MINHASH_STEP = 8192  # shingles permuted per numpy step: 8192 x 125 permutations x 4 bytes = 4 MB
PAIR_STEP = 100_000  # candidate pairs whose Jaccard is computed per numpy step
EXPANSION_STEP = 250_000  # (quote, sharing quote) entries per containment step, a few MB each array


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
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


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
    out = np.empty((len(counts), len(a)), dtype=np.uint32 if scheme == "affine32" else np.uint64)
    ends = np.cumsum(counts)
    starts = ends - counts
    first = 0
    while first < len(counts):
        last = max(first + 1, int(np.searchsorted(ends, starts[first] + MINHASH_STEP, side="right")))
        lo, hi = starts[first], ends[last - 1]
        low32 = hashes[lo:hi] & np.uint64(0xFFFFFFFF)
        if scheme == "affine32":
            hv = _fmix32(low32.astype(np.uint32))[:, None]
            permuted = hv * a + b
        else:
            permuted = ((low32[:, None] * a + b) % np.uint64((1 << 61) - 1)) & np.uint64(0xFFFFFFFF)
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


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated aranges [start, start + length) as one index array."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    before = np.cumsum(lengths) - lengths
    return np.repeat(starts.astype(np.int64) - before, lengths) + np.arange(total, dtype=np.int64)


# --- compact per-quote state -------------------------------------------------------------------


class QuoteSketches:
    """What clustering keeps per quote, filled batch by batch: never the texts nor the rows.

    Shingles are 64-bit hashes (exact sets for Jaccard and containment), LSH bands are 64-bit keys,
    speaker, surname and article are small ints. Only fragments (under three shingles, with a
    speaker) keep their folded words, for finding the quote they were cut from.
    """

    def __init__(self) -> None:
        self.n = 0
        self._hashes: list[np.ndarray] = []
        self._band_keys: list[np.ndarray] = []
        self._indexed: list[np.ndarray] = []
        self.counts = array("i")  # shingles per quote
        self.folded_len = array("i")
        self.key = array("i")  # speaker key, -1 when unknown
        self.surname = array("i")  # last word of the speaker's name, -1 when none
        self.article = array("i")
        self.fragments: dict[int, str] = {}  # quote -> folded words of a fragment with a speaker
        self._keys: dict[str, int] = {}
        self._surnames: dict[str, int] = {}
        self._articles: dict[Any, int] = {}

    def add(self, texts: Iterable[str], speaker_entity_ids: Iterable[Any], speakers: Iterable[Any], articles: Iterable[Any]) -> None:
        shingle_hashes = bytearray()
        counts = array("i")
        for text, eid, speaker, article in zip(texts, speaker_entity_ids, speakers, articles, strict=True):
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
            self.article.append(self._articles.setdefault(article, len(self._articles)))
            if len(sh) < MIN_SHINGLES and folded and key is not None:
                self.fragments[self.n] = folded
            self.n += 1
        hashes = np.frombuffer(bytes(shingle_hashes), dtype="<u8").astype(np.uint64)
        counts_np = np.frombuffer(counts, dtype=np.int32).astype(np.int64)
        indexed = counts_np >= MIN_SHINGLES
        keep = np.repeat(indexed, counts_np)
        if indexed.any():
            self._band_keys.append(band_keys(minhash_values(hashes[keep], counts_np[indexed])))
            self._indexed.append(np.flatnonzero(indexed) + (self.n - len(counts_np)))
        self._hashes.append(hashes)
        self.counts.extend(counts)


class _Shingles:
    """Every quote's shingles as dense ids, and the posting list (quotes) of every shingle."""

    def __init__(self, hash_chunks: list[np.ndarray], counts: np.ndarray):
        hashes = np.concatenate(hash_chunks) if hash_chunks else np.zeros(0, dtype=np.uint64)
        hash_chunks.clear()
        self.counts = counts
        self.offsets = np.cumsum(counts) - counts
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        del hashes
        first = np.ones(len(ordered), dtype=bool)
        first[1:] = ordered[1:] != ordered[:-1]
        del ordered
        self.id = np.empty(len(order), dtype=np.int32)
        self.id[order] = np.cumsum(first, dtype=np.int64) - 1
        self.posting_start = np.flatnonzero(first)
        self.posting_size = np.diff(np.append(self.posting_start, len(order))).astype(np.int32)
        quote_of = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        self.posting = quote_of[order]  # stable sort: each posting list in quote order
        self.ids_total = len(self.posting_start)

    def of(self, quotes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shingle ids of `quotes`, concatenated, and the position (in `quotes`) each belongs to."""
        lengths = self.counts[quotes]
        return self.id[_ranges(self.offsets[quotes], lengths)], np.repeat(np.arange(len(quotes)), lengths)


def _candidate_pairs(bands: np.ndarray, quotes: np.ndarray, n: int) -> np.ndarray:
    """Pairs (i * n + j, i < j) of quotes sharing an LSH band: what MinHashLSH.query returns."""
    pairs = np.zeros(0, dtype=np.int64)
    for band in range(bands.shape[1]):
        order = np.argsort(bands[:, band], kind="stable")
        keys = bands[order, band]
        same_as_next = keys[1:] == keys[:-1]
        if not same_as_next.any():
            continue
        run_id = np.concatenate([[0], np.cumsum(~same_as_next)])
        run_end = np.searchsorted(run_id, run_id, side="right")
        positions = np.arange(len(keys))
        partners = run_end - positions - 1
        left = np.repeat(positions, partners)
        right = _ranges(positions + 1, partners)
        a, b = quotes[order[left]].astype(np.int64), quotes[order[right]].astype(np.int64)
        pairs = np.union1d(pairs, np.minimum(a, b) * n + np.maximum(a, b))
    return pairs


def _shared_counts(shingles: _Shingles, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Number of shingles each pair (left[k], right[k]) has in common."""
    ids_l, pair_l = shingles.of(left)
    ids_r, pair_r = shingles.of(right)
    codes = np.sort(np.concatenate([pair_l * shingles.ids_total + ids_l, pair_r * shingles.ids_total + ids_r]))
    twice = codes[1:][codes[1:] == codes[:-1]]
    return np.bincount(twice // shingles.ids_total, minlength=len(left))


def _containments(shingles: _Shingles, quotes: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(i, j, share) for every quote i of `quotes` and every j != i with at least as many shingles
    holding at least CONTAINMENT of i's shingles, counting shingles of at most MAX_POSTING quotes."""
    counts = shingles.counts
    useful = shingles.posting_size <= MAX_POSTING
    sizes = np.where(useful, shingles.posting_size, 0)
    expansion = np.concatenate([[0], np.cumsum(sizes[shingles.id], dtype=np.int64)])
    work = np.cumsum(expansion[shingles.offsets[quotes] + counts[quotes]] - expansion[shingles.offsets[quotes]])
    first = 0
    while first < len(quotes):
        last = max(first + 1, int(np.searchsorted(work, (work[first - 1] if first else 0) + EXPANSION_STEP, side="right")))
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
        first = last


def _ranks(quote_ids: list[str]) -> np.ndarray:
    """Each quote ID's place in sorted order (equal IDs, equal places)."""
    places = {qid: k for k, qid in enumerate(sorted(set(quote_ids)))}
    return np.array([places[q] for q in quote_ids], dtype=np.int64)


def cluster_sketches(
    sketches: QuoteSketches, rank: np.ndarray, reread: Callable[[], Iterator[tuple[int, str]]]
) -> np.ndarray:
    """For each quote, the quote whose ID is its cluster's (the smallest ID among its reports).

    `rank` orders the quote IDs; `reread` yields (quote, text) again, for the quotes whose speaker
    said a fragment (their text is read a second time instead of being kept).
    """
    n = sketches.n
    counts = np.frombuffer(sketches.counts, dtype=np.int32).astype(np.int64)
    folded_len = np.frombuffer(sketches.folded_len, dtype=np.int32)
    keys = np.frombuffer(sketches.key, dtype=np.int32)
    surnames = np.frombuffer(sketches.surname, dtype=np.int32)
    articles = np.frombuffer(sketches.article, dtype=np.int32)
    shingles = _Shingles(sketches._hashes, counts)

    def compatible(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Same speaker, or one unknown; an entity ID on one side only still matches the surname."""
        ki, kj = keys[i], keys[j]
        return (ki == -1) | (kj == -1) | (ki == kj) | ((surnames[i] != -1) & (surnames[i] == surnames[j]))

    uf = _UnionFind(n)

    # 1. Similar reports (Jaccard) among the LSH candidates.
    if sketches._indexed:
        pairs = _candidate_pairs(np.concatenate(sketches._band_keys), np.concatenate(sketches._indexed), n)
        for lo in range(0, len(pairs), PAIR_STEP):
            step = pairs[lo : lo + PAIR_STEP]
            i, j = step // n, step % n
            shared = _shared_counts(shingles, i, j)
            similar = (shared / (counts[i] + counts[j] - shared) >= JACCARD) & compatible(i, j)
            for a, b in zip(i[similar].tolist(), j[similar].tolist()):
                uf.union(a, b)
    # the same short fragment reported twice, by the same speaker
    same_fragment: dict[tuple[str, int], int] = {}
    for i, folded in sketches.fragments.items():
        uf.union(same_fragment.setdefault((folded, int(keys[i])), i), i)

    # 2. Long cuts: most of a long quote's shingles inside a longer report is the same utterance.
    # 3. Short cuts and fragments join one host, never two: a phrase common to two utterances
    #    must not make them one. Fragments (under three shingles) need the host's speaker.
    is_short = (counts < LONG_SHINGLES) & (folded_len > 0)
    best: dict[int, tuple] = {}  # short quote -> sort key of its best host so far

    def offer(i: int, j: int, share: float) -> None:
        candidate = (bool(articles[j] != articles[i]), -share, int(rank[j]), j)
        if i not in best or candidate < best[i]:
            best[i] = candidate

    for i, j, share in _containments(shingles, np.flatnonzero(counts >= MIN_SHINGLES)):
        ok = compatible(i, j)
        for a, b, s, long in zip(i[ok].tolist(), j[ok].tolist(), share[ok].tolist(), (counts[i[ok]] >= LONG_SHINGLES).tolist()):
            if long:
                uf.union(a, b)
            else:
                offer(a, b, s)
    if sketches.fragments:
        _find_fragment_hosts(sketches, keys, folded_len, articles, reread, offer)
    attach = {i: key[-1] for i, key in best.items()}

    roots = np.array([uf.find(i) for i in range(n)], dtype=np.int64)
    by_root = np.lexsort((rank, roots))  # each cluster's quotes together, smallest ID first
    starts = np.flatnonzero(np.concatenate([[True], roots[by_root][1:] != roots[by_root][:-1]]))
    ends = np.append(starts[1:], n)
    first_of_root = dict(zip(roots[by_root[starts]].tolist(), zip(starts.tolist(), ends.tolist())))
    cluster_of = np.empty(n, dtype=np.int64)
    cluster_of[by_root] = np.repeat(by_root[starts], ends - starts)
    # longest first, so a host that is itself attached has its final id when its guests read it
    for i in sorted(attach, key=lambda k: (-int(folded_len[k]), k)):
        lo, hi = first_of_root[int(roots[i])]
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


def cluster_quotes(rows: list[dict[str, Any]]) -> None:
    """Set `quote_cluster_id` on every row: the smallest quote_id among reports of the utterance."""
    if not rows:
        return
    texts = [_quote_text(r.get("text_normalized"), r.get("text")) for r in rows]
    sketches = QuoteSketches()
    sketches.add(texts, [r.get("speaker_entity_id") for r in rows], [r.get("speaker") for r in rows], [r.get("article_id") for r in rows])
    quote_ids = [str(r.get("quote_id")) for r in rows]
    cluster_of = cluster_sketches(sketches, _ranks(quote_ids), lambda: iter(enumerate(texts)))
    for r, c in zip(rows, cluster_of.tolist()):
        r["quote_cluster_id"] = quote_ids[c]


def cluster_staged_quotes(path: Path) -> int:
    """Fill `quote_cluster_id` in a staged quotes table; returns the number of quotes.

    Reads back only the columns clustering needs, then rewrites the file row group by row group
    beside itself and renames it over the original, so a failure leaves the staged file whole.
    """
    path = Path(path)
    source = pq.ParquetFile(path)
    n = source.metadata.num_rows
    if n == 0:
        return 0

    def texts() -> Iterator[tuple[int, str]]:
        j = 0
        for batch in source.iter_batches(batch_size=ROWS_PER_READ, columns=["text_normalized", "text"]):
            for text_normalized, text in zip(*(batch.column(c).to_pylist() for c in ("text_normalized", "text"))):
                yield j, _quote_text(text_normalized, text)
                j += 1

    sketches = QuoteSketches()
    ids: list[pa.Array] = []
    for batch in source.iter_batches(batch_size=ROWS_PER_READ, columns=[*CLUSTER_COLUMNS, "quote_id"]):
        ids.append(batch.column("quote_id"))
        columns = {c: batch.column(c).to_pylist() for c in CLUSTER_COLUMNS}
        sketches.add(
            [_quote_text(tn, t) for tn, t in zip(columns["text_normalized"], columns["text"])],
            columns["speaker_entity_id"],
            columns["speaker"],
            columns["article_id"],
        )
    quote_ids = pa.chunked_array(ids, type=source.schema_arrow.field("quote_id").type).combine_chunks()
    rank = pc.rank(quote_ids, sort_keys="ascending", tiebreaker="dense").to_numpy().astype(np.int64)
    cluster_of = cluster_sketches(sketches, rank, texts)
    del sketches

    rewritten = path.with_name(f".{path.name}.clustered")
    column = source.schema_arrow.get_field_index("quote_cluster_id")
    field = source.schema_arrow.field(column)
    try:
        with pq.ParquetWriter(
            rewritten, source.schema_arrow, compression="zstd", write_statistics=statistics_columns(source.schema_arrow)
        ) as writer:
            done = 0
            for group in range(source.num_row_groups):
                table = source.read_row_group(group)
                ids = quote_ids.take(pa.array(cluster_of[done : done + table.num_rows]))
                writer.write_table(table.set_column(column, field, ids))
                done += table.num_rows
        source.close()
        os.replace(rewritten, path)
    except BaseException:
        rewritten.unlink(missing_ok=True)
        raise
    return n
