"""Group reports of one utterance across articles and outlets, as Quotebank does.

Outlets cut quotes differently, elide with "…", insert "[Putin]" and spell names their way. Two
quotes are one utterance when their word 3-gram shingles are similar (MinHash LSH, Jaccard), or
when one is a cut of the other (most of its shingles inside the other). Short fragments ("a good
compromise") are too common to link long quotes together, so they join one cluster at most, and
only one whose quote has the same speaker.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from datasketch import MinHash, MinHashLSH

SHINGLE = 3
JACCARD = 0.5  # LSH threshold and the exact check after it
CONTAINMENT = 0.8  # share of a cut quote's shingles found in the fuller report
MIN_SHINGLES = 3  # fewer than this (under five words) is a fragment
LONG_SHINGLES = 8  # a cut this long (about ten words) inside another report is that report
MAX_POSTING = 200  # shingles shared by more quotes than this say nothing ("we will not")
NUM_PERM = 128

_SEGMENT_BREAK = re.compile(r"\[[^\]]*\]|…|\.\s*\.\s*\.|\(\s*\.\.\.\s*\)")
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
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
    out = set()
    for words in segments(text):
        if len(words) < SHINGLE:
            continue
        for i in range(len(words) - SHINGLE + 1):
            out.add(" ".join(words[i : i + SHINGLE]))
    return out


def _speaker_key(row: dict[str, Any]) -> str | None:
    if row.get("speaker_entity_id"):
        return "id:" + str(row["speaker_entity_id"])
    if row.get("speaker"):
        return "name:" + fold(str(row["speaker"])).split()[-1]
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


def cluster_quotes(rows: list[dict[str, Any]]) -> None:
    """Set `quote_cluster_id` on every row: the smallest quote_id among reports of the utterance."""
    if not rows:
        return
    texts = [str(r.get("text_normalized") or r.get("text") or "") for r in rows]
    sh = [shingles(t) for t in texts]
    folded = [" ".join(w for seg in segments(t) for w in seg) for t in texts]
    keys = [_speaker_key(r) for r in rows]
    surnames = [fold(str(r.get("speaker") or "")).split()[-1:] for r in rows]

    def compatible(i: int, j: int) -> bool:
        """Same speaker, or one unknown; an entity ID on one side only still matches the surname."""
        return keys[i] is None or keys[j] is None or keys[i] == keys[j] or surnames[i] == surnames[j] != []

    uf = _UnionFind(len(rows))

    # 1. Similar reports (Jaccard) through MinHash LSH.
    lsh = MinHashLSH(threshold=JACCARD, num_perm=NUM_PERM)
    indexed = [i for i, s in enumerate(sh) if len(s) >= MIN_SHINGLES]
    hashes = MinHash.bulk([[x.encode("utf-8") for x in sorted(sh[i])] for i in indexed], num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for i, m in zip(indexed, hashes):
            session.insert(str(i), m)
    for i, m in zip(indexed, hashes):
        for key in lsh.query(m):
            j = int(key)
            if j > i and len(sh[i] & sh[j]) / len(sh[i] | sh[j]) >= JACCARD and compatible(i, j):
                uf.union(i, j)
    # the same short fragment reported twice, by the same speaker
    same_fragment: dict[tuple[str, str], int] = {}
    for i, s in enumerate(sh):
        key = keys[i]
        if len(s) < MIN_SHINGLES and folded[i] and key:
            first = same_fragment.setdefault((folded[i], key), i)
            uf.union(first, i)

    # 2. Long cuts: most of a long quote's shingles inside a longer report is the same utterance.
    postings: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sh):
        for x in s:
            postings[x].append(i)

    def containing(i: int) -> dict[int, float]:
        shared: dict[int, int] = defaultdict(int)
        for x in sh[i]:
            post = postings[x]
            if len(post) <= MAX_POSTING:
                for j in post:
                    if j != i and len(sh[j]) >= len(sh[i]):
                        shared[j] += 1
        return {j: n / len(sh[i]) for j, n in shared.items() if n / len(sh[i]) >= CONTAINMENT}

    short: list[int] = []
    for i, s in enumerate(sh):
        if len(s) >= LONG_SHINGLES:
            for j in containing(i):
                if compatible(i, j):
                    uf.union(i, j)
        elif folded[i]:
            short.append(i)

    # 3. Short cuts and fragments join one host, never two: a phrase common to two utterances
    #    must not make them one. Fragments (under three shingles) need the host's speaker.
    word_rows: dict[str, set[int]] = defaultdict(set)
    for j, f in enumerate(folded):
        for w in f.split():
            word_rows[w].add(j)
    attach: dict[int, int] = {}
    for i in short:
        if len(sh[i]) >= MIN_SHINGLES:
            hosts = {j: c for j, c in containing(i).items() if compatible(i, j)}
        elif keys[i] is None:
            continue
        else:
            needle = f" {folded[i]} "
            words = folded[i].split()
            rarest = min(words, key=lambda w: len(word_rows[w]))
            hosts = {
                j: 1.0
                for j in word_rows[rarest]
                if keys[j] == keys[i]
                and len(folded[j]) > len(folded[i])
                and needle in f" {folded[j]} "
                # one word ("Never") is too common to link reports from different articles
                and (len(words) > 1 or rows[j].get("article_id") == rows[i].get("article_id"))
            }
        if hosts:
            article = rows[i].get("article_id")
            attach[i] = min(
                hosts,
                key=lambda j: (rows[j].get("article_id") != article, -hosts[j], str(rows[j].get("quote_id")), j),
            )

    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        members[uf.find(i)].append(i)
    cluster_of: dict[int, str] = {}
    for root, idx in members.items():
        cid = min(str(rows[k].get("quote_id")) for k in idx)
        for k in idx:
            cluster_of[k] = cid
    short_set = set(short)
    # longest first, so a host that is itself attached has its final id when its guests read it
    for i in sorted(attach, key=lambda k: (-len(folded[k]), k)):
        group = members[uf.find(i)]
        if all(k in short_set for k in group):  # a fragment (or the same fragment twice)
            for k in group:
                cluster_of[k] = cluster_of[attach[i]]
    for i, r in enumerate(rows):
        r["quote_cluster_id"] = cluster_of[i]
