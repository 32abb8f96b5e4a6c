"""The notifications pages: a user's own list, opening one, marking all read, the badge."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from cor_portal.accounts.tests.factories import UserFactory
from cor_portal.context_processors import portal
from cor_portal.notifications.models import Notification

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")


@pytest.fixture
def user(db):
    return UserFactory(username="jane")


@pytest.fixture
def client(user):
    client = Client()
    client.force_login(user)
    return client


def note(user, subject="Hello", **fields):
    return Notification.objects.create(recipient=user, subject=subject, body="Body", **fields)


def test_the_list_shows_the_users_own_newest_first_with_the_unread_marked(client, user):
    note(user, "Older one")
    newer = note(user, "Newer one")
    note(UserFactory(), "Someone else's")
    Notification.objects.filter(pk=newer.pk).update(read_at="2026-01-01T00:00Z")

    page = client.get(LIST).content.decode()

    assert page.index("Newer one") < page.index("Older one")
    assert "Someone else" not in page
    assert page.count(">Unread</span>") == 1
    assert page.count(">Read</span>") == 1
    assert "1 unread" in page
    assert "Mark all as read" in page


def test_an_empty_list_says_what_to_expect(client):
    page = client.get(LIST).content.decode()

    assert "No notifications yet" in page
    assert "Mark all as read" not in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(client, user):
    mine = note(user, url="/auditor/")

    response = client.get(reverse("notifications:detail", args=[mine.pk]))

    mine.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/auditor/"
    assert mine.read_at is not None


def test_a_link_to_another_site_is_not_followed(client, user):
    mine = note(user, url="https://evil.example.com/")

    response = client.get(reverse("notifications:detail", args=[mine.pk]))

    assert response["Location"] == LIST


def test_another_users_notification_is_404_and_stays_unread(client):
    theirs = note(UserFactory())

    response = client.get(reverse("notifications:detail", args=[theirs.pk]))

    theirs.refresh_from_db()
    assert response.status_code == 404
    assert theirs.read_at is None


def test_mark_all_read_is_a_post(client, user):
    note(user)
    note(user)

    assert client.get(reverse("notifications:mark-all-read")).status_code == 405
    response = client.post(reverse("notifications:mark-all-read"), follow=True)

    assert response.redirect_chain == [(LIST, 302)]
    assert "2 notification(s) marked as read." in response.content.decode()
    assert not Notification.objects.unread().exists()


def test_the_badge_shows_the_unread_count(client, user):
    note(user)
    note(user)
    note(user, read_at="2026-01-01T00:00Z")

    badge = client.get(reverse("notifications:badge")).content.decode()

    assert '2<span class="visually-hidden"> unread</span>' in badge


def test_every_page_carries_the_badge_loader_and_the_calendar_address(client, user):
    page = client.get(reverse("password_change")).content.decode()

    assert f'hx-get="{reverse("notifications:badge")}"' in page
    assert f"http://testserver/calendar/{user.calendar_token}.ics" in page


def test_the_unread_count_costs_a_query_only_when_shown(user, django_assert_num_queries):
    note(user)
    request = RequestFactory().get("/")
    request.user = user

    with django_assert_num_queries(0):
        context = portal(request)
    with django_assert_num_queries(1):
        assert str(context["unread_notifications"]) == "1"


@pytest.mark.parametrize("count", [5, 60])
def test_the_list_makes_a_constant_number_of_queries(
    client, user, django_assert_num_queries, count
):
    Notification.objects.bulk_create(
        Notification(recipient=user, subject=f"n{n}", body="b") for n in range(count)
    )

    # Session, user, the count, the page, the unread count.
    with django_assert_num_queries(5):
        assert client.get(LIST).status_code == 200
