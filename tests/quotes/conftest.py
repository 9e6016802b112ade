"""Shared helpers for the quotes tests: the dev set, run the way the flow runs it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_score_module():
    spec = importlib.util.spec_from_file_location("quotes_score", ROOT / "bench" / "quotes" / "score.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["quotes_score"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def score_module():
    return _load_score_module()


@pytest.fixture(scope="session")
def devset(score_module):
    return score_module.load_devset()


@pytest.fixture(scope="session")
def dev_docs(score_module, devset):
    """Every dev article through normalise -> entities -> quotes, by id."""
    return {a["id"]: score_module.run_pipeline(a) for a in devset}
