"""R-10: scoring an audit from its elements' points (pure rules, no database)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audits.scoring import AuditResult, ElementScore, element_percent, score_audit

ELEMENTS = [
    "Management & Leadership Commitment",
    "Hazard Identification & Control",
    "Safe Work Procedures",
    "Inspections",
    "Investigation of Incidents",
    "Training",
    "Program Administration",
    "Joint OHS Committee",
]


def points(*earned: str, applicable: str = "100") -> list[ElementScore]:
    """Return the eight elements with these earned points, each out of ``applicable``."""
    return [
        ElementScore(name, Decimal(e), Decimal(applicable))
        for name, e in zip(ELEMENTS, earned, strict=True)
    ]


# T8 and the pass marks ----------------------------------------------------------------------


def test_overall_82_with_an_element_at_45_fails():
    result = score_audit(points("45", "87", "87", "87", "87", "87", "87", "89"))

    assert result.overall_percent == Decimal("82")
    assert result.passed is False
    assert result.failing_elements == ("Management & Leadership Commitment",)


def test_exactly_80_with_every_element_at_50_or_more_passes():
    result = score_audit(points("50", "90", "90", "90", "90", "50", "90", "90"))

    assert result.overall_percent == Decimal("80")
    assert result == AuditResult(Decimal("80"), True, ())


@pytest.mark.parametrize(
    ("earned", "applicable", "overall"),
    [
        ("159.9", "200", "79.95"),
        ("15999", "20000", "79.995"),
        ("7999999", "10000000", "79.99999"),
    ],
)
def test_just_below_80_fails_on_the_exact_value(earned, applicable, overall):
    result = score_audit([ElementScore("All elements", Decimal(earned), Decimal(applicable))])

    assert result.overall_percent == Decimal(overall)
    assert result.passed is False
    assert result.failing_elements == ()  # no element below 50: the overall mark fails it


def test_an_element_at_exactly_50_passes_and_at_49_99_fails():
    at_50 = score_audit(points("50", "95", "95", "95", "95", "95", "95", "95"))
    below = score_audit(points("49.99", "95", "95", "95", "95", "95", "95", "95"))

    assert at_50.passed is True
    assert below.passed is False
    assert below.failing_elements == ("Management & Leadership Commitment",)


def test_failing_elements_are_named_in_input_order():
    elements = points("90", "40", "90", "10", "90", "49", "90", "90")

    result = score_audit(list(reversed(elements)))

    assert result.failing_elements == (
        "Training",
        "Inspections",
        "Hazard Identification & Control",
    )


def test_element_percent_is_earned_over_applicable():
    assert element_percent(ElementScore("Training", Decimal("17"), Decimal("20"))) == Decimal("85")


# What counts ----------------------------------------------------------------------------------


def test_elements_with_nothing_applicable_are_left_out():
    elements = [
        ElementScore("Joint OHS Committee", Decimal("0"), Decimal("0")),  # a small employer
        ElementScore("Training", Decimal("80"), Decimal("100")),
    ]

    result = score_audit(elements)

    assert result == AuditResult(Decimal("80"), True, ())


def test_questions_that_do_not_apply_leave_the_denominator():
    # 34 of 40 applicable points (the other 60 do not apply): 85%, not 34%.
    result = score_audit([ElementScore("Inspections", Decimal("34"), Decimal("40"))])

    assert result.overall_percent == Decimal("85")


def test_overall_is_total_earned_over_total_applicable_not_the_mean_of_elements():
    elements = [
        ElementScore("Training", Decimal("10"), Decimal("10")),  # 100%
        ElementScore("Inspections", Decimal("60"), Decimal("100")),  # 60%
    ]

    # 70 / 110 = 63.63..., where the mean of the elements would be 80.
    assert score_audit(elements).overall_percent == Decimal(70) / Decimal(110) * 100


def test_overall_percent_is_exact_and_unrounded():
    result = score_audit([ElementScore("Training", Decimal("2"), Decimal("3"))])

    assert result.overall_percent == Decimal(2) / Decimal(3) * Decimal(100)
    assert result.overall_percent != Decimal("66.67")
    assert result.overall_percent.quantize(Decimal("0.01")) == Decimal("66.67")
    assert isinstance(result.overall_percent, Decimal)


def test_custom_pass_marks_for_maintenance_audits():
    elements = points("45", "65", "65", "65", "65", "65", "65", "65")  # 62.5%, one at 45%

    default = score_audit(elements)
    lenient = score_audit(elements, overall_pass=Decimal("60"), element_pass=Decimal("40"))
    strict = score_audit(elements, overall_pass=Decimal("60"), element_pass=Decimal("50"))

    assert default.passed is False
    assert lenient == AuditResult(Decimal("62.5"), True, ())
    assert strict.passed is False
    assert strict.failing_elements == ("Management & Leadership Commitment",)


# Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "elements",
    [
        [],
        [ElementScore("Training", Decimal("0"), Decimal("0"))],
        [ElementScore("a", Decimal("0"), Decimal("0")), ElementScore("b", Decimal(0), Decimal(0))],
    ],
)
def test_nothing_applicable_is_refused(elements):
    with pytest.raises(ValueError, match="no element has applicable points"):
        score_audit(elements)


@pytest.mark.parametrize(
    ("earned", "applicable", "message"),
    [
        ("-1", "10", "cannot be negative"),
        ("-0.01", "0", "cannot be negative"),
        ("10.01", "10", "cannot exceed"),
        ("1", "0", "cannot exceed"),
        ("0", "-5", "cannot be negative"),
    ],
)
def test_points_out_of_range_are_refused(earned, applicable, message):
    elements = [
        ElementScore("Training", Decimal("8"), Decimal("10")),
        ElementScore("Inspections", Decimal(earned), Decimal(applicable)),
    ]

    with pytest.raises(ValueError, match=message) as caught:
        score_audit(elements)
    assert "Inspections" in str(caught.value)


@pytest.mark.parametrize(
    "element",
    [
        ElementScore("Training", 8.0, Decimal("10")),  # type: ignore[arg-type]
        ElementScore("Training", Decimal("8"), 10.0),  # type: ignore[arg-type]
    ],
)
def test_float_points_are_refused(element):
    with pytest.raises(TypeError, match="float"):
        score_audit([element])


@pytest.mark.parametrize("mark", ["overall_pass", "element_pass"])
def test_float_pass_marks_are_refused(mark):
    elements = [ElementScore("Training", Decimal("8"), Decimal("10"))]

    with pytest.raises(TypeError, match="float"):
        score_audit(elements, **{mark: 80.0})


def test_results_are_frozen():
    result = score_audit(points("90", "90", "90", "90", "90", "90", "90", "90"))

    with pytest.raises(AttributeError):
        result.passed = False  # type: ignore[misc]


# Properties -----------------------------------------------------------------------------------

cents = st.integers(min_value=0, max_value=100_000)


@st.composite
def element(draw, name: str = "Element") -> ElementScore:
    """Draw an element's points with two decimal places: 0 <= earned <= applicable."""
    applicable = draw(cents)
    earned = draw(st.integers(min_value=0, max_value=applicable))
    return ElementScore(name, Decimal(earned).scaleb(-2), Decimal(applicable).scaleb(-2))


