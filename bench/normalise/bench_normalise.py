"""Throughput of the normalise stage, in MB/s of UTF-8 text.

Runs `normalize_text` article by article (as the stage does) over the synthetic corpus of
`bench.corpus` and over the seeds, and reports the best of a few rounds.

    python -m bench.normalise.bench_normalise            # 2,000 generated articles + seeds
    python -m bench.normalise.bench_normalise -n 10000 --rounds 5
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.corpus import make_article, render_text
from tasks.normalise import LEXICON, LEXICON_VERSION, normalize_text

ROOT = Path(__file__).resolve().parents[2]


def measure(texts: list[str], rounds: int) -> tuple[float, int, int]:
    """(best MB/s, bytes, changes) of normalising every text once per round."""
    size = sum(len(t.encode("utf-8")) for t in texts)
    best = float("inf")
    changes = 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        changes = sum(len(normalize_text(t).changes) for t in texts)
        best = min(best, time.perf_counter() - t0)
    return size / 1e6 / best, size, changes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=2000, help="generated articles")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    corpora = {
        "generated": [render_text(make_article(i)) for i in range(args.n)],
        "seeds x50": [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))] * 50,
    }
    t0 = time.perf_counter()
    from tasks.normalise.lexicon import load_lexicon

    load_lexicon()
    load_s = time.perf_counter() - t0
    print(f"lexicon {LEXICON_VERSION}: {len(LEXICON.entries)} entries, "
          f"{len(LEXICON.forms) + len(LEXICON.context_forms)} spellings, "
          f"{len(LEXICON.exceptions)} exception phrases; load+compile {load_s * 1000:.0f} ms")
    for name, texts in corpora.items():
        mbps, size, changes = measure(texts, args.rounds)
        print(f"{name:>10}: {len(texts):>6} docs, {size / 1e6:6.2f} MB, {changes:>7} changes, "
              f"{mbps:6.1f} MB/s")


if __name__ == "__main__":
    main()
