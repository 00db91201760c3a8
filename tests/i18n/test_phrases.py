"""The phrase translator: patterns, nested sentences, the catalogue's own consistency."""

from __future__ import annotations

import pytest

from crmflow.common.i18n_phrases import (
    CATALOGUE,
    MAX_TRANSLATED_CHARS,
    compile_catalogue,
    compile_phrase,
    translate_phrase,
    translate_phrases,
)


def _french(entries: list[tuple[str, str]], text: str) -> str:
    for phrase in compile_catalogue(entries):
        match = phrase.pattern.fullmatch(text)
        if match:
            return phrase.french.format(**match.groupdict())
    return text


def test_a_placeholder_keeps_its_value_and_the_sentence_is_french() -> None:
    entries = [("to: no recipient resolved from {ref}", "destinataire : personne pour {ref}")]
    assert _french(entries, "to: no recipient resolved from 'owner'") == (
        "destinataire : personne pour 'owner'"
    )
    assert _french(entries, "to: something else") == "to: something else"


def test_the_most_specific_entry_wins() -> None:
    entries = [("{field}: {reason}", "{field} : {reason}"), ("to: no {what}", "à : aucun {what}")]
    assert _french(entries, "to: no one") == "à : aucun one"


def test_a_token_placeholder_is_one_word() -> None:
    entries = [
        ("{ip_token} is private", "{ip_token} est privée"),
        ("refused by the guard: {reason_text}", "refusé par la garde : {reason_text}"),
    ]
    assert _french(entries, "10.0.0.1 is private") == "10.0.0.1 est privée"
    # The longer entry no longer reads the wrapping sentence as one address.
    assert _french(entries, "refused by the guard: 10.0.0.1 is private") == (
        "refusé par la garde : 10.0.0.1 is private"
    )


def test_english_and_french_must_name_the_same_placeholders() -> None:
    with pytest.raises(ValueError, match="French names"):
        compile_phrase("late by {seconds} s", "en retard de {secondes} s")
    with pytest.raises(ValueError, match="plain name"):
        compile_phrase("item {0}", "élément {0}")


def test_english_is_served_as_it_is() -> None:
    assert translate_phrase("en", "no conditions") == "no conditions"
    assert translate_phrase(None, "no conditions") == "no conditions"
    assert translate_phrase("fr", "no conditions") == "aucune condition"
    assert translate_phrase("fr", "a sentence nobody wrote") == "a sentence nobody wrote"


def test_long_texts_are_not_matched() -> None:
    text = "x" * (MAX_TRANSLATED_CHARS + 1)
    assert translate_phrase("fr", text) is text


def test_translate_phrases_only_touches_the_named_keys() -> None:
    same = "no conditions"
    data = {"error": same, "name": same, "steps": [{"error": same}]}
    assert translate_phrases("fr", data, {"error"}) == {
        "error": "aucune condition",
        "name": "no conditions",
        "steps": [{"error": "aucune condition"}],
    }
    assert translate_phrases("fr", {"checked": ["no conditions", 3]}, {"checked"}) == {
        "checked": ["aucune condition", 3]
    }
    assert translate_phrases("en", data, {"error"}) is data


def test_every_catalogue_entry_compiles_and_is_unique() -> None:
    englishes = [p.english for p in CATALOGUE]
    assert len(englishes) == len(set(englishes))
    for phrase in CATALOGUE:
        assert phrase.french.strip(), phrase.english
        assert phrase.french != phrase.english, f"{phrase.english!r} is not translated"
