"""R-17, R-19: the incentive of one classification unit (pure: no ORM, no settings, no clock).

DESIGN.md section 3: ``assessable payroll / 100 x base rate x percent / 100``, computed exactly
in Decimal and rounded once, to the cent, half up. Example: $60,000,000 / 100 x $3.83 x 10% =
$229,800.00. A float is refused: money is never binary floating point.
"""

from decimal import ROUND_HALF_UP, Decimal, localcontext

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def _money(name: str, value: object) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite number")
    return value


def incentive_amount(
    *, assessable_payroll: Decimal, base_rate: Decimal, percent: Decimal = Decimal("10")
) -> Decimal:
    """Return payroll / 100 x base rate x percent / 100, quantized once to 0.01, half up.

    ``base_rate`` is dollars per $100 of assessable payroll; ``percent`` is 0-100. A negative
    payroll or rate, or a percent outside 0-100, is a ValueError; a float is a TypeError.
    """
    payroll = _money("assessable_payroll", assessable_payroll)
    rate = _money("base_rate", base_rate)
    share = _money("percent", percent)
    if payroll < 0:
        raise ValueError("assessable_payroll cannot be negative")
    if rate < 0:
        raise ValueError("base_rate cannot be negative")
    if not 0 <= share <= HUNDRED:
        raise ValueError("percent must be between 0 and 100")
    with localcontext() as context:
        context.prec = 60  # exact for any payroll and rate a DecimalField holds
        exact = payroll * rate * share / (HUNDRED * HUNDRED)
        return exact.quantize(CENT, rounding=ROUND_HALF_UP)
