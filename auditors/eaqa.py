"""R-15 EAQA: how many external auditors get an external-auditor QA audit each year (pure)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal


def eaqa_required(roster_size: int, *, fraction: Decimal = Decimal("0.10")) -> int:
    """Return ceil(roster_size x fraction), computed in Decimal (0 -> 0, 9 -> 1, 11 -> 2)."""
    if isinstance(fraction, float) or not isinstance(fraction, Decimal | int):
        raise TypeError(f"fraction must be a Decimal, not {type(fraction).__name__}")
    if isinstance(roster_size, bool) or not isinstance(roster_size, int):
        raise TypeError("roster_size must be a whole number")
    if roster_size < 0:
        raise ValueError("roster_size cannot be negative")
    # NaN compares with nothing (Decimal would raise InvalidOperation, not ValueError).
    if not (Decimal(fraction).is_finite() and Decimal("0") <= fraction <= Decimal("1")):
        raise ValueError("fraction must be between 0 and 1")
    return int((Decimal(roster_size) * fraction).to_integral_value(rounding=ROUND_CEILING))


@dataclass(frozen=True)
class RosterEntry:
    """An external auditor as the rotation sees them: an id and the date of their last EAQA."""

    auditor_id: int
    last_eaqa_on: date | None


def eaqa_rotation(roster: Sequence[RosterEntry], count: int) -> tuple[int, ...]:
    """Return the ids of the ``count`` auditors next in rotation.

    Never-reviewed auditors come first, then those whose last EAQA is longest ago; ties go
    to the lower id so the choice is stable.
    """
    if count < 0:
        raise ValueError("count cannot be negative")
    ordered = sorted(
        roster,
        key=lambda e: (e.last_eaqa_on is not None, e.last_eaqa_on or date.min, e.auditor_id),
    )
    return tuple(entry.auditor_id for entry in ordered[:count])
