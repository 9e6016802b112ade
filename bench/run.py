"""`make bench`: the pipeline benchmark at the acceptance size (BENCH_N, default 10,000 articles)."""

from __future__ import annotations

import os

from bench import pipeline

if __name__ == "__main__":
    pipeline.main(["-n", os.environ.get("BENCH_N", "10000")])
