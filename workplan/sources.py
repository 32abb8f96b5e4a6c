"""The fixed, explicit set of sources a computed KPI may name (R-22).

A plain mapping: source key -> its label, its unit and how it is measured for a period
(``start`` and ``end`` inclusive). A measure is the record sets to count, each from a selector
of the app that owns the records (the workplan reads them only here), and how the value follows
from their counts: the count itself, or a rate of two counts.

Counting is lazy so that many measures are read together: ``compute_many`` counts every record
set of every source and period it is given in one SQL statement, so a page of KPIs or the
dashboard's quarterly trend costs one query whatever the number of sources.
"""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from auditors import selectors as auditor_selectors
from auditors.choices import AuditorKind, CourseKind
from audits import selectors as audit_selectors
from cor_portal import counting
from employers import selectors as employer_selectors
from employers.choices import InteractionKind

Value = int | Decimal | None
Period = tuple[str, date, date]  # (source key, start, end)


def _the_count(count: int) -> Value:
    return count


@dataclass(frozen=True)
class Measure:
    """The record sets a source counts for a period, and its value from their counts."""

    querysets: tuple[QuerySet[Any], ...]
    value: Callable[..., Value] = _the_count


Measurer = Callable[..., Measure]


@dataclass(frozen=True)
class Source:
    label: str
    unit: str  # "count" or "percent" (a percent is a rate: it is not pro-rated over the year)
    measure: Measurer


def _counting(records: Callable[..., QuerySet[Any]], **fixed: Any) -> Measurer:
    """Return a measure that counts the records a selector returns for the period."""

    def measure(*, start: date, end: date) -> Measure:
        return Measure((records(start=start, end=end, **fixed),))

    return measure


def _retention(*, start: date, end: date) -> Measure:
    return Measure(
        (
            employer_selectors.retention_base(start=start, end=end),
            employer_selectors.retention_lost(start=start, end=end),
        ),
        employer_selectors.retention_percent,
    )


def _qa_coverage(*, start: date, end: date) -> Measure:
    return Measure(
        (
            audit_selectors.first_submitted(start=start, end=end),
            audit_selectors.first_submitted_reviewed(start=start, end=end),
        ),
        audit_selectors.coverage_percent,
    )


def _completions(course_code: str) -> Measurer:
    return _counting(auditor_selectors.completions_of, course_code=course_code)


def _interactions(kind: str) -> Measurer:
    return _counting(employer_selectors.interactions_of_kind, kind=kind)


SOURCES: dict[str, Source] = {
    "new_registrations": Source(
        "New COR registrations", "count", _counting(employer_selectors.first_registrations)
    ),
    "new_certifications": Source(
        "New COR certifications", "count", _counting(audit_selectors.certifications_issued)
    ),
    "gap_analyses_completed": Source(
        "Gap analyses completed", "count", _counting(employer_selectors.completed_gap_analyses)
    ),
    "certified_retention": Source("Certified employer retention (%)", "percent", _retention),
    "completions_hs_orientation": Source(
        "Health & Safety Orientation completions", "count", _completions("hs-orientation")
    ),
    "completions_ohs_fundamentals": Source(
        "OHS Program Fundamentals completions", "count", _completions("ohs-fundamentals")
    ),
    "completions_safety_basics": Source(
        "Safety Basics Assessment Tool completions", "count", _completions("safety-basics")
    ),
    "internal_training_sessions": Source(
        "Internal auditor training sessions",
        "count",
        _counting(auditor_selectors.sessions_held, kind=CourseKind.INTERNAL_AUDITOR),
    ),
    "internal_training_students": Source(
        "Internal auditor training students",
        "count",
        _counting(auditor_selectors.students_attended, kind=CourseKind.INTERNAL_AUDITOR),
    ),
    "internal_auditors_certified": Source(
        "Internal auditors certified or recertified",
        "count",
        _counting(auditor_selectors.certified_auditors, kind=AuditorKind.INTERNAL),
    ),
    "auditor_update_sessions": Source(
        "Auditor update sessions",
        "count",
        _counting(auditor_selectors.sessions_held, kind=CourseKind.UPDATE_SESSION),
    ),
    "external_declarations": Source(
        "External auditor annual declarations",
        "count",
        _counting(auditor_selectors.filed_declarations, kind=AuditorKind.EXTERNAL),
    ),
    "qa_coverage": Source("Audits QA'd (%)", "percent", _qa_coverage),
    "wivas": Source("WIVAs", "count", _counting(audit_selectors.wivas_opened)),
    "eaqas": Source("EAQAs conducted", "count", _counting(auditor_selectors.eaqas_done)),
    "enquiries": Source("Enquiries about COR", "count", _interactions(InteractionKind.ENQUIRY)),
    "biosphere_engagements": Source(
        "Biosphere engagements", "count", _interactions(InteractionKind.BIOSPHERE)
    ),
    "consultations": Source(
        "Health and safety consultations", "count", _interactions(InteractionKind.CONSULTATION)
    ),
}

SOURCE_CHOICES = [(key, source.label) for key, source in SOURCES.items()]


@functools.lru_cache(maxsize=1024)
def _measured(
    key: str, start: date, end: date
) -> tuple[tuple[counting.Part, ...], Callable[..., Value]]:
    """Return a source's counting SQL for a period and how its value follows from the counts.

    A measure is its selectors' querysets, which depend on nothing but the period: the SQL
    is built once per period and process, not on every page (building and compiling the
    querysets of a workplan's KPIs was a fifth of the KPI list and of the dashboard).
    """
    measure = SOURCES[key].measure(start=start, end=end)
    return tuple(counting.counting_sql(q) for q in measure.querysets), measure.value


def compute_many(periods: Iterable[Period]) -> dict[Period, Value]:
    """Return each (source, start, end)'s value, every one read by a single SQL statement."""
    measured = {period: _measured(*period) for period in dict.fromkeys(periods)}
    every_part = [part for parts, _value in measured.values() for part in parts]
    counts = iter(counting.count_parts(every_part))
    return {
        period: value(*[next(counts) for _ in parts]) for period, (parts, value) in measured.items()
    }


def compute(key: str, *, start: date, end: date) -> Value:
    """Return a source's value for the period; None when it has no data."""
    return compute_many([(key, start, end)])[(key, start, end)]
