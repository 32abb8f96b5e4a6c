"""Invitations to the portal, and every deactivation or reactivation of a login."""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cor_portal.accounts.choices import Role
from employers.choices import Region, Sector


def new_token() -> str:
    """Return a fresh unguessable invitation token (only its hash is stored)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Return the SHA-256 of a token, as stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class InvitationQuerySet(models.QuerySet):
    def in_state(self, state: str, *, now=None) -> "InvitationQuerySet":
        now = now or timezone.now()
        if state == InvitationState.ACCEPTED:
            return self.filter(accepted_on__isnull=False)
        if state == InvitationState.REVOKED:
            return self.filter(accepted_on__isnull=True, revoked_on__isnull=False)
        open_ = self.filter(accepted_on__isnull=True, revoked_on__isnull=True)
        if state == InvitationState.EXPIRED:
            return open_.filter(expires_at__lte=now)
        return open_.filter(expires_at__gt=now)

    def search(self, text: str) -> "InvitationQuerySet":
        return self.filter(
            Q(email__icontains=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text)
        )


class Invitation(models.Model):
    """An emailed, single-use link that lets a person set a password and sign in.

    The invitee is an employer's contact, an auditor on the register (their login exists
    already), or a board member. Only the SHA-256 of the token is kept.
    """

    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    email = models.EmailField(_("email"))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    contact = models.ForeignKey(
        "employers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("contact"),
    )
    auditor = models.ForeignKey(
        "auditors.Auditor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("auditor"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("login"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_on = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    accepted_on = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_on = models.DateTimeField(_("revoked"), null=True, blank=True)
    times_sent = models.PositiveSmallIntegerField(_("times sent"), default=1)

    history = HistoricalRecords(excluded_fields=["token_hash"])
    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(revoked_on__isnull=True),
                name="invitation_accepted_or_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def get_absolute_url(self) -> str:
        return reverse("selfservice:invitation-list") + f"?q={self.email}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def state_at(self, now=None) -> str:
        """Return pending, accepted, expired or revoked at a moment (now by default)."""
        now = now or timezone.now()
        if self.accepted_on:
            return InvitationState.ACCEPTED
        if self.revoked_on:
            return InvitationState.REVOKED
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    @property
    def state(self) -> str:
        return self.state_at()

    def get_state_display(self) -> str:
        return str(InvitationState(self.state).label)


class AccountChange(models.Model):
    """A login deactivated or reactivated: who, when and why (the user row keeps its history)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_changes"
    )
    active = models.BooleanField(_("active after the change"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("login change")
        verbose_name_plural = _("login changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        verb = "reactivated" if self.active else "deactivated"
        return f"{self.user} {verb} on {self.changed_at:%Y-%m-%d}"


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ApplicationQuerySet(models.QuerySet):
    def search(self, text: str) -> "ApplicationQuerySet":
        return self.filter(
            Q(legal_name__icontains=text)
            | Q(trade_name__icontains=text)
            | Q(account_number__startswith=text)
            | Q(contact_email__icontains=text)
        )


class Application(models.Model):
    """An employer's online application for COR registration, waiting for staff to decide.

    ``duplicate_of`` is the employer already recorded with the same WorkSafeBC account number
    when the application came in: shown to staff, never to the applicant.
    """

    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    account_number = models.CharField(
        _("WorkSafeBC account number"),
        max_length=20,
        validators=[RegexValidator(r"^[0-9]+$", _("Use digits only."))],
    )
    region = models.CharField(_("region"), max_length=32, choices=Region.choices)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    classification_units = models.ManyToManyField(
        "employers.ClassificationUnit", related_name="+", verbose_name=_("classification units")
    )
    employees = models.PositiveIntegerField(_("employees in BC"), null=True, blank=True)
    payroll_hours = models.DecimalField(
        _("annual payroll hours"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    street = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    sites = models.TextField(
        _("work sites"), blank=True, help_text=_("Other places your people work, one a line.")
    )
    nao_approved_on = models.DateField(
        _("WorkSafeBC approval date (CUs outside the association's)"), null=True, blank=True
    )
    nao_reference = models.CharField(_("WorkSafeBC approval reference"), max_length=64, blank=True)
    contact_first_name = models.CharField(_("first name"), max_length=100)
    contact_last_name = models.CharField(_("last name"), max_length=100)
    contact_title = models.CharField(_("job title"), max_length=100, blank=True)
    contact_email = models.EmailField(_("email"))
    contact_phone = models.CharField(_("phone"), max_length=32, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ApplicationState.choices,
        default=ApplicationState.SUBMITTED,
    )
    duplicate_of = models.ForeignKey(
        "employers.Employer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employer already recorded"),
    )
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("employer"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    history = HistoricalRecords(m2m_fields=[classification_units])
    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ApplicationState.values), name="application_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(employees__isnull=False) | Q(payroll_hours__isnull=False),
                name="application_has_size",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.account_number})"

    def get_absolute_url(self) -> str:
        return reverse("selfservice:application-detail", args=[self.pk])

    @property
    def contact_name(self) -> str:
        return f"{self.contact_first_name} {self.contact_last_name}".strip()


def message_template_names() -> list[tuple[str, str]]:
    """Return the notification email templates on file (not the included pieces), as choices."""
    from pathlib import Path

    from django.apps import apps as registry

    folder = Path(registry.get_app_config("notifications").path) / "templates/notifications/email"
    names = sorted(p.stem for p in folder.glob("*.txt") if not p.stem.startswith("_"))
    return [(name, name.replace("_", " ").capitalize()) for name in names]


class MessageTemplateQuerySet(models.QuerySet):
    def edited(self, names: list[str] | None = None) -> dict[str, "MessageTemplate"]:
        """Return the active edited templates (of these names), by name, in one query."""
        rows = self.filter(active=True)
        if names is not None:
            rows = rows.filter(name__in=names)
        return {row.name: row for row in rows}


class MessageTemplate(models.Model):
    """Staff's own wording of a notification email; the file template is the fallback.

    ``subject`` and ``body`` are Django templates rendered with the same context as the file
    (``site_url``, ``url``, ``association_name`` and the message's objects).
    """

    name = models.CharField(_("message"), max_length=64, unique=True)
    subject = models.CharField(
        _("subject"), max_length=200, blank=True, help_text=_("Empty: the portal's subject.")
    )
    body = models.TextField(_("body"))
    active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = MessageTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError
        from django.template import Template, TemplateSyntaxError

        errors = {}
        for field in ("subject", "body"):
            try:
                Template(getattr(self, field))
            except TemplateSyntaxError as error:
                errors[field] = str(error)
        if errors:
            raise ValidationError(errors)

    def render(self, context: dict) -> tuple[str, str] | None:
        """Return (subject, body) rendered with the context, or None when it fails (logged)."""
        import logging

        from django.template import Context, Template

        try:
            ctx = Context(context, autoescape=False)
            subject = Template(self.subject).render(ctx).strip() if self.subject else ""
            body = Template(self.body).render(ctx).strip()
        except Exception:
            logging.getLogger("selfservice.messages").exception(
                "The edited message template %r failed; the file template is used.", self.name
            )
            return None
        return " ".join(subject.split()), body
