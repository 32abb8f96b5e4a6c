"""An employer's contact asks the COR team for a gap analysis or a consultation (R-4)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from employers import selectors, services
from employers.choices import InteractionKind, InteractionSource
from employers.models import GapAnalysis, Interaction
from employers.tests.factories import GapAnalysisFactory, employer_user

pytestmark = pytest.mark.django_db

ON = date(2026, 6, 15)
GAP = InteractionKind.GAP_ANALYSIS_REQUEST
CONSULTATION = InteractionKind.CONSULTATION_REQUEST
URL = "/employers/requests/new/"


def ask(employer, user, kind=CONSULTATION, message="", on=ON):
    return services.request_from_portal(
        employer=employer, actor=user, kind=kind, message=message, on=on
    )


# The service -------------------------------------------------------------------------------


def test_request_is_an_interaction_from_the_portal_with_a_follow_up_due_that_day(
    employer_a, employer_a_user
):
    contact = employer_a_user.employer_contact

    request = ask(employer_a, employer_a_user, message="  Mornings suit us best.  ")

    request.refresh_from_db()
    assert request.employer == employer_a
    assert (request.kind, request.source) == (CONSULTATION, InteractionSource.PORTAL)
    assert (request.occurred_on, request.follow_up_due, request.follow_up_done_on) == (ON, ON, None)
    assert request.staff_member is None
    assert request.summary == f"Asked for a consultation ({contact.full_name})"
    assert request.notes == "Mornings suit us best."
    assert request.history.get().history_user == employer_a_user
    assert list(selectors.follow_ups_due(as_of=ON)) == [request]
    assert list(selectors.follow_ups_due(as_of=ON - timedelta(days=1))) == []


def test_gap_analysis_request_marks_the_open_offer_requested(employer_a, employer_a_user):
    offer = GapAnalysisFactory(employer=employer_a, offered_on=ON - timedelta(days=20))

    ask(employer_a, employer_a_user, kind=GAP)

    offer.refresh_from_db()
    assert offer.requested_on == ON
    assert offer.stage == "requested"
    assert GapAnalysis.objects.filter(employer=employer_a).count() == 1


def test_gap_analysis_request_without_an_offer_records_one(employer_a, employer_a_user):
    GapAnalysisFactory(
        employer=employer_a, offered_on=date(2024, 1, 5), completed_on=date(2024, 2, 1)
    )

    ask(employer_a, employer_a_user, kind=GAP)

    new = GapAnalysis.objects.filter(employer=employer_a).waiting().get()
    assert (new.offered_on, new.requested_on) == (ON, ON)
    assert list(selectors.gap_analyses_waiting()) == [new]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"scheduled_on": ON + timedelta(days=3)}, "scheduled for 2026-06-18"),
        ({"requested_on": ON - timedelta(days=2)}, "was requested on 2026-06-13"),
    ],
)
def test_gap_analysis_already_requested_or_scheduled_is_refused_and_nothing_is_written(
    employer_a, employer_a_user, fields, message
):
    GapAnalysisFactory(employer=employer_a, offered_on=ON - timedelta(days=20), **fields)

    with pytest.raises(ValidationError, match=message):
        ask(employer_a, employer_a_user, kind=GAP)

    assert not Interaction.objects.exists()


def test_second_open_request_of_a_kind_is_refused_until_staff_follow_it_up(
    employer_a, employer_a_user, staff_user
):
    first = ask(employer_a, employer_a_user)

    with pytest.raises(ValidationError) as refused:
        ask(employer_a, employer_a_user, on=ON + timedelta(days=3))
    assert refused.value.messages == [
        "You asked for a consultation on 2026-06-15 and the COR team has not answered yet. "
        "They will contact you; you can ask again once they have."
    ]
    assert Interaction.objects.count() == 1

    services.complete_follow_up(interaction=first, actor=staff_user, on=ON + timedelta(days=4))
    again = ask(employer_a, employer_a_user, on=ON + timedelta(days=5))

    assert again.pk != first.pk
    assert Interaction.objects.filter(employer=employer_a).requests_open().get() == again


def test_a_colleague_cannot_ask_again_while_a_request_is_open(employer_a, employer_a_user):
    colleague = employer_user(employer_a, username="colleague-a")
    ask(employer_a, employer_a_user, kind=GAP)

    with pytest.raises(ValidationError, match="You asked for a gap analysis on 2026-06-15"):
        ask(employer_a, colleague, kind=GAP)


def test_an_open_request_of_one_kind_does_not_block_the_other(employer_a, employer_a_user):
    ask(employer_a, employer_a_user, kind=GAP)
    ask(employer_a, employer_a_user, kind=CONSULTATION)

    kinds = set(Interaction.objects.filter(employer=employer_a).values_list("kind", flat=True))
    assert kinds == {GAP, CONSULTATION}


def test_another_employers_open_request_does_not_block(employer_a, employer_a_user, employer_b):
    other = employer_user(employer_b, username="contact-b2")
    ask(employer_b, other)

    assert ask(employer_a, employer_a_user).employer == employer_a


@pytest.mark.parametrize("who", ["employer_b_user", "staff_user", "auditor_user", "board_user"])
def test_only_the_employers_own_contacts_may_ask(request, employer_a, who):
    with pytest.raises(PermissionDenied):
        ask(employer_a, request.getfixturevalue(who))

    assert not Interaction.objects.exists()


def test_a_deactivated_login_may_not_ask(employer_a, employer_a_user):
    employer_a_user.is_active = False
    employer_a_user.save()

    with pytest.raises(PermissionDenied):
        ask(employer_a, employer_a_user)


def test_an_unknown_kind_is_refused(employer_a, employer_a_user):
    with pytest.raises(ValidationError) as refused:
        ask(employer_a, employer_a_user, kind=InteractionKind.ENQUIRY)

    assert refused.value.message_dict == {"kind": ["Choose what you would like to ask for."]}


# The page ----------------------------------------------------------------------------------


def login(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_url_is_the_apps():
    assert reverse("employers:request-create") == URL


def test_form_page_starts_from_the_kind_in_the_link(employer_a_user):
    response = login(employer_a_user).get(URL, {"kind": GAP})

    assert response.status_code == 200
    assert response.context["form"].initial == {"kind": GAP}
    assert login(employer_a_user).get(URL, {"kind": "bogus"}).context["form"].initial == {}


def test_posting_a_request_says_it_was_sent_and_returns_to_the_portal(employer_a, employer_a_user):
    client = login(employer_a_user)

    response = client.post(URL, {"kind": GAP, "message": "After the summer season"}, follow=True)

    assert response.redirect_chain == [(reverse("homes:portal"), 302)]
    page = " ".join(response.content.decode().split())
    assert (
        "Your request for a gap analysis was sent. The COR team will contact you to schedule it."
        in page
    )
    request = Interaction.objects.get()
    assert (request.employer, request.kind, request.notes) == (
        employer_a,
        GAP,
        "After the summer season",
    )
    assert "Gap analysis request</strong>, asked" in page  # the open request on the portal


def test_posting_twice_shows_the_refusal_on_the_form(employer_a_user):
    client = login(employer_a_user)
    client.post(URL, {"kind": CONSULTATION})

    response = client.post(URL, {"kind": CONSULTATION})

    assert response.status_code == 200
    assert "has not answered yet" in response.content.decode()
    assert Interaction.objects.count() == 1


def test_a_request_without_a_kind_or_with_too_long_a_message_is_refused(employer_a_user):
    client = login(employer_a_user)

    missing = client.post(URL, {"message": "hello"})
    too_long = client.post(URL, {"kind": CONSULTATION, "message": "x" * 2001})

    assert missing.status_code == too_long.status_code == 200
    assert missing.context["form"].errors == {"kind": ["This field is required."]}
    assert "at most 2000 characters" in too_long.context["form"].errors["message"][0]
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("who", ["staff_user", "auditor_user", "board_user"])
def test_other_roles_get_403_and_nothing_is_recorded(request, who, employer_a):
    response = login(request.getfixturevalue(who)).post(URL, {"kind": CONSULTATION})

    assert response.status_code == 403
    assert not Interaction.objects.exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.post(URL, {"kind": CONSULTATION})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_post_without_the_csrf_token_is_refused(employer_a_user):
    response = login(employer_a_user, enforce_csrf_checks=True).post(URL, {"kind": CONSULTATION})

    assert response.status_code == 403
    assert not Interaction.objects.exists()


def test_a_login_linked_to_no_employer_finds_nothing(db):
    from cor_portal.accounts.choices import Role
    from cor_portal.accounts.tests.factories import UserFactory

    response = login(UserFactory(username="unlinked", role=Role.EMPLOYER)).get(URL)

    assert response.status_code == 404


def test_staff_see_the_request_on_the_employer_page_and_their_home(
    employer_a, employer_a_user, staff_user
):
    login(employer_a_user).post(URL, {"kind": CONSULTATION, "message": "Call after 2 pm"})
    request = Interaction.objects.get()
    staff = login(staff_user)

    detail = staff.get(reverse("employers:detail", args=[employer_a.pk])).content.decode()
    home = staff.get(reverse("home")).content.decode()

    assert request.summary in detail
    assert "Consultation request" in detail
    assert "Employer portal" in detail
    assert request.summary in home
    assert reverse("employers:follow-up-done", args=[request.pk]) in home