@st.composite
def scored_elements(draw, min_size: int = 1) -> list[ElementScore]:
    """Draw up to eight named elements, at least one with applicable points."""
    count = draw(st.integers(min_value=min_size, max_value=8))
    elements = [draw(element(ELEMENTS[i])) for i in range(count)]
    if all(e.applicable == 0 for e in elements):
        elements[0] = ElementScore(elements[0].name, Decimal("1"), Decimal("1"))
    return elements


marks = st.sampled_from([Decimal("80"), Decimal("60"), Decimal("79.995"), Decimal("100")])


@given(scored_elements(), marks, st.sampled_from([Decimal("50"), Decimal("40"), Decimal("0")]))
def test_passed_exactly_when_overall_and_every_element_meet_the_marks(elements, overall, each):
    result = score_audit(elements, overall_pass=overall, element_pass=each)

    counted = [e for e in elements if e.applicable > 0]
    meets = result.overall_percent >= overall and all(element_percent(e) >= each for e in counted)
    assert result.passed == meets
    assert result.failing_elements == tuple(e.name for e in counted if element_percent(e) < each)


@given(scored_elements())
def test_a_pass_means_overall_80_or_more_and_every_element_50_or_more(elements):
    result = score_audit(elements)

    if result.passed:
        assert result.overall_percent >= 80
        assert all(e.earned * 2 >= e.applicable for e in elements)


@given(scored_elements())
def test_overall_lies_between_the_weakest_and_strongest_element(elements):
    result = score_audit(elements)

    percents = [element_percent(e) for e in elements if e.applicable > 0]
    assert 0 <= result.overall_percent <= 100
    # A weighted mean of the element percents (Decimal's 28 digits leave a last-digit error).
    tolerance = Decimal("1e-20")
    assert min(percents) - tolerance <= result.overall_percent <= max(percents) + tolerance


@given(scored_elements(), st.integers(min_value=0, max_value=8), st.text(max_size=20))
def test_adding_an_element_with_nothing_applicable_changes_nothing(elements, at, name):
    position = min(at, len(elements))
    padded = [*elements[:position], ElementScore(name, Decimal("0"), Decimal("0"))]
    padded += elements[position:]

    assert score_audit(padded) == score_audit(elements)


@given(scored_elements(min_size=2))
def test_removing_an_element_with_nothing_applicable_changes_nothing(elements):
    elements[-1] = ElementScore(elements[-1].name, Decimal("0"), Decimal("0"))
    if all(e.applicable == 0 for e in elements):
        return

    assert score_audit(elements[:-1]) == score_audit(elements)
