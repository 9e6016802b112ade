"""BoundedMemo: the function's answers, each computed once until the memo is full, then forgotten."""

from tasks.memo import BoundedMemo, bounded_memo


def test_answers_are_the_function_s_and_each_is_computed_once():
    calls: list[str] = []

    def upper_or_none(key: str) -> str | None:
        calls.append(key)
        return None if key == "none" else key.upper()

    memo = BoundedMemo(upper_or_none, maxsize=10)
    assert [memo("a"), memo("a"), memo("none"), memo("none")] == ["A", "A", None, None]
    assert calls == ["a", "none"]  # a remembered None is not computed again


def test_a_full_memo_empties_itself_and_still_answers():
    memo = bounded_memo(3)(len)
    for word in ["a", "bb", "ccc", "dddd", "ee"]:
        assert memo(word) == len(word)
        assert len(memo) <= 3
    memo.cache_clear()
    assert len(memo) == 0
