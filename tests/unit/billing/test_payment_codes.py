"""The one Cp table: every code of the seed's troubleshooting table, with its texts."""
import re
from decimal import Decimal

from portal_common.money import quantize
from portal_common.payment_codes import CODES, MINIMUM_AMOUNTS, minimum_amount, remedy

SEED_CODES = {"Cp1003", "Cp1004", "Cp2001", "Cp3001", "Cp3002", "Cp3003", "Cp3004", "Cp3005",
              "Cp4001", "Cp4002", "Cp4003"}


def test_every_seed_code_has_meaning_customer_message_and_remedy_in_both_languages():
    assert set(CODES) == SEED_CODES
    for code, entry in CODES.items():
        for text in (entry.meaning_es, entry.meaning_en, entry.remedy_es, entry.remedy_en):
            assert text.strip()
        # the customer sees the code and no internals
        assert f"({code})" in entry.customer_es and f"({code})" in entry.customer_en
        assert not re.search(r"stripe|sk_|api", entry.customer_en, re.IGNORECASE)


def test_remedy_is_the_seed_text_and_none_without_a_code():
    assert remedy("Cp3005")["es"] == ("Pídale a su cliente que lo intente de nuevo después de "
                                      "unos minutos.")
    assert remedy(None) is None


def test_minimums_are_whole_minor_units_of_their_currency():
    assert minimum_amount("eur") == Decimal("0.50")
    assert minimum_amount("JPY") == Decimal("50")
    assert minimum_amount("XXX") is None
    for currency, amount in MINIMUM_AMOUNTS.items():
        assert quantize(amount, currency) == amount
