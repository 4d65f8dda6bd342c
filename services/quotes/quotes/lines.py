"""Quote and sales order lines and totals, computed as billing computes them (see
:mod:`portal_common.lines`).

Taxes are billing's: the caller hands a function returning ``billing.list_taxes`` (asked
only when a line names a tax); a line keeps the tax's id, name and rate.
"""
from decimal import Decimal

from portal_common import lines as common_lines

_NO_TAX = {"tax_id": None, "tax_name": None, "tax_rate": None}


def _taxes_by_id(lines: list, list_taxes) -> dict:
    if not any(values.get("tax_id") for values in lines) or list_taxes is None:
        return {}
    return {tax["id"]: tax for tax in list_taxes() or []}


def build_lines(currency: str, line_model, lines: list, list_taxes, error_class):
    """(lines, subtotal, tax_total); a tax the organization does not have → ``error_class``
    with details {"lines": {position: {"tax_id": [...]}}}."""
    taxes = _taxes_by_id(lines, list_taxes)

    def tax_for(position: int, values: dict):
        if not values.get("tax_id"):
            return None, _NO_TAX
        tax = taxes.get(values["tax_id"])
        if tax is None:
            raise error_class("Unknown tax.",
                              {"lines": {position: {"tax_id": ["Unknown tax."]}}})
        rate = Decimal(str(tax["rate"]))
        return rate, {"tax_id": tax["id"], "tax_name": tax["name"], "tax_rate": rate}

    return common_lines.build_lines(currency, line_model, lines, tax_for)
