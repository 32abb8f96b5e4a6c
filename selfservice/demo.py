"""Demo self-service: applications waiting for review and an open invitation.

Runs after the employers' demo (it reads its CUs and employers). Running it again adds
nothing: applications are keyed by account number and the invitation by its email.
"""

from datetime import date
from typing import Any

from employers.models import ClassificationUnit, Employer

from . import applications, services
from .models import Application, Invitation

APPLICANTS = [
    # legal name, account number, region, sector, CU codes, employees, contact
    (
        "Juniper Bay Lodge Ltd.",
        "7612345",
        "thompson_okanagan",
        "accommodation",
        ["761003", "761009"],
        18,
        ("Morgan", "Reyes", "morgan@juniperbay.example"),
    ),
    (
        "Skyline Coach Tours Inc.",
        "7698001",
        "vancouver_coast_mountains",
        "transportation",
        ["732044"],
        35,
        ("Priya", "Nand", "priya@skylinecoach.example"),
    ),
]


def seed(*, today: date, staff: Any) -> str:
    """Add the demo applications and a board member's invitation; return a summary."""
    units = {unit.code: unit for unit in ClassificationUnit.objects.all()}
    added = 0
    for name, account, region, sector, codes, employees, contact in APPLICANTS:
        if Application.objects.filter(account_number=account).exists():
            continue
        chosen = [units[code] for code in codes if code in units]
        extra: dict[str, Any] = {}
        if any(not unit.aligned for unit in chosen):
            extra = {"nao_approved_on": date(today.year - 1, 3, 1), "nao_reference": "NAO-DEMO-7"}
        applications.submit_application(
            classification_units=chosen,
            legal_name=name,
            account_number=account,
            region=region,
            sector=sector,
            employees=employees,
            city="Kamloops",
            contact_first_name=contact[0],
            contact_last_name=contact[1],
            contact_email=contact[2],
            **extra,
        )
        added += 1
    # One application from an employer already recorded: flagged to staff as a duplicate.
    existing = Employer.objects.order_by("pk").first()
    if existing and not Application.objects.filter(account_number=existing.account_number).exists():
        applications.submit_application(
            classification_units=list(existing.classification_units.all()),
            legal_name=existing.legal_name,
            account_number=existing.account_number,
            region=existing.region,
            sector=existing.sector,
            employees=existing.employees or 10,
            city=existing.city or "Victoria",
            contact_first_name="Casey",
            contact_last_name="Again",
            contact_email="casey@example.org",
        )
        added += 1
    if not Invitation.objects.filter(email="new.board@example.org").exists():
        services.invite_board_member(
            email="new.board@example.org", first_name="Noor", last_name="Board", actor=staff
        )
    return f"{added} online applications"
