"""R-10: scoring an audit from its elements' points (pure; Decimal only, exact percents)."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class ElementScore:
    """An element's points: earned out of applicable (questions that do not apply are out)."""

    name: str
    earned: Decimal
    applicable: Decimal


@dataclass(frozen=True)
class AuditResult:
    """The result: the exact overall percent (round only for display), pass, failing elements."""

    overall_percent: Decimal
    passed: bool
    failing_elements: tuple[str, ...]


def _decimal(value: object, what: str) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"{what} must be a Decimal, not a float")
    if not isinstance(value, Decimal):
        raise TypeError(f"{what} must be a Decimal")
    return value


def element_percent(element: ElementScore) -> Decimal:
    """Return the element's exact percent: earned / applicable x 100."""
    return _decimal(element.earned, "earned") / _decimal(element.applicable, "applicable") * HUNDRED


def score_audit(
    elements: Sequence[ElementScore],
    *,
    overall_pass: Decimal = Decimal("80"),
    element_pass: Decimal = Decimal("50"),
) -> AuditResult:
    """Return the audit's result.

    Element % = earned / applicable; overall % = total earned / total applicable, exact and
    unrounded. Passed when overall >= overall_pass and no element is below element_pass (on
    the exact value: 79.995 fails). Elements with nothing applicable are left out.
    ValueError when nothing is applicable, or earned is negative or above applicable.
    """
    _decimal(overall_pass, "overall_pass")
    _decimal(element_pass, "element_pass")
    counted = []
    for element in elements:
        earned = _decimal(element.earned, f"{element.name}: earned")
        applicable = _decimal(element.applicable, f"{element.name}: applicable")
        if applicable < 0:
            raise ValueError(f"{element.name}: applicable points cannot be negative")
        if earned < 0:
            raise ValueError(f"{element.name}: earned points cannot be negative")
        if earned > applicable:
            raise ValueError(f"{element.name}: earned points cannot exceed applicable points")
        if applicable > 0:
            counted.append(element)
    if not counted:
        raise ValueError("no element has applicable points")
    total_earned = sum((e.earned for e in counted), Decimal("0"))
    total_applicable = sum((e.applicable for e in counted), Decimal("0"))
    overall = total_earned / total_applicable * HUNDRED
    failing = tuple(e.name for e in counted if element_percent(e) < element_pass)
    return AuditResult(
        overall_percent=overall,
        passed=overall >= overall_pass and not failing,
        failing_elements=failing,
    )
