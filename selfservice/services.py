"""Invitations and logins: invite, re-send, revoke, accept; deactivate and reactivate."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auditors.models import Auditor
from cor_portal import lifecycle
from cor_portal.accounts.choices import Role
from cor_portal.notifications import services as notifications
from employers import services as employer_services
from employers.models import Contact, Employer

from .models import AccountChange, Invitation, hash_token, new_token

User = get_user_model()


def invitation_lifetime() -> timedelta:
    """Return how long an invitation link works (the INVITATION_DAYS setting, 7 by default)."""
    return timedelta(days=getattr(settings, "INVITATION_DAYS", 7))


def invitation_url(token: str) -> str:
    return settings.COR_SITE_URL + reverse("selfservice:accept", kwargs={"token": token})


def email_person(*, address: str, name: str, subject: str, template: str, context: dict) -> None:
    """Email one person who may have no login yet (after commit, by the notifications' task).

    The text is ``notifications/email/<template>.txt`` rendered by the notifications' renderer,
    after a greeting by name.
    """
    subject, body = notifications.render_message(
        template,
        {
            "site_url": settings.COR_SITE_URL,
            "association_name": settings.COR_ASSOCIATION_NAME,
            **context,
        },
        subject=str(subject),
    )
    text = f"{_('Hello %(name)s,') % {'name': name}}\n\n{body}"
    payload = {"subject": subject, "emails": [[address, text]], "notification_ids": []}
    transaction.on_commit(lambda: notifications._send_later([payload]))


def _send(invitation: Invitation, token: str) -> None:
    """Email the invitation link."""
    email_person(
        address=invitation.email,
        name=invitation.first_name,
        subject=_("Your invitation to the COR Portal"),
        template="invitation",
        context={
            "invitation": invitation,
            "role": Role(invitation.role).label,
            "url": reverse("selfservice:accept", kwargs={"token": token}),
            "expires_at": invitation.expires_at,
        },
    )


def _open_for(
    *, email: str = "", contact: Contact | None = None, auditor: Any = None, user: Any = None
):
    pending = Invitation.objects.filter(accepted_on__isnull=True, revoked_on__isnull=True)
    if contact is not None:
        return pending.filter(contact=contact)
    if auditor is not None:
        return pending.filter(auditor=auditor)
    return pending.filter(email__iexact=email, role=Role.BOARD)


def _create(*, actor: Any, role: str, email: str, first_name: str, last_name: str, **links: Any):
    now = timezone.now()
    if not email:
        raise ValidationError({"email": _("The person needs an email address to be invited.")})
    # A new invitation replaces any earlier one still open for the same person.
    for earlier in _open_for(email=email, **links).select_for_update():
        earlier.revoked_on = now
        lifecycle.update(earlier, actor, ["revoked_on"])
    token = new_token()
    invitation = Invitation(
        role=role,
        email=email,
        first_name=first_name,
        last_name=last_name,
        token_hash=hash_token(token),
        created_by=lifecycle.actor_or_none(actor),
        sent_on=now,
        expires_at=now + invitation_lifetime(),
        **links,
    )
    lifecycle.save(invitation, actor, exclude=["token_hash"])
    _send(invitation, token)
    return invitation, token


@transaction.atomic
def invite_contact(*, contact: Contact, actor: Any) -> tuple[Invitation, str]:
    """Invite an employer's contact to sign in; return the invitation and its token."""
    login = contact.user
    if login is not None and login.has_usable_password() and login.is_active:
        raise ValidationError(_("This contact already signs in to the portal."))
    return _create(
        actor=actor,
        role=Role.EMPLOYER,
        email=contact.email,
        first_name=contact.first_name,
        last_name=contact.last_name,
        contact=contact,
        user=contact.user,
    )


@transaction.atomic
def invite_auditor(*, auditor: Auditor, actor: Any) -> tuple[Invitation, str]:
    """Invite an auditor on the register to set the password of their login."""
    user = auditor.user
    if user.has_usable_password() and user.is_active and user.last_login:
        raise ValidationError(_("This auditor already signs in to the portal."))
    return _create(
        actor=actor,
        role=Role.AUDITOR,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        auditor=auditor,
        user=user,
    )


@transaction.atomic
def invite_board_member(
    *, email: str, first_name: str, last_name: str, actor: Any
) -> tuple[Invitation, str]:
    """Invite a board member by email; their login is made when they accept."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and existing.role != Role.BOARD:
        raise ValidationError({"email": _("A login with another role has this address.")})
    return _create(
        actor=actor,
        role=Role.BOARD,
        email=email,
        first_name=first_name,
        last_name=last_name,
        user=existing,
    )


@transaction.atomic
def invite_colleague(*, employer: Employer, actor: Any, **contact_fields: Any):
    """A primary contact adds a colleague of their own employer and invites them.

    The employer is always the actor's own: a contact cannot reach another employer.
    """
    own = Contact.objects.filter(user=actor, is_primary=True).first()
    if own is None or own.employer_id != employer.pk:
        raise ValidationError(_("Only your employer's primary contact can invite colleagues."))
    if Contact.objects.filter(employer=employer, email__iexact=contact_fields["email"]).exists():
        raise ValidationError({"email": _("One of your contacts already has this address.")})
    contact = employer_services.add_contact(
        employer=employer, actor=actor, is_primary=False, **contact_fields
    )
    return invite_contact(contact=contact, actor=actor)


@transaction.atomic
def resend_invitation(*, invitation: Invitation, actor: Any) -> tuple[Invitation, str]:
    """Send a fresh link (a new token and expiry); the old link stops working."""
    if invitation.accepted_on:
        raise ValidationError(_("This invitation was accepted already."))
    if invitation.revoked_on:
        raise ValidationError(_("This invitation was revoked; invite the person again."))
    token = new_token()
    now = timezone.now()
    invitation.token_hash = hash_token(token)
    invitation.sent_on = now
    invitation.expires_at = now + invitation_lifetime()
    invitation.times_sent += 1
    lifecycle.update(invitation, actor, ["token_hash", "sent_on", "expires_at", "times_sent"])
    _send(invitation, token)
    return invitation, token


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, actor: Any) -> Invitation:
    """Stop an invitation's link from working."""
    if invitation.accepted_on:
        raise ValidationError(_("This invitation was accepted already."))
    if invitation.revoked_on is None:
        invitation.revoked_on = timezone.now()
        lifecycle.update(invitation, actor, ["revoked_on"])
    return invitation


class InvitationInvalidError(Exception):
    """A token that is unknown, used, revoked or expired; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def find_invitation(token: str, *, now=None) -> Invitation:
    """Return the open invitation of a token, or raise InvitationInvalidError with the reason."""
    invitation = (
        Invitation.objects.select_related("user", "contact", "auditor")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if invitation is None:
        raise InvitationInvalidError("unknown")
    state = invitation.state_at(now)
    if state != "pending":
        raise InvitationInvalidError(state)
    return invitation


def prospective_user(invitation: Invitation) -> Any:
    """Return the user the invitation signs in (unsaved when it does not exist yet)."""
    if invitation.user is not None:
        return invitation.user
    return User(
        username=invitation.email.lower(),
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        role=invitation.role,
    )


def _free_username(email: str) -> str:
    base = email.lower()[:140]
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@transaction.atomic
def accept_invitation(*, token: str, password: str) -> Any:
    """Set the invitee's password, activate their login and close the invitation.

    The password goes through Django's validators (ValidationError on ``password``). Return
    the user, ready to be signed in.
    """
    invitation = find_invitation(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != "pending":  # accepted by a parallel request
        raise InvitationInvalidError(invitation.state)
    user = prospective_user(invitation)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    if user.pk is None:
        contact = invitation.contact
        if contact is not None and contact.user_id is None:
            user = employer_services.grant_portal_access(
                contact=contact,
                actor=None,
                username=_free_username(invitation.email),
                password=password,
            )
        else:
            user.username = _free_username(invitation.email)
            user.set_password(password)
            user.save()
    else:
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
    invitation.user = user
    invitation.accepted_on = timezone.now()
    lifecycle.update(invitation, user, ["user", "accepted_on"])
    password_validation.password_changed(password, user)
    return user


@transaction.atomic
def deactivate_login(*, user: Any, actor: Any, reason: str = "") -> Any:
    """Stop a login from signing in; everything it did stays recorded under its name."""
    if getattr(actor, "pk", None) == user.pk:
        raise ValidationError(_("You cannot deactivate your own login."))
    if not user.is_active:
        raise ValidationError(_("This login is deactivated already."))
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    AccountChange.objects.create(
        user=user, active=False, reason=reason, changed_by=lifecycle.actor_or_none(actor)
    )
    return user


@transaction.atomic
def reactivate_login(*, user: Any, actor: Any, reason: str = "") -> Any:
    """Let a deactivated login sign in again."""
    if user.is_active:
        raise ValidationError(_("This login is active already."))
    User.objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True
    AccountChange.objects.create(
        user=user, active=True, reason=reason, changed_by=lifecycle.actor_or_none(actor)
    )
    return user
