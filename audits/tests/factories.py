from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from auditors.tests.factories import AuditorFactory
from audits.choices import AuditStatus, AuditType
from audits.deadlines import audit_deadlines
from audits.models import Audit, AuditTool, Certificate, ElementScore, Extension, Submission
from cor_portal.program.periods import add_years
from employers.tests.factories import EmployerFactory


def default_tool() -> AuditTool:
    """Return the audit tool seeded by the migration (eight elements)."""
    return AuditTool.objects.order_by("pk").first()


class AuditFactory(factory.django.DjangoModelFactory):
    """An audit (planned unless ``status`` is given) with its due dates stored.

    Pass ``last_onsite_on`` for audits past onsite work; the dates are computed as the
    services would.
    """

    class Meta:
        model = Audit
        skip_postgeneration_save = True

    employer = factory.SubFactory(EmployerFactory)
    audit_type = AuditType.CERTIFICATION
    tool = factory.LazyFunction(default_tool)
    lead_auditor = factory.SubFactory(AuditorFactory)
    status = AuditStatus.PLANNED
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    last_onsite_on = None
    notice_due = factory.LazyAttribute(lambda a: audit_deadlines(a.starts_on).notice_due)
    onsite_due = factory.LazyAttribute(lambda a: audit_deadlines(a.starts_on).onsite_due)
    submission_due = factory.LazyAttribute(
        lambda a: audit_deadlines(a.starts_on, last_onsite_on=a.last_onsite_on).submission_due
    )
    final_due = factory.LazyAttribute(lambda a: audit_deadlines(a.starts_on).final_due)

    @factory.post_generation
    def scope(self, create, extracted, **kwargs):
        if not create:
            return
        self.scope.set(extracted or list(self.employer.classification_units.all()))


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    audit = factory.SubFactory(AuditFactory)
    number = 1


def score_all(submission: Submission, earned: str = "85", applicable: str = "100") -> None:
    """Score every element of the submission's tool with the same points."""
    for element in submission.audit.tool.elements.all():
        ElementScore.objects.update_or_create(
            submission=submission,
            element=element,
            defaults={"earned": Decimal(earned), "applicable": Decimal(applicable)},
        )


class CertificateFactory(factory.django.DjangoModelFactory):
    """A valid certificate from an approved certification audit, dated a year ago."""

    class Meta:
        model = Certificate
        skip_postgeneration_save = True

    audit = factory.SubFactory(
        AuditFactory,
        status=AuditStatus.APPROVED,
        starts_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400)),
        last_onsite_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365)),
        passed=True,
    )
    employer = factory.LazyAttribute(lambda c: c.audit.employer)
    number = factory.Sequence(lambda n: f"COR-TEST-{n:06d}")
    certified_on = factory.LazyAttribute(lambda c: c.audit.last_onsite_on)
    expires_on = factory.LazyAttribute(lambda c: add_years(c.certified_on, 3))

    @factory.post_generation
    def classification_units(self, create, extracted, **kwargs):
        if not create:
            return
        self.classification_units.set(extracted or list(self.audit.scope.all()))


class ExtensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Extension

    audit = factory.SubFactory(AuditFactory)
    days = 14
    reason = "The employer's safety manager was away."
    requested_on = factory.LazyFunction(timezone.localdate)
