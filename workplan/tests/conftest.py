import json
from pathlib import Path

import pytest

from workplan import services

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "go2hr-2023-24.json"


@pytest.fixture
def fixture_data():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def go2hr(db, fixture_data):
    """The go2HR 23/24 workplan, loaded from its fixture."""
    workplan, _ = services.load_workplan(actor=None, data=fixture_data)
    return workplan
