"""The pinned quality gate: precision, recall and linking on the labelled development set.

Scored by bench/entities/score.py (exact span and type; linking = right canonical name). The
floors sit just under the measured values, so a change that loses quality fails here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tasks.entities import find_mentions

ROOT = Path(__file__).resolve().parents[2]
DEVSET = Path(__file__).parent / "devset"


def _scorer():
    spec = importlib.util.spec_from_file_location("entities_score", ROOT / "bench" / "entities" / "score.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scorer():
    return _scorer()


def test_devset_has_seeds_written_and_held_out_articles():
    names = [p.stem for p in DEVSET.glob("*.yaml")]
    assert sum(n.startswith("seed_") for n in names) == 5
    assert sum(n.startswith("own_") for n in names) >= 10
    assert sum(n.startswith("holdout_") for n in names) >= 40


def test_gate_on_the_whole_devset(scorer):
    s = scorer.score_devset(find_mentions, DEVSET)
    assert s.tp + s.fn >= 1850  # gold mentions
    assert s.precision >= 0.995, s.errors
    assert s.recall >= 0.985, s.errors
    assert s.linking >= 0.985, s.errors


def test_gate_on_the_seeds(scorer):
    s = scorer.Score()
    for path in sorted(DEVSET.glob("seed_*.yaml")):
        scorer.score_doc(path, find_mentions, s)
    assert s.fp == 0, s.errors
    assert s.recall >= 0.99, s.errors
    assert s.linking >= 0.99, s.errors


def test_scorer_counts_misses_false_alarms_and_wrong_links(scorer, tmp_path):
    (tmp_path / "doc.yaml").write_text(
        "source: test\n"
        "text: |\n  Kiev and Kherson region and Mr Foo said.\n"
        "gold:\n  - [Kiev, GPE, Kyiv]\n  - [Kherson, GPE, Kherson]\n  - [Foo, PERSON, Foo]\n",
        encoding="utf-8",
    )
    s = scorer.score_devset(find_mentions, tmp_path)
    assert (s.tp, s.fn, s.linked) == (3, 0, 2)  # Kherson is found but linked to the oblast
    assert scorer.score_devset(lambda text: [], tmp_path).recall == 0.0
