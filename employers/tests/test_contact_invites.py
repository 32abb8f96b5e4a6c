"""The employer page's contacts: an "Invite" link for each contact without a login."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cor_portal.accounts.choices import Role
from cor_portal.accounts.tests.factories import UserFactory
from employers.tests.factories import ContactFactory, EmployerFactory

pytestmark = pytest.mark.django_db

INVITE = reverse("selfservice:invitation-create")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def with_login(employer, **kwargs):
    user = UserFactory(role=Role.EMPLOYER, **kwargs)
    return ContactFactory(employer=employer, user=user, email=user.email)


def invite_links(html: str) -> list[int]:
    """Return the contact ids the page's "Invite" links point to, in page order."""
    return [int(pk) for pk in re.findall(rf'href="{INVITE}\?contact=(\d+)"', html)]


def test_contacts_without_a_login_get_an_invite_link_and_the_others_say_so(staff_client):
    employer = EmployerFactory()
    with_login(employer, username="pat-login")
    with_login(employer, username="old-login", is_active=False)
    first = ContactFactory(employer=employer, last_name="Adams")
    second = ContactFactory(employer=employer, last_name="Baker")
    ContactFactory(last_name="Elsewhere")  # another employer's contact

    html = staff_client.get(employer.get_absolute_url()).content.decode()

    assert sorted(invite_links(html)) == sorted([first.pk, second.pk])
    assert html.count("Has a login") == 2
    assert html.count("No login yet") == 2
    assert "pat-login" in html
    assert "old-login (inactive)" in html
    # The link names its contact for screen readers.
    assert f'Invite<span class="visually-hidden"> {first.full_name} to the portal</span>' in html


def test_the_invite_link_opens_the_invitation_form_with_the_contact_chosen(staff_client):
    contact = ContactFactory(employer=EmployerFactory())

    response = staff_client.get(f"{INVITE}?contact={contact.pk}")

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {"kind": Role.EMPLOYER, "contact": contact.pk}
    assert contact in form.fields["contact"].queryset


def contacts(employer, count: int) -> None:
    """Add ``count`` contacts to the employer, every other one with a login."""
    for n in range(count):
        if n % 2:
            with_login(employer)
        else:
            ContactFactory(employer=employer)


def test_the_contacts_cost_the_same_queries_for_2_and_12_contacts(
    staff_client, django_assert_num_queries
):
    employer = EmployerFactory()
    contacts(employer, 2)
    url = employer.get_absolute_url()
    with CaptureQueriesContext(connection) as small:
        assert len(invite_links(staff_client.get(url).content.decode())) == 1
    contacts(employer, 10)
    with django_assert_num_queries(len(small)):
        html = staff_client.get(url).content.decode()
    assert len(invite_links(html)) == 6
    assert html.count("Has a login") == 6
