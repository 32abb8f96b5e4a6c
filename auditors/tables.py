"""Tables of the auditor register's lists."""

from datetime import date
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cor_portal.ui.columns import DateColumn
from cor_portal.ui.templatetags.portal import status_tag

from .choices import AuditorStatus
from .models import Auditor, Course, CourseCompletion, TrainingSession
from .selectors import Certification, certification_countdown


def countdown_html(countdown: Certification | None) -> SafeString:
    """Return the date and a countdown tag (colour and words, the date again on hover)."""
    if countdown is None:
        return format_html("{}", "—")
    return format_html(
        '{} <span title="{}">{}</span>',
        countdown.expires_on.isoformat(),
        _("Expires on %(date)s") % {"date": countdown.expires_on.isoformat()},
        status_tag(countdown.state, countdown.label),
    )


def expiry_html(auditor: Auditor, *, today: date, warning_days: int) -> SafeString:
    """Return the expiry date with its countdown: green, amber within the window, red expired.

    Only a certified auditor has a standing to keep, so others show the date alone (and
    the red tag once it has passed).
    """
    countdown = certification_countdown(auditor, today=today, warning_days=warning_days)
    if countdown is None:
        return countdown_html(None)
    if auditor.status != AuditorStatus.CERTIFIED and countdown.state != "expired":
        return format_html("{}", countdown.expires_on.isoformat())
    return countdown_html(countdown)


