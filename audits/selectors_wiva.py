"""Reads of WIVA cases (R-14): the staff list and one case's step timeline."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Min, OuterRef, QuerySet

from cor_portal.counting import per_row

from .choices import WivaStatus, WivaStep
from .models import WivaCase, WivaStepRecord


def case_list(cases: QuerySet[WivaCase] | None = None) -> QuerySet[WivaCase]:
    """Return cases with what a list row shows, in one query: employer, auditor, step dates.

    ``steps_done`` counts the recorded steps, ``opened_on`` is the date of the first
    (notify the employer), ``last_step_on`` the latest date.
    """
    cases = WivaCase.objects.all() if cases is None else cases
    steps = WivaStepRecord.objects.filter(case=OuterRef("pk"))
    return cases.select_related("employer", "audit__lead_auditor__user").annotate(
        steps_done=per_row(steps, Count("pk"), outer="case"),
        opened_on=per_row(
            steps.filter(step=WivaStep.NOTIFY_EMPLOYER), Min("done_on"), outer="case"
        ),
        last_step_on=per_row(steps, Max("done_on"), outer="case"),
    )


def next_step_label(case: WivaCase) -> str:
    """Return the name of the case's next step from its annotated ``steps_done``."""
    if case.status != WivaStatus.OPEN:
        return ""
    done = getattr(case, "steps_done", None)
    if done is None:
        done = case.steps.count()
    return str(WivaStep(done + 1).label) if done < len(WivaStep) else ""


@dataclass(frozen=True)
class TimelineStep:
    """One of the six steps on a case's page: done (with its record) or still to do."""

    step: WivaStep
    record: WivaStepRecord | None
    is_next: bool

    @property
    def done(self) -> bool:
        return self.record is not None


def timeline(case: WivaCase) -> list[TimelineStep]:
    """Return the six steps in order, each with its record if done; the next one marked."""
    records = {r.step: r for r in case.steps.select_related("actor")}
    open_case = case.status == WivaStatus.OPEN
    next_value = next((s.value for s in WivaStep if s.value not in records), None)
    return [
        TimelineStep(
            step=step,
            record=records.get(step.value),
            is_next=open_case and step.value == next_value,
        )
        for step in WivaStep
    ]


def step_dates(case: WivaCase) -> dict[int, date]:
    """Return the dates of the case's done steps by step number."""
    return dict(case.steps.values_list("step", "done_on"))
