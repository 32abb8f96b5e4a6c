"""Query counts: lists make the same number of SQL queries at 10 and at 200 employers.

DESIGN.md section 5 budgets every list page and API list to a constant number of queries, at
most 12. Each constant below is what the page makes today; a change that adds a query per row
fails here at 200 rows, and one that adds a fixed query shows up as a new constant to review.
"""

import pytest
from rest_framework.test import APIClient

from employers import services
from employers.models import ClassificationUnit, Contact, Employer, GapAnalysis, Interaction
from employers.tests.factories import (
    ClassificationUnitFactory,
    ContactFactory,
    EmployerFactory,
    GapAnalysisFactory,
    InteractionFactory,
)

pytestmark = pytest.mark.django_db

BUDGET = 12
SIZES = [10, 200]

# Session, user, the count, the CU filter's choices, the page of employers, and their CUs in
# one prefetch.
STAFF_LIST_QUERIES = 6
# The export reads the same, with the rows in one go instead of a page.
STAFF_EXPORT_QUERIES = 6
# Session, user, the count, the page of employers, their CUs in one prefetch.
API_LIST_QUERIES = 5
# Token, the employer's own row (count and page), its CUs.
API_SCOPED_LIST_QUERIES = 4
# Session, user, count, page (with employer and staff member in the same query).
INTERACTION_LIST_QUERIES = 4
GAP_ANALYSIS_LIST_QUERIES = 4
CU_LIST_QUERIES = 4
# Token, count, page (contacts only: the employer is an id).
API_CONTACT_LIST_QUERIES = 3
# Session, user, the employer, its CUs, contacts, registrations, gap analyses, status changes,
# interactions, and the history panel (its 15 records, the M2M rows of those records, one
# prev_record for the oldest shown, and the names of the changed CUs).
DETAIL_QUERIES = 13

LIST_CONSTANTS = {
    "staff list": STAFF_LIST_QUERIES,
    "staff export": STAFF_EXPORT_QUERIES,
    "API list": API_LIST_QUERIES,
    "API list, employer user": API_SCOPED_LIST_QUERIES,
    "interactions": INTERACTION_LIST_QUERIES,
    "gap analyses": GAP_ANALYSIS_LIST_QUERIES,
    "classification units": CU_LIST_QUERIES,
    "API contacts": API_CONTACT_LIST_QUERIES,
}


@pytest.mark.parametrize("name", sorted(LIST_CONSTANTS))
def test_list_query_constants_are_within_the_design_budget(name):
    assert LIST_CONSTANTS[name] <= BUDGET


def make_employers(count: int) -> list[Employer]:
    """Employers with 2 CUs and 2 contacts each, plus an interaction and a gap analysis.

    Built in bulk (a handful of queries whatever the count) so the 200-row runs stay fast.
    """
    start = Employer.objects.count()
    units = ClassificationUnit.objects.bulk_create(
        [
            ClassificationUnitFactory.build(code=f"{100000 + start * 2 + n:06d}")
            for n in range(2 * count)
        ]
    )
    employers = Employer.objects.bulk_create(
        [
            EmployerFactory.build(account_number=f"{9000000 + start + n}", size_class="small")
            for n in range(count)
        ]
    )
    Through = Employer.classification_units.through
    Through.objects.bulk_create(
        Through(employer=employer, classificationunit=unit)
        for n, employer in enumerate(employers)
        for unit in units[2 * n : 2 * n + 2]
    )
    Contact.objects.bulk_create(
        ContactFactory.build(employer=employer, is_primary=(n == 0))
        for employer in employers
        for n in range(2)
    )
    Interaction.objects.bulk_create(InteractionFactory.build(employer=e) for e in employers)
    GapAnalysis.objects.bulk_create(GapAnalysisFactory.build(employer=e) for e in employers)
    return employers


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def staff_api(staff_user):
    api = APIClient()
    api.force_login(staff_user)
    return api


@pytest.mark.parametrize("count", SIZES)
def test_staff_employer_list_query_count_is_constant(
    staff_client, django_assert_num_queries, count
):
    make_employers(count)

    with django_assert_num_queries(STAFF_LIST_QUERIES):
        response = staff_client.get("/employers/")

    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == min(count, 25)


