"""The automatic QA checks (audits/qa_checks.py): pure functions, boundaries included."""

from datetime import date
from decimal import Decimal

import pytest

from audits import qa_checks
from audits.qa_checks import SampleRule, minimum_interview_sample
from audits.scoring import ElementScore, score_audit

D = Decimal


def result(*percents: str):
    return score_audit(
        [ElementScore(f"E{n}", D(p), D("100")) for n, p in enumerate(percents, start=1)]
    )


def pass_marks(res):
    return qa_checks.check_pass_marks(res, overall_pass=D("80"), element_pass=D("50"))


def test_overall_79_99_fails_and_exactly_80_passes():
    # Two elements of 100 points: 159.98 / 200 = 79.99%; 160 / 200 = 80%.
    below = pass_marks(result("79.98", "80"))
    assert below.status == "fail"
    assert "79.99% overall is below 80%" in below.detail
    assert pass_marks(result("80", "80")).status == "pass"


def test_an_element_at_49_fails_and_at_50_passes():
    low = pass_marks(result("49", "100", "100", "100", "100"))
    assert low.status == "fail"
    assert low.detail == "below 50%: E1."
    assert pass_marks(result("50", "100", "100", "100", "100")).status == "pass"


def test_unscorable_scores_fail_with_the_reason():
    check = qa_checks.check_pass_marks(
        None, overall_pass=D("80"), element_pass=D("50"), problem="Nothing is applicable."
    )
    assert (check.status, check.detail) == ("fail", "Nothing is applicable.")


def test_every_missing_technique_is_named():
    check = qa_checks.check_techniques(documentation=True, observation=False, interviews=False)
    assert check.status == "fail"
    assert check.detail == "Missing: observation, interviews."
    all_three = qa_checks.check_techniques(documentation=True, observation=True, interviews=True)
    assert all_three.passed


@pytest.mark.parametrize(
    ("headcount", "minimum"),
    [(0, 0), (1, 1), (10, 10), (11, 10), (100, 10), (101, 11), (250, 25), (500, 50), (5000, 50)],
)
def test_minimum_interview_sample(headcount, minimum):
    assert minimum_interview_sample(headcount) == minimum


def test_sample_rule_numbers_are_settings():
    rule = SampleRule(interview_all_up_to=5, sample_percent=D("20"), sample_cap=30)
    assert minimum_interview_sample(5, rule) == 5
    assert minimum_interview_sample(26, rule) == 6  # 5.2 rounded up
    assert minimum_interview_sample(1000, rule) == 30
    with pytest.raises(TypeError):
        SampleRule(sample_percent=0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        minimum_interview_sample(-1)


def test_sample_against_headcount_boundary():
    at = qa_checks.check_interview_sample(interviewed=11, headcount=101)
    below = qa_checks.check_interview_sample(interviewed=10, headcount=101)
    assert at.status == "pass"
    assert below.status == "fail"
    assert below.detail == "10 interviewed of 101 employees (at least 11 needed)."
    missing = qa_checks.check_interview_sample(interviewed=None, headcount=101)
    assert missing.status == "fail"
    assert qa_checks.check_interview_sample(interviewed=3, headcount=None).status == "fail"


def test_late_by_one_day_fails_and_on_the_deadline_passes():
    due = date(2025, 5, 2)
    assert qa_checks.check_timing(submitted_on=due, due=due).status == "pass"
    late = qa_checks.check_timing(submitted_on=date(2025, 5, 3), due=due)
    assert late.status == "fail"
    assert late.detail == "Submitted 2025-05-03, 1 day after 2025-05-02."
