"""Invitations: the link's expiry, single use, revocation, passwords; scoping; logins."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from auditors.tests.factories import AuditorFactory
from cor_portal.accounts.choices import Role
from cor_portal.accounts.models import User
from cor_portal.accounts.tests.factories import UserFactory
from employers.models import Contact
from employers.tests.factories import ContactFactory
from selfservice import services
from selfservice.models import AccountChange, Invitation, hash_token

PASSWORD = "quiet-harbour-lantern-42"
pytestmark = pytest.mark.django_db(transaction=False)


def accept_url(token: str) -> str:
    return reverse("selfservice:accept", kwargs={"token": token})


def accept(client: Client, token: str, password: str = PASSWORD, again: str | None = None):
    return client.post(
        accept_url(token), {"password": password, "password_again": again or password}
    )


def link_in_mail(index: int = -1) -> str:
    match = re.search(r"/accounts/invitation/[^/\s]+/", mail.outbox[index].body)
    assert match, mail.outbox[index].body
    return match.group(0)


@pytest.fixture
def contact(employer_a):
    return ContactFactory(employer=employer_a, email="pat@alpha.example", first_name="Pat")


def test_inviting_a_contact_emails_a_link_and_stores_only_the_hash(
    contact, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invite_contact(contact=contact, actor=staff_user)
    assert invitation.token_hash == hash_token(token) != token
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert invitation.created_by == staff_user
    assert invitation.expires_at - invitation.sent_on == timedelta(days=7)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat@alpha.example"]
    assert link_in_mail() == accept_url(token)
    assert mail.outbox[0].body.startswith("Hello Pat,")


def test_accepting_sets_the_password_signs_in_and_goes_home(client, contact, staff_user):
    invitation, token = services.invite_contact(contact=contact, actor=staff_user)
    assert client.get(accept_url(token)).status_code == 200
    response = accept(client, token)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == "/portal/"
    contact.refresh_from_db()
    user = contact.user
    assert user.role == Role.EMPLOYER
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    invitation.refresh_from_db()
    assert invitation.accepted_on is not None
    assert invitation.user == user


def test_the_link_works_once(client, contact, staff_user):
    _invitation, token = services.invite_contact(contact=contact, actor=staff_user)
    accept(client, token)
    other = Client()
    response = other.get(accept_url(token))
    assert response.status_code == 410
    assert "used already" in response.text
    assert accept(other, token, "another-long-pass-99").status_code == 410
    contact.refresh_from_db()
    assert contact.user.check_password(PASSWORD)


def test_expiry_boundary(client, contact, staff_user, settings):
    settings.INVITATION_DAYS = 7
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        invitation, token = services.invite_contact(contact=contact, actor=staff_user)
    with time_machine.travel(start + timedelta(days=7) - timedelta(seconds=1), tick=False):
        assert client.get(accept_url(token)).status_code == 200
    with time_machine.travel(start + timedelta(days=7), tick=False):
        response = client.get(accept_url(token))
        assert response.status_code == 410
        assert "expired" in response.text
        assert accept(client, token).status_code == 410
    invitation.refresh_from_db()
    assert invitation.accepted_on is None


def test_wrong_token_answers_a_clear_page(client, contact, staff_user):
    services.invite_contact(contact=contact, actor=staff_user)
    response = client.get(accept_url("not-a-real-token"))
    assert response.status_code == 404
    assert "not valid" in response.text
    assert accept(client, "not-a-real-token").status_code == 404


def test_a_revoked_invitation_no_longer_works(client, contact, staff_user):
    invitation, token = services.invite_contact(contact=contact, actor=staff_user)
    services.revoke_invitation(invitation=invitation, actor=staff_user)
    response = client.get(accept_url(token))
    assert response.status_code == 410
    assert "withdrawn" in response.text


def test_resending_replaces_the_link(client, contact, staff_user):
    invitation, old = services.invite_contact(contact=contact, actor=staff_user)
    _same, new = services.resend_invitation(invitation=invitation, actor=staff_user)
    assert client.get(accept_url(old)).status_code == 404
    assert client.get(accept_url(new)).status_code == 200
    invitation.refresh_from_db()
    assert invitation.times_sent == 2


def test_a_new_invitation_revokes_the_open_one(contact, staff_user):
    first, _t = services.invite_contact(contact=contact, actor=staff_user)
    second, _t = services.invite_contact(contact=contact, actor=staff_user)
    first.refresh_from_db()
    assert first.state == "revoked"
    assert second.state == "pending"


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("short1", "short1", "too short"),
        ("password123", "password123", "too common"),
        ("12345678901234", "12345678901234", "entirely numeric"),
        (PASSWORD, "something-else-77", "differ"),
    ],
)
def test_passwords_go_through_the_validators(client, contact, staff_user, password, again, message):
    invitation, token = services.invite_contact(contact=contact, actor=staff_user)
    response = accept(client, token, password, again)
    assert response.status_code == 200
    assert message in response.text
    invitation.refresh_from_db()
    assert invitation.accepted_on is None
    assert "_auth_user_id" not in client.session


def test_an_auditor_sets_the_password_of_their_existing_login(client, staff_user):
    auditor = AuditorFactory()
    auditor.user.set_unusable_password()
    auditor.user.save()
    _invitation, token = services.invite_auditor(auditor=auditor, actor=staff_user)
    response = accept(client, token)
    assert response.status_code == 302
    auditor.user.refresh_from_db()
    assert auditor.user.check_password(PASSWORD)
    assert client.get("/")["Location"] == "/auditor/"


def test_a_board_member_gets_a_new_login(client, staff_user):
    _invitation, token = services.invite_board_member(
        email="chair@board.example", first_name="Sam", last_name="Chair", actor=staff_user
    )
    accept(client, token)
    user = User.objects.get(email="chair@board.example")
    assert user.role == Role.BOARD
    assert user.username == "chair@board.example"
    assert client.get("/")["Location"] == "/dashboard/"


def test_staff_invite_through_the_form(
    client, staff_user, contact, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("selfservice:invitation-create"), {"kind": "employer", "contact": contact.pk}
        )
    assert response.status_code == 302
    assert Invitation.objects.get().contact == contact
    assert len(mail.outbox) == 1
    response = client.post(reverse("selfservice:invitation-create"), {"kind": "board"})
    assert response.status_code == 200
    assert "Needed to invite a board member" in response.text


# A primary contact invites colleagues --------------------------------------------------------


def test_primary_contact_invites_a_colleague_of_their_own_employer(
    client, employer_a, employer_a_user, employer_b, django_capture_on_commit_callbacks
):
    Contact.objects.filter(user=employer_a_user).update(is_primary=True)
    client.force_login(employer_a_user)
    assert "Invite a colleague" in client.get("/portal/").text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("selfservice:colleague-invite"),
            {
                "first_name": "Lee",
                "last_name": "Wong",
                "email": "lee@alpha.example",
                # Fields naming another employer are not part of the form: ignored.
                "employer": employer_b.pk,
            },
        )
    assert response.status_code == 302
    colleague = Contact.objects.get(email="lee@alpha.example")
    assert colleague.employer == employer_a
    assert not colleague.is_primary
    assert not employer_b.contacts.filter(email="lee@alpha.example").exists()
    assert Invitation.objects.get().contact == colleague
    assert mail.outbox[0].to == ["lee@alpha.example"]
    # Still the primary contact.
    assert Contact.objects.get(user=employer_a_user).is_primary


def test_other_contacts_may_not_invite(client, employer_a_user):
    client.force_login(employer_a_user)
    assert client.get(reverse("selfservice:colleague-invite")).status_code == 403
    assert "Invite a colleague" not in client.get("/portal/").text


def test_the_service_refuses_another_employer(employer_a_user, employer_b):
    Contact.objects.filter(user=employer_a_user).update(is_primary=True)
    with pytest.raises(ValidationError):
        services.invite_colleague(
            employer=employer_b,
            actor=employer_a_user,
            first_name="X",
            last_name="Y",
            email="x@b.example",
        )
    assert not employer_b.contacts.filter(email="x@b.example").exists()


# Deactivating a login -----------------------------------------------------------------------


def test_deactivation_blocks_sign_in_and_keeps_history(client, staff_user, employer_a_user):
    contact = Contact.objects.get(user=employer_a_user)
    assert contact.history.exists()
    staff = Client()
    staff.force_login(staff_user)
    url = reverse("selfservice:login-deactivate", args=[employer_a_user.pk])
    assert "can no longer sign in" in staff.get(url).text
    response = staff.post(url, {"reason": "Left the company"})
    assert response.status_code == 302
    employer_a_user.refresh_from_db()
    assert not employer_a_user.is_active
    assert User.objects.filter(pk=employer_a_user.pk).exists()
    assert Contact.objects.get(pk=contact.pk).user == employer_a_user
    assert contact.history.count() >= 1
    change = AccountChange.objects.get()
    assert (change.active, change.reason, change.changed_by) == (
        False,
        "Left the company",
        staff_user,
    )
    login = client.post(
        "/accounts/login/", {"username": employer_a_user.username, "password": "password"}
    )
    assert "_auth_user_id" not in client.session
    assert login.status_code == 200
    staff.post(reverse("selfservice:login-reactivate", args=[employer_a_user.pk]), {"reason": ""})
    employer_a_user.refresh_from_db()
    assert employer_a_user.is_active
    client.post("/accounts/login/", {"username": employer_a_user.username, "password": "password"})
    assert "_auth_user_id" in client.session


def test_staff_cannot_deactivate_themselves(staff_user):
    with pytest.raises(ValidationError):
        services.deactivate_login(user=staff_user, actor=staff_user)


def test_a_deactivated_login_cannot_be_deactivated_twice(staff_user):
    user = UserFactory(role=Role.BOARD)
    services.deactivate_login(user=user, actor=staff_user)
    with pytest.raises(ValidationError):
        services.deactivate_login(user=user, actor=staff_user)


# Lists --------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_invitation_list_queries_do_not_grow(
    client, staff_user, employer_a, size, django_assert_max_num_queries
):
    for n in range(size):
        services.invite_contact(
            contact=ContactFactory(employer=employer_a, email=f"p{n}@a.example"), actor=staff_user
        )
    client.force_login(staff_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("selfservice:invitation-list"))
    assert response.status_code == 200
    assert response.text.count(">Re-send<") == min(size, 25)
    filtered = client.get(reverse("selfservice:invitation-list"), {"q": "p1@", "state": "pending"})
    assert "p1@a.example" in filtered.text
    assert "p2@a.example" not in filtered.text


@pytest.mark.parametrize("size", [3, 30])
def test_login_list_queries_do_not_grow(client, staff_user, size, django_assert_max_num_queries):
    UserFactory.create_batch(size, role=Role.BOARD)
    client.force_login(staff_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("selfservice:login-list"), {"role": "board"})
    assert response.status_code == 200
    assert response.text.count(">Deactivate<") == min(size, 25)


def test_the_form_starts_from_a_contact_in_the_address(client, staff_user, contact):
    client.force_login(staff_user)
    form = client.get(reverse("selfservice:invitation-create"), {"contact": contact.pk}).context[
        "form"
    ]
    assert form.initial == {"kind": Role.EMPLOYER, "contact": contact.pk}
    assert client.get(reverse("selfservice:invitation-create"), {"contact": "x"}).status_code == 200
