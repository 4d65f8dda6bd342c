"""Money is Decimal; amounts travel as strings; gateways want minor units."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 currencies without a minor unit (Stripe's zero-decimal list).
ZERO_DECIMAL = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()
)
THREE_DECIMAL = frozenset("BHD JOD KWD OMR TND".split())


def decimals_for(currency: str) -> int:
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def to_decimal(value) -> Decimal:
    """Parse an amount given as str, int or Decimal. Floats are refused."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount


def quantize(amount: Decimal, currency: str) -> Decimal:
    exponent = Decimal(1).scaleb(-decimals_for(currency))
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal, currency: str) -> int:
    return int(quantize(amount, currency).scaleb(decimals_for(currency)))


def from_minor_units(units: int, currency: str) -> Decimal:
    return quantize(Decimal(units).scaleb(-decimals_for(currency)), currency)


def to_wire(amount: Decimal, currency: str) -> str:
    """The string form amounts travel in: '1234.50'."""
    return format(quantize(amount, currency), "f")
