from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from auditors.choices import AuditorKind, AuditorStatus, CourseKind
from auditors.models import (
    EAQA,
    AnnualDeclaration,
    Auditor,
    ConsultingEngagement,
    Course,
    CPDActivity,
    Enrolment,
    TrainingSession,
)
from cor_portal.accounts.choices import Role
from cor_portal.accounts.tests.factories import UserFactory
from cor_portal.program.periods import add_years


class AuditorFactory(factory.django.DjangoModelFactory):
    """A certified external auditor, valid from a year ago for three years.

    Pass ``user=`` to make the auditor record of an existing login (role auditor).
    """

    class Meta:
        model = Auditor
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=Role.AUDITOR)
    kind = AuditorKind.EXTERNAL
    employer = None
    status = AuditorStatus.CERTIFIED
    certification_number = factory.Sequence(lambda n: f"EXT-{n:05d}")
    certified_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))
    expires_on = factory.LazyAttribute(
        lambda a: add_years(a.certified_on, 3) if a.certified_on else None
    )


def declared(auditor: Auditor, year: int | None = None) -> AnnualDeclaration:
    """Return a filed declaration of the auditor for the year (this year by default)."""
    return AnnualDeclaration.objects.create(
        auditor=auditor,
        year=year or timezone.localdate().year,
        cpd_hours=Decimal("12.5"),
        follows_code_of_ethics=True,
        independent=True,
        information_accurate=True,
        submitted_on=timezone.localdate(),
    )


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"course-{n}")
    name = factory.Sequence(lambda n: f"Course {n}")
    kind = CourseKind.INTERNAL_AUDITOR


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    course = factory.SubFactory(CourseFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    location = "Kelowna"
    capacity = 12


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(TrainingSessionFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"student{n}@example.org")
    enrolled_on = factory.LazyFunction(timezone.localdate)


class CPDActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CPDActivity

    auditor = factory.SubFactory(AuditorFactory)
    activity = "Auditor update webinar"
    kind = "conference"
    done_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    hours = Decimal("2.5")


class ConsultingEngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultingEngagement

    auditor = factory.SubFactory(AuditorFactory)
    employer = factory.SubFactory("employers.tests.factories.EmployerFactory")
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=600))
    ended_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=500))
    description = "Helped write the safety manual"
    source = "staff"


class EAQAFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EAQA

    auditor = factory.SubFactory(AuditorFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    planned_on = factory.LazyFunction(timezone.localdate)
