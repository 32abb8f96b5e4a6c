"""Signing in and out, passwords, the lockout, role homes and the Content-Security-Policy."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cor_portal.accounts.choices import Role
from cor_portal.accounts.tests.factories import UserFactory
from tests.role_matrix import page_problems

LOGIN = "/accounts/login/"
PASSWORD = "password"  # UserFactory's
NEW_PASSWORD = "quiet-harbour-lantern-42"


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# Login --------------------------------------------------------------------------------------


def test_login_page_is_public(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "Sign in to the COR Portal" in response.text


def test_staff_signs_in_and_stays_on_today(client, staff_user):
    response = sign_in(client, staff_user.username)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in(client)
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_a_message(client, staff_user):
    response = sign_in(client, staff_user.username, "not-the-password")
    assert response.status_code == 200
    assert not signed_in(client)
    assert "enter a correct username and password" in response.text
    # Once, in the summary above the form (crispy-forms does not repeat it).
    assert response.text.count("enter a correct username and password") == 1


@pytest.mark.parametrize(
    ("user_fixture", "home"),
    [
        ("staff_user", "/"),
        ("employer_a_user", "/portal/"),
        ("auditor_user", "/auditor/"),
        ("board_user", "/dashboard/"),
    ],
)
def test_each_role_lands_on_its_home_after_signing_in(client, request, user_fixture, home):
    user = request.getfixturevalue(user_fixture)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == home
    assert [url for url, _ in response.redirect_chain][-1] == home


def test_sign_in_goes_on_to_the_page_asked_for(client, staff_user):
    client.get("/employers/")
    response = sign_in(client, staff_user.username, next="/employers/")
    assert response["Location"] == "/employers/"


def test_sign_in_ignores_a_next_address_on_another_site(client, staff_user):
    response = sign_in(client, staff_user.username, next="https://evil.example/")
    assert response["Location"] == "/"


def test_employer_login_without_an_employer_sees_an_honest_empty_portal(client, db):
    user = UserFactory(username="orphan", role=Role.EMPLOYER)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == "/portal/"
    assert response.status_code == 200
    assert "Your login is not linked to an employer yet" in response.text
    assert client.get("/employers/").status_code == 403


def test_login_deactivated_while_signed_in_is_signed_out(client, employer_a_user):
    client.force_login(employer_a_user)
    assert client.get("/portal/").status_code == 200
    employer_a_user.is_active = False
    employer_a_user.save(update_fields=["is_active"])
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_deactivated_login_cannot_sign_in(client, employer_a_user):
    employer_a_user.is_active = False
    employer_a_user.save(update_fields=["is_active"])
    response = sign_in(client, employer_a_user.username)
    assert response.status_code == 200
    assert not signed_in(client)


# Logout -------------------------------------------------------------------------------------


def test_logout_is_a_post_and_ends_the_session(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not signed_in(client)
    assert client.get("/")["Location"] == f"{LOGIN}?next=/"


def test_logout_by_get_is_refused_and_keeps_the_session(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in(client)


# Password change ----------------------------------------------------------------------------


def test_password_change_keeps_the_user_signed_in_with_the_new_password(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert client.get("/").status_code == 200  # the session survived the change
    staff_user.refresh_from_db()
    assert staff_user.check_password(NEW_PASSWORD)
    assert not staff_user.check_password(PASSWORD)


def test_password_change_with_a_wrong_old_password_is_refused(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.text
    staff_user.refresh_from_db()
    assert staff_user.check_password(PASSWORD)


# Password reset -----------------------------------------------------------------------------

RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)")


def test_password_reset_email_link_lets_the_user_choose_a_new_password(client, employer_a_user):
    response = client.post(reverse("password_reset"), {"email": employer_a_user.email})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [employer_a_user.email]
    assert employer_a_user.username in message.body
    link = RESET_LINK.search(message.body).group(1)

    # Django swaps the token for a session value and redirects to a "set-password" address.
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.get(form_url)
    assert response.status_code == 200
    assert "Choose a new password" in response.text
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")

    assert sign_in(Client(), employer_a_user.username, NEW_PASSWORD)["Location"] == "/"
    assert sign_in(Client(), employer_a_user.username, PASSWORD).status_code == 200
    # The link works once.
    again = Client().get(link, follow=True)
    assert "This link no longer works" in again.text


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


# Lockout (django-axes) ----------------------------------------------------------------------


def test_five_failures_lock_the_account_even_against_the_right_password(client, staff_user):
    for _ in range(4):
        assert sign_in(client, staff_user.username, "wrong").status_code == 200
    fifth = sign_in(client, staff_user.username, "wrong")
    assert fifth.status_code == 429  # axes locks out on the failure that reaches the limit
    response = sign_in(client, staff_user.username)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text
    assert not signed_in(client)


def test_lockout_is_per_username(client, staff_user, board_user):
    for _ in range(5):
        sign_in(client, staff_user.username, "wrong")
    assert sign_in(client, board_user.username)["Location"] == "/"


def test_four_failures_still_let_the_right_password_in(client, staff_user):
    for _ in range(4):
        sign_in(client, staff_user.username, "wrong")
    assert sign_in(client, staff_user.username)["Location"] == "/"
    assert signed_in(client)


# Content-Security-Policy --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_fixture", "path"),
    [
        (None, LOGIN),
        (None, "/accounts/password_reset/"),
        ("staff_user", "/"),
        ("staff_user", "/employers/"),
        ("staff_user", "/employers/new/"),
        ("employer_a_user", "/portal/"),
        ("auditor_user", "/auditor/"),
        ("board_user", "/dashboard/"),
        (None, "/api/docs/"),
    ],
)
def test_pages_send_a_csp_without_unsafe_inline(client, request, user_fixture, path):
    if user_fixture:
        client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(path)
    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    assert "script-src 'self'" in header
    assert "style-src 'self'" in header
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert page_problems(response) == []


def test_error_pages_send_the_csp_too(client, employer_a_user, employer_b):
    client.force_login(employer_a_user)
    for path, status in [(f"/employers/{employer_b.pk}/", 404), ("/employers/", 403)]:
        response = client.get(path)
        assert response.status_code == status
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "script-src 'self'" in response["Content-Security-Policy"]
