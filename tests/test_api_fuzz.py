"""API fuzzing: schemathesis generates requests from the OpenAPI schema for every operation.

Run in process against the WSGI application, signed in with a token as staff and as an
employer contact, with every check schemathesis has: no server error, no status code or
content type the schema does not document, responses that match their schema, rejection of
data the schema forbids. Each operation gets a bounded number of examples so the suite stays
fast; the examples are derandomized, so a failure is reproducible run after run.

Left out: ``positive_data_acceptance`` (a request the schema allows must succeed). A schema
cannot say "the id of an employer that exists" or "a start date your certificate allows", so
generated requests naming records that do not exist are rightly answered 400 with field errors;
the check that matters for them, that the 400 is documented and well formed, still runs.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES_PER_OPERATION = 5


def _openapi() -> dict:
    """Return the portal's schema as the API serves it (generated once, at collection)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(_openapi())
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _one_connection():
    """Keep the test's database connection across requests, as Django's test client does.

    The WSGI handler closes the connection when a request ends; inside the test's transaction
    the next request could not open a new one.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["staff", "employer"])
def token(request, staff_user, employer_a_user, employer_b, auditor_user):
    """Return a token of staff or of employer A's contact (with employer B in the data)."""
    user = {"staff": staff_user, "employer": employer_a_user}[request.param]
    return Token.objects.create(user=user).key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_as_documented(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        excluded_checks=[positive_data_acceptance],
    )
