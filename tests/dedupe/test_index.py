"""The on-disk dedupe index behaves as the dicts it replaces."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.dedupe import SeenIndex
from tasks.dedupe.index import DiskMap, temporary_database

keys = st.text(min_size=0, max_size=12)
ops = st.lists(st.tuples(st.sampled_from(["set", "get", "in", "item", "len"]), keys, keys), max_size=60)


@settings(max_examples=200, deadline=None)
@given(ops)
def test_disk_map_answers_as_a_dict_does(operations):
    disk, memory = DiskMap(temporary_database(), "t"), {}
    for op, key, value in operations:
        if op == "set":
            disk[key] = value
            memory[key] = value
        elif op == "get":
            assert disk.get(key, "-") == memory.get(key, "-")
        elif op == "in":
            assert (key in disk) == (key in memory)
        elif op == "item":
            assert (disk[key] if key in memory else None) == memory.get(key)
        else:
            assert len(disk) == len(memory)
    assert sorted(disk) == sorted(memory)


def test_missing_key_raises_key_error():
    disk = DiskMap(temporary_database(), "t")
    try:
        disk["absent"]
    except KeyError as error:
        assert error.args == ("absent",)
    else:
        raise AssertionError("no KeyError")


def test_cleared_index_forgets_and_stays_usable():
    seen = SeenIndex()
    seen.by_sha256["a" * 64] = "one.txt"
    seen.by_article["id1"] = "one.txt"
    seen.clear()
    assert "a" * 64 not in seen.by_sha256 and len(seen.by_article) == 0
    seen.article_of_sha["b" * 64] = "id2"
    assert seen.article_of_sha["b" * 64] == "id2"
