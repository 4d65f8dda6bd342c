"""Document lines and totals, computed as billing computes them.

Each line's amount is quantity × rate less the discount, rounded to the currency; its tax
is the tax rate of that rounded amount, rounded; the totals are sums of rounded figures.
Taxes are billing's: the caller hands a function returning ``billing.list_taxes`` (asked
only when a line names a tax); a line keeps the tax's id, name and rate.
"""
from decimal import Decimal

from portal_common.money import quantize

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def _taxes_by_id(lines: list, list_taxes) -> dict:
    if not any(values.get("tax_id") for values in lines) or list_taxes is None:
        return {}
    return {tax["id"]: tax for tax in list_taxes() or []}


def build_lines(currency: str, line_model, lines: list, list_taxes, error_class):
    """(lines, subtotal, tax_total); a tax the organization does not have → ``error_class``
    with details {"lines": {position: {"tax_id": [...]}}}."""
    taxes = _taxes_by_id(lines, list_taxes)
    built, subtotal, tax_total = [], ZERO, ZERO
    for position, values in enumerate(lines):
        tax = None
        if values.get("tax_id"):
            tax = taxes.get(values["tax_id"])
            if tax is None:
                raise error_class("Unknown tax.",
                                  {"lines": {position: {"tax_id": ["Unknown tax."]}}})
        rate = Decimal(str(tax["rate"])) if tax else None
        gross = values["quantity"] * values["rate"]
        amount = quantize(gross * (HUNDRED - values["discount"]) / HUNDRED, currency)
        tax_amount = quantize(amount * rate / HUNDRED, currency) if tax else ZERO
        built.append(line_model(position=position, name=values["name"],
                                description=values["description"],
                                quantity=values["quantity"], rate=values["rate"],
                                discount=values["discount"],
                                tax_id=tax["id"] if tax else None,
                                tax_name=tax["name"] if tax else None, tax_rate=rate,
                                amount=amount, tax_amount=tax_amount))
        subtotal += amount
        tax_total += tax_amount
    return built, subtotal, tax_total
