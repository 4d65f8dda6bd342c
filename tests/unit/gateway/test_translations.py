"""The Spanish catalogue covers every string the gateway shows, and is compilable."""
import re

from tests.unit.gateway.catalogues import catalogue, compile_catalogues, extracted_messages, \
    TRANSLATIONS

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_every_string_of_the_code_and_templates_has_a_spanish_translation():
    spanish = catalogue("es")
    missing = sorted(m for m in extracted_messages()
                     if not (spanish.get(m) and spanish.get(m).string))
    assert missing == []


def test_no_translation_is_fuzzy_and_placeholders_match():
    spanish = catalogue("es")
    assert not spanish.fuzzy
    for message in spanish:
        if not message.id:
            continue
        assert "fuzzy" not in message.flags, message.id
        assert sorted(PLACEHOLDER.findall(message.id)) == \
            sorted(PLACEHOLDER.findall(message.string)), message.id


def test_catalogue_compiles_to_mo():
    compile_catalogues()
    assert (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000
