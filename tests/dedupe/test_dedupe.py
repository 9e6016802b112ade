from tasks.dedupe import SeenIndex, drop_body_duplicates, drop_exact_duplicates
from tasks.records import Doc


def _doc(path: str, sha: str, article: str | None = None) -> Doc:
    doc = Doc(source_path=path, source_format="text", sha256=sha)
    doc.article_id = article
    return doc


def test_exact_copies_become_duplicate_rows_of_the_first_copy():
    seen = SeenIndex()
    fresh, copies = drop_exact_duplicates([_doc("a.txt", "s1"), _doc("b.txt", "s1"), _doc("c.txt", "s2")], seen)
    assert [d.source_path for d in fresh] == ["a.txt", "c.txt"]
    assert [d.source_path for d in copies] == ["b.txt"]
    fresh[0].article_id, fresh[1].article_id = "A", "C"
    kept, dups, quarantined = drop_body_duplicates(fresh, copies, seen)
    assert [d.source_path for d in kept] == ["a.txt", "c.txt"]
    assert dups == [{"source_path": "b.txt", "article_id": "A", "duplicate_of": "a.txt", "kind": "exact"}]
    assert quarantined == []


def test_same_body_with_different_furniture_is_a_body_duplicate_across_batches():
    seen = SeenIndex()
    first, _ = drop_exact_duplicates([_doc("a.txt", "s1")], seen)
    first[0].article_id = "A"
    drop_body_duplicates(first, [], seen)
    second, _ = drop_exact_duplicates([_doc("b.html", "s2")], seen)
    second[0].article_id = "A"
    kept, dups, _ = drop_body_duplicates(second, [], seen)
    assert kept == []
    assert dups == [{"source_path": "b.html", "article_id": "A", "duplicate_of": "a.txt", "kind": "body"}]


def test_copy_of_a_quarantined_input_is_quarantined_too():
    seen = SeenIndex()
    fresh, copies = drop_exact_duplicates([_doc("a.txt", "s1"), _doc("b.txt", "s1")], seen)
    # a.txt was quarantined by extract, so never reaches body dedupe
    kept, dups, quarantined = drop_body_duplicates([], copies, seen)
    assert kept == [] and dups == []
    assert quarantined[0]["source_path"] == "b.txt"
    assert quarantined[0]["reason"] == "copy-of-quarantined"


def test_prefect_does_not_walk_the_growing_index():
    """Passed to a task every batch, the index must be one value to Prefect, not N entries."""
    from prefect.utilities.collections import visit_collection

    seen = SeenIndex()
    for i in range(1000):
        seen.by_sha256[f"{i:064x}"] = f"doc{i}.txt"
    visited = []
    visit_collection(seen, lambda x: visited.append(x), return_data=False)
    assert visited == [seen]
