"""Document lines and totals, computed the same way by billing and quotes.

Each line's amount is quantity × rate less the discount, rounded to the currency; its tax
is the tax rate of that rounded amount, rounded; the totals are sums of rounded figures.
Which taxes exist, and what a line keeps of its tax, is the service's own (``tax_for``).
"""
from decimal import Decimal

from .money import quantize

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def line_amount(quantity: Decimal, rate: Decimal, discount: Decimal, currency: str) -> Decimal:
    """quantity × rate less ``discount`` percent, rounded to the currency."""
    return quantize(quantity * rate * (HUNDRED - discount) / HUNDRED, currency)


def tax_amount(amount: Decimal, tax_rate: Decimal | None, currency: str) -> Decimal:
    """``tax_rate`` percent of ``amount``, rounded (zero without a tax)."""
    return quantize(amount * tax_rate / HUNDRED, currency) if tax_rate is not None else ZERO


def build_lines(currency: str, line_model, lines: list, tax_for):
    """(lines, subtotal, tax_total). ``tax_for(position, values)`` gives the line's tax
    rate (None without a tax) and the tax columns the line keeps, or refuses the tax."""
    built, subtotal, tax_total = [], ZERO, ZERO
    for position, values in enumerate(lines):
        rate, tax_columns = tax_for(position, values)
        amount = line_amount(values["quantity"], values["rate"], values["discount"], currency)
        tax = tax_amount(amount, rate, currency)
        built.append(line_model(position=position, name=values["name"],
                                description=values["description"],
                                quantity=values["quantity"], rate=values["rate"],
                                discount=values["discount"], amount=amount, tax_amount=tax,
                                **tax_columns))
        subtotal += amount
        tax_total += tax
    return built, subtotal, tax_total
