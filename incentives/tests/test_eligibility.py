"""R-17, R-18: the pure decision of a year's eligibility."""

import pytest

from incentives.eligibility import DEFERRED, ELIGIBLE, INELIGIBLE, Decision, decide


def test_certified_with_approved_audit_is_eligible():
    result = decide(certified_units=2, audit_approved=True)
    assert result.status == ELIGIBLE
    assert result.eligible
    assert result.reasons == ()


def test_no_certified_unit_is_ineligible():
    assert decide(certified_units=0, audit_approved=True).status == INELIGIBLE


def test_audit_not_approved_is_ineligible_or_deferred_while_open():
    assert decide(certified_units=1, audit_approved=False).status == INELIGIBLE
    result = decide(certified_units=1, audit_approved=False, audit_pending=True)
    assert result.status == DEFERRED
    assert result.reasons == ("The year's audit is not decided yet.",)


def test_exclusions_make_it_ineligible_with_the_reasons():
    result = decide(certified_units=1, audit_approved=True, exclusions=("Penalty", "Balance"))
    assert result.status == INELIGIBLE
    assert result.reasons == ("Penalty", "Balance")


def test_a_pending_appeal_defers_even_with_exclusions():
    result = decide(
        certified_units=1, audit_approved=True, exclusions=("Penalty",), appeal_pending=True
    )
    assert result.status == DEFERRED
    assert result.reasons == ("An appeal is pending.",)


def test_a_staff_decision_stands_over_appeals_and_exclusions():
    won = decide(
        certified_units=1,
        audit_approved=True,
        exclusions=("Penalty",),
        appeal_pending=True,
        decision=Decision(ELIGIBLE, "Appeal allowed"),
    )
    assert won.status == ELIGIBLE
    assert won.reasons == ("Staff decision: Appeal allowed",)
    lost = decide(certified_units=1, audit_approved=True, decision=Decision(INELIGIBLE, "Late"))
    assert lost.status == INELIGIBLE


def test_missing_figures_defer():
    result = decide(certified_units=1, audit_approved=True, missing_figures=("No payroll",))
    assert result.status == DEFERRED
    assert result.reasons == ("No payroll",)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="negative"):
        decide(certified_units=-1, audit_approved=True)
    with pytest.raises(ValueError, match="unknown decision"):
        decide(certified_units=1, audit_approved=True, decision=Decision("maybe", "?"))
