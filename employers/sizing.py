"""R-2 size class: a pure rule (no ORM, no settings, no clock)."""

from decimal import Decimal

SMALL = "small"
LARGE = "large"


def size_class(
    *,
    employees: int | None = None,
    payroll_hours: Decimal | None = None,
    threshold: int = 20,
    hours_per_fte: int = 2080,
) -> str:
    """Return "large" or "small" for an employer.

    Annual payroll hours win when given: FTE = hours / hours_per_fte, unrounded, so 41,600 h
    is 20.0 FTE (large) and 41,599 h is 19.9995 FTE (small). Otherwise the headcount decides.
    Large when the count reaches the threshold.
    """
    if isinstance(payroll_hours, float):
        raise TypeError("payroll_hours must be a Decimal, not a float")
    if employees is None and payroll_hours is None:
        raise ValueError("size_class needs employees or payroll_hours")
    if employees is not None and employees < 0:
        raise ValueError("employees cannot be negative")
    if payroll_hours is not None and payroll_hours < 0:
        raise ValueError("payroll_hours cannot be negative")
    if hours_per_fte <= 0:
        raise ValueError("hours_per_fte must be positive")
    if payroll_hours is not None:
        # Compare hours with threshold x hours_per_fte: the exact form of FTE >= threshold.
        return LARGE if Decimal(payroll_hours) >= Decimal(threshold) * hours_per_fte else SMALL
    assert employees is not None
    return LARGE if employees >= threshold else SMALL
