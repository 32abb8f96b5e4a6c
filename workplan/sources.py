"""The fixed, explicit set of sources a computed KPI may name (R-22).

A plain mapping: source key -> its label, its unit and the one selector that computes it for
a period (``start`` and ``end`` inclusive). Every selector belongs to the app that owns the
records; the workplan reads them only here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from auditors import selectors as auditor_selectors
from auditors.choices import AuditorKind, CourseKind
from audits import selectors as audit_selectors
from employers import selectors as employer_selectors
from employers.choices import InteractionKind

Value = int | Decimal | None
Selector = Callable[..., Value]


@dataclass(frozen=True)
class Source:
    label: str
    unit: str  # "count" or "percent" (a percent is a rate: it is not pro-rated over the year)
    selector: Selector


def _completions(course_code: str) -> Selector:
    def completions(*, start: date, end: date) -> int:
        return auditor_selectors.course_completions(course_code=course_code, start=start, end=end)

    return completions


def _interactions(kind: str) -> Selector:
    def interactions(*, start: date, end: date) -> int:
        return employer_selectors.interactions_count(start=start, end=end, kind=kind)

    return interactions


def _auditor_update_sessions(*, start: date, end: date) -> int:
    return auditor_selectors.training_sessions_held(
        start=start, end=end, kind=CourseKind.UPDATE_SESSION
    )


def _internal_auditors_certified(*, start: date, end: date) -> int:
    return auditor_selectors.auditors_certified(start=start, end=end, kind=AuditorKind.INTERNAL)


def _external_declarations(*, start: date, end: date) -> int:
    return auditor_selectors.declarations_filed(start=start, end=end, kind=AuditorKind.EXTERNAL)


def _internal_training_sessions(*, start: date, end: date) -> int:
    return auditor_selectors.training_sessions_held(
        start=start, end=end, kind=CourseKind.INTERNAL_AUDITOR
    )


def _internal_training_students(*, start: date, end: date) -> int:
    return auditor_selectors.students_trained(
        start=start, end=end, kind=CourseKind.INTERNAL_AUDITOR
    )


SOURCES: dict[str, Source] = {
    "new_registrations": Source(
        "New COR registrations", "count", employer_selectors.new_registrations
    ),
    "new_certifications": Source(
        "New COR certifications", "count", audit_selectors.new_certifications
    ),
    "gap_analyses_completed": Source(
        "Gap analyses completed", "count", employer_selectors.gap_analyses_completed
    ),
    "certified_retention": Source(
        "Certified employer retention (%)", "percent", employer_selectors.certified_retention
    ),
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
        "Internal auditor training sessions", "count", _internal_training_sessions
    ),
    "internal_training_students": Source(
        "Internal auditor training students", "count", _internal_training_students
    ),
    "internal_auditors_certified": Source(
        "Internal auditors certified or recertified", "count", _internal_auditors_certified
    ),
    "auditor_update_sessions": Source("Auditor update sessions", "count", _auditor_update_sessions),
    "external_declarations": Source(
        "External auditor annual declarations", "count", _external_declarations
    ),
    "qa_coverage": Source("Audits QA'd (%)", "percent", audit_selectors.qa_coverage),
    "wivas": Source("WIVAs", "count", audit_selectors.wiva_count),
    "eaqas": Source("EAQAs conducted", "count", auditor_selectors.eaqas_conducted),
    "enquiries": Source("Enquiries about COR", "count", _interactions(InteractionKind.ENQUIRY)),
    "biosphere_engagements": Source(
        "Biosphere engagements", "count", _interactions(InteractionKind.BIOSPHERE)
    ),
    "consultations": Source(
        "Health and safety consultations", "count", _interactions(InteractionKind.CONSULTATION)
    ),
}

SOURCE_CHOICES = [(key, source.label) for key, source in SOURCES.items()]


def compute(key: str, *, start: date, end: date) -> Value:
    """Return a source's value for the period; None when it has no data."""
    return SOURCES[key].selector(start=start, end=end)