@pytest.mark.parametrize("count", SIZES)
def test_staff_employer_list_search_and_filter_query_count_is_constant(
    staff_client, django_assert_num_queries, count
):
    make_employers(count)

    with django_assert_num_queries(STAFF_LIST_QUERIES):
        response = staff_client.get(
            "/employers/", {"q": "7", "status": "enquiry", "sort": "-account_number"}
        )

    assert response.status_code == 200


@pytest.mark.parametrize("count", SIZES)
def test_staff_employer_export_query_count_is_constant(
    staff_client, django_assert_num_queries, count
):
    make_employers(count)

    with django_assert_num_queries(STAFF_EXPORT_QUERIES):
        response = staff_client.get("/employers/", {"_export": "csv"})

    assert response.content.decode("utf-8-sig").count("\n") == count + 1


@pytest.mark.parametrize("count", SIZES)
def test_api_employer_list_query_count_is_constant(staff_api, django_assert_num_queries, count):
    make_employers(count)

    with django_assert_num_queries(API_LIST_QUERIES):
        response = staff_api.get("/api/v1/employers/")

    assert response.status_code == 200
    assert response.json()["count"] == count
    assert all(len(item["classification_units"]) == 2 for item in response.json()["results"])


@pytest.mark.parametrize("count", SIZES)
def test_api_employer_list_for_an_employer_user_query_count_is_constant(
    employer_a, employer_a_user, django_assert_num_queries, count
):
    from rest_framework.authtoken.models import Token

    make_employers(count)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=employer_a_user)}")

    with django_assert_num_queries(API_SCOPED_LIST_QUERIES):
        response = api.get("/api/v1/employers/")

    assert [item["id"] for item in response.json()["results"]] == [employer_a.pk]


@pytest.mark.parametrize("count", SIZES)
def test_api_contact_list_query_count_is_constant(staff_user, django_assert_num_queries, count):
    from rest_framework.authtoken.models import Token

    make_employers(count)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user)}")

    with django_assert_num_queries(API_CONTACT_LIST_QUERIES):
        response = api.get("/api/v1/contacts/")

    assert response.json()["count"] == 2 * count


@pytest.mark.parametrize("count", SIZES)
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/employers/interactions/", INTERACTION_LIST_QUERIES),
        ("/employers/gap-analyses/", GAP_ANALYSIS_LIST_QUERIES),
        ("/employers/classification-units/", CU_LIST_QUERIES),
    ],
)
def test_other_registry_lists_query_count_is_constant(
    staff_client, django_assert_num_queries, count, path, queries
):
    make_employers(count)

    with django_assert_num_queries(queries):
        response = staff_client.get(path)

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 40])
def test_detail_page_query_count_does_not_grow_with_its_records(
    staff_client, staff_user, django_assert_num_queries, count
):
    employer = EmployerFactory(
        classification_units=[ClassificationUnitFactory(), ClassificationUnitFactory()]
    )
    ContactFactory.create_batch(count, employer=employer)
    InteractionFactory.create_batch(count, employer=employer)
    GapAnalysisFactory.create_batch(count, employer=employer)
    # Enough history to fill the panel (15 records) even at the small size.
    for number in range(10):
        services.update_employer(
            employer=employer,
            actor=staff_user,
            legal_name=f"Name {number}",
            classification_units=[ClassificationUnitFactory()],
        )

    with django_assert_num_queries(DETAIL_QUERIES):
        response = staff_client.get(f"/employers/{employer.pk}/")

    assert response.status_code == 200


@pytest.mark.parametrize("changes", [10, 40])
def test_history_page_query_count_does_not_grow_with_the_changes(
    staff_client, staff_user, django_assert_max_num_queries, changes
):
    employer = EmployerFactory()
    for number in range(changes):
        services.update_employer(
            employer=employer,
            actor=staff_user,
            legal_name=f"Name {number}",
            classification_units=[ClassificationUnitFactory()],
        )

    with django_assert_max_num_queries(10):
        response = staff_client.get(f"/employers/{employer.pk}/history/")

    assert response.status_code == 200
