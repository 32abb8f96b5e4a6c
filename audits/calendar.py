"""The private calendar feed (ICS) of a user's audit deadlines (DESIGN.md section 4, "Calendar").

Each running deadline (its clock still running, ``OPEN_FOR``) due from 30 days ago to a year
ahead is an all-day event whose UID is made of the audit, the deadline and the due date: the
same event on every fetch, and a new one when an extension moves the date. Calendar
applications fetch the feed without a session, so the unguessable token in its address (the
user's ``calendar_token``) is what identifies the user. A constant number of queries.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from icalendar import Calendar, Event

from cor_portal.accounts.choices import Role

from .choices import Deadline
from .models import OPEN_FOR, Audit

PAST_DAYS = 30
FUTURE_DAYS = 365


@dataclass(frozen=True)
class DeadlineEvent:
    """One running deadline of an audit, as a calendar shows it."""

    audit: Audit
    deadline: Deadline
    due_on: date

    @property
    def uid(self) -> str:
        host = urlsplit(settings.COR_SITE_URL).hostname or "cor-portal"
        return f"audit-{self.audit.pk}-{self.deadline.value}-{self.due_on:%Y%m%d}@{host}"

    @property
    def summary(self) -> str:
        return f"{self.deadline.label} due: {self.audit.employer}"


def user_for_token(token: str):
    """Return the active user whose calendar token this is, or None."""
    return get_user_model().objects.filter(calendar_token=token, is_active=True).first()


def calendar_audits(user) -> QuerySet[Audit]:
    """Return the audits whose deadlines go in the user's feed.

    Staff: every audit; an auditor: the audits they lead; an employer contact: its employer's
    audits; anyone else: none.
    """
    audits = Audit.objects.select_related("employer", "lead_auditor__user")
    if user.role == Role.STAFF:
        return audits
    if user.role == Role.AUDITOR:
        return audits.filter(lead_auditor__user=user)
    if user.role == Role.EMPLOYER:
        from employers.selectors import employer_id_for

        employer_id = employer_id_for(user)
        return audits.filter(employer_id=employer_id) if employer_id else audits.none()
    return audits.none()


def deadline_events(user, *, today: date) -> list[DeadlineEvent]:
    """Return the user's running deadlines due from 30 days ago to a year ahead, soonest first."""
    start, end = today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)
    window = Q()
    for deadline in Deadline:
        window |= Q(
            status__in=OPEN_FOR[deadline],
            **{f"{deadline.value}_due__gte": start, f"{deadline.value}_due__lte": end},
        )
    events = []
    for audit in calendar_audits(user).filter(window).order_by("pk"):
        for deadline in Deadline:
            due_on = audit.due(deadline)
            if audit.is_open(deadline) and due_on is not None and start <= due_on <= end:
                events.append(DeadlineEvent(audit, deadline, due_on))
    events.sort(key=lambda e: (e.due_on, e.audit.pk, list(Deadline).index(e.deadline)))
    return events


def build_feed(user, *, today: date, base_url: str) -> bytes:
    """Return the user's deadlines as an iCalendar document; links start with ``base_url``."""
    calendar = Calendar()
    calendar.add("prodid", "-//COR Portal//Audit deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"COR deadlines ({settings.COR_ASSOCIATION_NAME})")
    calendar.add("x-wr-caldesc", "Audit deadlines from the COR Portal. Private to you.")
    calendar.add("x-published-ttl", "PT6H")
    stamp = timezone.now().replace(microsecond=0)
    for item in deadline_events(user, today=today):
        audit = item.audit
        link = f"{base_url}{audit.get_absolute_url()}"
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", _stamp(audit, stamp))
        event.add("dtstart", item.due_on)
        event.add("dtend", item.due_on + timedelta(days=1))
        event.add("summary", item.summary)
        event.add(
            "description",
            f"{audit}\nLead auditor: {audit.lead_auditor}\n"
            f"Status: {audit.get_status_display()}\n{link}",
        )
        event.add("url", link)
        event.add("categories", ["COR"])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def _stamp(audit: Audit, fallback: datetime) -> datetime:
    """Return when the audit last changed (stable between fetches), in UTC."""
    return (audit.updated_at or fallback).astimezone(UTC).replace(microsecond=0)