class AuditorTable(tables.Table):
    """The staff roster: who, kind, standing, certification and the regions they serve."""

    name = tables.Column(
        verbose_name=gettext_lazy("Name"),
        accessor="pk",
        order_by=("user__last_name", "user__first_name"),
    )
    email = tables.Column(verbose_name=gettext_lazy("Email"), accessor="user__email", visible=False)
    kind = tables.Column()
    organization = tables.Column(
        verbose_name=gettext_lazy("Employer or company"),
        accessor="pk",
        orderable=False,
    )
    status = tables.Column()
    certification_number = tables.Column(verbose_name=gettext_lazy("Certification no."))
    expires_on = tables.Column(verbose_name=gettext_lazy("Expires on"))
    regions = tables.Column(
        verbose_name=gettext_lazy("Regions served"), accessor="pk", orderable=False
    )

    class Meta:
        model = Auditor
        fields = [
            "name",
            "email",
            "kind",
            "organization",
            "status",
            "certification_number",
            "expires_on",
            "regions",
        ]
        order_by = ["name"]
        attrs = {"class": "table table-hover align-middle"}

    def __init__(self, *args: Any, today: date, warning_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.warning_days = warning_days

    def render_name(self, record: Auditor) -> SafeString:
        return format_html(
            '<a href="{}">{}</a><br><small class="text-body-secondary">{}</small>',
            reverse("auditors:detail", args=[record.pk]),
            record.name,
            record.email,
        )

    def render_organization(self, record: Auditor) -> str:
        return str(record.employer) if record.employer else record.company or "—"

    def render_status(self, value: str, record: Auditor) -> str:
        return status_tag(record.status, value)

    def render_expires_on(self, value: date, record: Auditor) -> SafeString:
        return expiry_html(record, today=self.today, warning_days=self.warning_days)

    def render_regions(self, record: Auditor) -> SafeString:
        return format_html_join(
            " ",
            "<span class='badge text-bg-light border'>{}</span>",
            ((area.get_region_display(),) for area in record.regions.all()),
        )

    # Exports hold the words and dates, not the tags' HTML.
    def value_name(self, record: Auditor) -> str:
        return record.name

    def value_status(self, value: str) -> str:
        return value

    def value_expires_on(self, value: date) -> str:
        return value.isoformat()

    def value_regions(self, record: Auditor) -> str:
        return "; ".join(area.get_region_display() for area in record.regions.all())


# Training -----------------------------------------------------------------------------------


class CourseTable(tables.Table):
    name = tables.Column(
        verbose_name=gettext_lazy("Course"), linkify=("auditors:course-update", [tables.A("pk")])
    )
    code = tables.Column()
    kind = tables.Column()
    online = tables.BooleanColumn(verbose_name=gettext_lazy("Online"))
    active = tables.Column(verbose_name=gettext_lazy("Offered"))
    session_count = tables.Column(verbose_name=gettext_lazy("Sessions"))
    completion_count = tables.Column(verbose_name=gettext_lazy("Completions"))

    class Meta:
        model = Course
        fields = ["name", "code", "kind", "online", "active", "session_count", "completion_count"]
        order_by = ["name"]
        attrs = {"class": "table table-hover align-middle"}

    def render_active(self, value: bool) -> str:
        if value:
            return status_tag("offered", _("Offered"))
        return status_tag("withdrawn", _("No longer offered"))

    def value_active(self, value: bool) -> str:
        return _("yes") if value else _("no")


class TrainingSessionTable(tables.Table):
    starts_on = tables.Column(verbose_name=gettext_lazy("Date"))
    course = tables.Column(accessor="course__name", verbose_name=gettext_lazy("Course"))
    place = tables.Column(
        verbose_name=gettext_lazy("Place"),
        accessor="location",
        order_by=("online", "location"),
        empty_values=(),
    )
    seats = tables.Column(
        verbose_name=gettext_lazy("Seats taken"),
        accessor="enrolled_count",
        order_by=("enrolled_count",),
    )
    instructor = tables.Column()
    edit = tables.LinkColumn(
        "auditors:session-update",
        args=[tables.A("pk")],
        text=gettext_lazy("Edit"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = TrainingSession
        fields = ["starts_on", "course", "place", "seats", "instructor"]
        attrs = {"class": "table table-hover align-middle"}

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or date.today()

    def render_starts_on(self, value: date, record: TrainingSession) -> SafeString:
        dates = format_html('<span class="text-nowrap">{}</span>', value.isoformat())
        if record.ends_on and record.ends_on != value:
            last = format_html('<span class="text-nowrap">{}</span>', record.ends_on.isoformat())
            dates = format_html("{} {} {}", dates, _("to"), last)
        if value >= self.today:
            when = status_tag("upcoming", _("Upcoming"))
        else:
            when = status_tag("past", _("Past"))
        return format_html('<a href="{}">{}</a><br>{}', record.get_absolute_url(), dates, when)

    def render_place(self, value: str, record: TrainingSession) -> str:
        return _("Online") if record.online else value

    def render_seats(self, value: int, record: TrainingSession) -> SafeString:
        taken = _("%(taken)s of %(capacity)s") % {"taken": value, "capacity": record.capacity}
        if value >= record.capacity:
            return format_html("{} {}", taken, status_tag("full", _("Full")))
        return format_html("{}", taken)

    # Exports hold the words, not the tags' HTML.
    def value_starts_on(self, value: date) -> str:
        return value.isoformat()

    def value_seats(self, value: int, record: TrainingSession) -> str:
        return _("%(taken)s of %(capacity)s") % {"taken": value, "capacity": record.capacity}


# Short words for a narrow column; the export keeps the full labels.
SOURCE_SHORT = {
    "session": gettext_lazy("Session"),
    "lms": gettext_lazy("LMS"),
    "manual": gettext_lazy("Staff"),
}


class CourseCompletionTable(tables.Table):
    completed_on = DateColumn(verbose_name=gettext_lazy("Completed"))
    name = tables.Column(verbose_name=gettext_lazy("Person"))
    email = tables.EmailColumn()
    course = tables.Column(accessor="course__name", verbose_name=gettext_lazy("Course"))
    employer = tables.Column(linkify=True)
    auditor = tables.Column(linkify=True, order_by=("auditor__user__last_name",))
    source = tables.Column()

    class Meta:
        model = CourseCompletion
        fields = ["completed_on", "name", "email", "course", "employer", "auditor", "source"]
        attrs = {"class": "table table-hover align-middle"}

    def render_source(self, value: str, record: CourseCompletion) -> str:
        return str(SOURCE_SHORT.get(record.source, value))

    def value_completed_on(self, value: date) -> str:
        return value.isoformat()
