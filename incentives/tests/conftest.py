import pytest

from cor_portal.program.models import ProgramRules


@pytest.fixture
def rules(db):
    """Return the program rules of the migration (10%, RTW 5% until 2021, rate of year Y)."""
    return ProgramRules.objects.order_by("effective_from").first()
