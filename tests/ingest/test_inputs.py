import os
import tempfile

import pytest

from tasks.ingest import Source, discover, walk_inputs
from tasks.ingest import inputs as inputs_module
from tasks.ingest.inputs import InputList


def _sources(n: int) -> list[Source]:
    odd = "caf\udce9\nname"  # a file name that is not UTF-8 and holds a newline survives the round trip
    return [
        Source(f"/in/{i:04d}-{odd}.txt", f"{i:04d}-{odd}.txt", ("not-a-file", "a pipe") if i % 7 == 0 else None)
        for i in range(n)
    ]


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(inputs_module, "BLOCK", 3)


def test_the_list_gives_back_every_source_in_order_every_time(small_blocks):
    sources = _sources(10)
    with InputList(sources) as found:
        assert len(found) == 10
        assert list(found) == sources
        assert list(found) == sources  # read again: the fingerprint, then the batches


def test_batches_cover_the_list_in_order(small_blocks):
    sources = _sources(10)
    with InputList(sources) as found:
        batches = list(found.batches(4))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert [s for b in batches for s in b] == sources


def test_two_readers_may_take_turns(small_blocks):
    sources = _sources(10)
    with InputList(sources) as found:
        first, second = iter(found), iter(found)
        taken = [(next(first), next(second)) for _ in range(10)]
    assert taken == list(zip(sources, sources))


def test_an_empty_list(small_blocks):
    with InputList([]) as found:
        assert len(found) == 0
        assert list(found.batches(4)) == []


def test_the_file_leaves_nothing_behind_and_a_closed_list_says_so(tmp_path, monkeypatch, small_blocks):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    found = InputList(_sources(10))
    assert os.listdir(tmp_path) == []  # no name, so a killed run leaves no file either
    found.close()
    with pytest.raises(ValueError, match="closed"):
        list(found)


def test_walking_finds_what_discover_lists(tmp_path):
    for name in ("b/2.txt", "a.html", ".hidden.txt", "b/1.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    with InputList(walk_inputs(tmp_path)) as found:
        assert list(found) == discover(tmp_path)
    assert [s.rel for s in discover(tmp_path)] == ["a.html", "b/1.txt", "b/2.txt"]
