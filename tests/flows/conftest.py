"""Inputs for flow tests: text dumps from the benchmark's corpus generator (distinct articles)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def make_corpus(folder: Path, n: int, start: int = 0, fmt: str = "text") -> Path:
    """Bench articles start..start+n-1 as files directly in `folder`."""
    gen = folder.parent / f".gen-{folder.name}"
    subprocess.run(
        [sys.executable, "-m", "bench.corpus", str(gen), "-n", str(n), "--start", str(start), "--formats", fmt],
        check=True, cwd=ROOT, capture_output=True,
    )
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted((gen / fmt).iterdir()):
        shutil.move(path, folder / path.name)
    shutil.rmtree(gen)
    return folder


@pytest.fixture
def corpus() -> Callable[..., Path]:
    return make_corpus
