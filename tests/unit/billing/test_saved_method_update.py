"""Editing a saved card: a form's empty fields may arrive as null and mean "nothing"."""
import pytest

from billing.saved_methods import SavedMethodUpdateSchema
from portal_common.errors import ValidationFailed, load_or_refuse


def test_only_the_expiry_changed_with_empty_address_fields_as_null():
    """A card saved through Stripe.js has no street, city or country: editing only its
    expiry sends those as null, which must not be refused."""
    values = load_or_refuse(SavedMethodUpdateSchema(), {
        "exp_month": 3, "exp_year": 2031, "billing_name": None,
        "billing_address": {"line1": None, "city": None, "postal_code": "28013",
                            "country": None}})
    assert values == {"exp_month": 3, "exp_year": 2031, "billing_name": "",
                      "billing_address": {"line1": "", "city": "", "postal_code": "28013",
                                          "country": ""}}


def test_real_mistakes_are_still_refused():
    for bad in ({"exp_month": 13}, {"billing_address": {"country": "Spain"}},
                {"billing_name": "x" * 201}):
        with pytest.raises(ValidationFailed):
            load_or_refuse(SavedMethodUpdateSchema(), bad)
