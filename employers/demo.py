"""Demo employers: a believable association across every lifecycle status and region.

Everything goes through the services, so the demo data obeys the same rules as real data.
Running it again adds nothing: employers are keyed by their account number.

Employers whose final status follows from audits (certification in progress, certified,
lapsed) are only registered here: the audits demo (``audits/demo.py``, run after the
auditors') plans their certification audits, which starts their certification, approves
them, which certifies them, and lapses the certificates of those that missed a maintenance
year, so every status has the audits and certificates that explain it.
"""

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from . import services
from .choices import PORTAL_REQUEST_KINDS, InteractionKind, InteractionSource, Region, Sector
from .models import ClassificationUnit, Contact, Employer

# Illustrative CUs for a tourism and hospitality association (the last two are outside it).
UNITS = [
    ("761003", "Hotel, motel or resort", True),
    ("761009", "Restaurant, café or other dining", True),
    ("761012", "Guided tours and tour operation", True),
    ("761024", "Ski hill or mountain resort operation", True),
    ("761034", "Golf course", True),
    ("761045", "Campground or RV park", True),
    ("761052", "Attraction, museum or amusement park", True),
    ("761057", "Adventure tourism (rafting, zipline, heli-skiing)", True),
    ("732044", "Sightseeing bus or coach service", False),
    ("753004", "Local government", False),
]

R, S = Region, Sector
# legal name, trade name, region, sector, CU codes, employees, payroll hours, final status
# fmt: off
EMPLOYERS: list[tuple[str, str, str, str, list[str], int | None, str | None, str]] = [
    ("Harbourview Hotel Ltd.", "Harbourview Hotel", R.VANCOUVER_ISLAND, S.ACCOMMODATION, ["761003", "761009"], 140, None, "certified"),
    ("Salish Sea Kayak Adventures Inc.", "", R.VANCOUVER_ISLAND, S.ADVENTURE, ["761057"], 18, None, "certified"),
    ("Tofino Surf & Stay Ltd.", "Surf & Stay", R.VANCOUVER_ISLAND, S.ACCOMMODATION, ["761003"], None, "31200", "registered"),
    ("Cowichan Valley Winery Tours Ltd.", "", R.VANCOUVER_ISLAND, S.ATTRACTIONS, ["761012"], 9, None, "enquiry"),
    ("Nanaimo Harbour Ferries Co.", "", R.VANCOUVER_ISLAND, S.TRANSPORTATION, ["732044"], 35, None, "lapsed"),
    ("Comox Glacier Lodge Inc.", "", R.VANCOUVER_ISLAND, S.ACCOMMODATION, ["761003"], 42, None, "certification_in_progress"),
    ("Granville Island Eateries Ltd.", "Island Eats", R.VANCOUVER_COAST_MOUNTAINS, S.FOOD_BEVERAGE, ["761009"], 65, None, "certified"),
    ("Whistler Peak Adventures Corp.", "", R.VANCOUVER_COAST_MOUNTAINS, S.ADVENTURE, ["761057", "761024"], None, "41600", "certified"),
    ("Coast Mountain Heli-Tours Ltd.", "", R.VANCOUVER_COAST_MOUNTAINS, S.ADVENTURE, ["761057"], None, "41599", "registered"),
    ("Stanley Park Carriage Co.", "", R.VANCOUVER_COAST_MOUNTAINS, S.ATTRACTIONS, ["761052"], 12, None, "withdrawn"),
    ("Sea to Sky Gondola Operations Ltd.", "", R.VANCOUVER_COAST_MOUNTAINS, S.ATTRACTIONS, ["761052"], 88, None, "certified"),
    ("Pacific Convention Services Inc.", "", R.VANCOUVER_COAST_MOUNTAINS, S.EVENTS, ["761012"], 24, None, "enquiry"),
    ("Squamish Climbing Guides Ltd.", "", R.VANCOUVER_COAST_MOUNTAINS, S.ADVENTURE, ["761057"], 7, None, "registered"),
    ("Okanagan Lakeside Resort Ltd.", "Lakeside Resort", R.THOMPSON_OKANAGAN, S.ACCOMMODATION, ["761003", "761034"], 210, None, "certified"),
    ("Kelowna Vineyard Bistro Inc.", "", R.THOMPSON_OKANAGAN, S.FOOD_BEVERAGE, ["761009"], 19, None, "certified"),
    ("Sun Peaks Mountain Holidays Ltd.", "", R.THOMPSON_OKANAGAN, S.SKI, ["761024"], 300, None, "certification_in_progress"),
    ("Kamloops Desert Golf Club", "", R.THOMPSON_OKANAGAN, S.ATTRACTIONS, ["761034"], 27, None, "registered"),
    ("Penticton Beach Campground Ltd.", "", R.THOMPSON_OKANAGAN, S.ACCOMMODATION, ["761045"], 6, None, "enquiry"),
    ("Shuswap Houseboat Rentals Inc.", "", R.THOMPSON_OKANAGAN, S.ADVENTURE, ["761057"], 33, None, "removed"),
    ("Vernon Biosphere Eco-Tours Ltd.", "", R.THOMPSON_OKANAGAN, S.ATTRACTIONS, ["761012"], 11, None, "registered"),
    ("Kicking Horse Lodge Ltd.", "", R.KOOTENAY_ROCKIES, S.ACCOMMODATION, ["761003"], 55, None, "certified"),
    ("Fernie Alpine Resort Operations Inc.", "", R.KOOTENAY_ROCKIES, S.SKI, ["761024", "761009"], 420, None, "certified"),
    ("Radium Hot Springs Cafe Ltd.", "", R.KOOTENAY_ROCKIES, S.FOOD_BEVERAGE, ["761009"], 14, None, "certification_in_progress"),
    ("Nelson Heritage Inn Ltd.", "", R.KOOTENAY_ROCKIES, S.ACCOMMODATION, ["761003"], 22, None, "lapsed"),
    ("Columbia Valley Rafting Co.", "", R.KOOTENAY_ROCKIES, S.ADVENTURE, ["761057"], 16, None, "enquiry"),
    ("Regional District of East Kootenay Parks", "", R.KOOTENAY_ROCKIES, S.ATTRACTIONS, ["753004"], 48, None, "registered"),
    ("Cariboo Guest Ranch Ltd.", "", R.CARIBOO_CHILCOTIN_COAST, S.ACCOMMODATION, ["761003"], 21, None, "certified"),
    ("Barkerville Historic Tours Society", "", R.CARIBOO_CHILCOTIN_COAST, S.ATTRACTIONS, ["761052"], 38, None, "certification_in_progress"),
    ("Bella Coola Grizzly Tours Ltd.", "", R.CARIBOO_CHILCOTIN_COAST, S.ADVENTURE, ["761012"], 8, None, "registered"),
    ("Williams Lake Stampede Events Inc.", "", R.CARIBOO_CHILCOTIN_COAST, S.EVENTS, ["761012"], 5, None, "withdrawn"),
    ("Quesnel Riverside Diner Ltd.", "", R.CARIBOO_CHILCOTIN_COAST, S.FOOD_BEVERAGE, ["761009"], 13, None, "enquiry"),
    ("Chilcotin Coast Coach Lines Ltd.", "", R.CARIBOO_CHILCOTIN_COAST, S.TRANSPORTATION, ["732044"], 26, None, "certified"),
    ("Northern Lights Lodge Ltd.", "", R.NORTHERN_BC, S.ACCOMMODATION, ["761003"], 31, None, "certified"),
    ("Prince George Conference Centre Inc.", "", R.NORTHERN_BC, S.EVENTS, ["761012"], 44, None, "certification_in_progress"),
    ("Haida Gwaii Watchmen Tours Ltd.", "", R.NORTHERN_BC, S.ADVENTURE, ["761012"], 10, None, "registered"),
    ("Fort St. John Golf & Country Club", "", R.NORTHERN_BC, S.ATTRACTIONS, ["761034"], 23, None, "lapsed"),
    ("Smithers Ski Hill Society", "", R.NORTHERN_BC, S.SKI, ["761024"], 60, None, "withdrawn"),
    ("Prince Rupert Seafood House Ltd.", "", R.NORTHERN_BC, S.FOOD_BEVERAGE, ["761009"], 17, None, "removed"),
    ("Terrace Wilderness Outfitters Inc.", "", R.NORTHERN_BC, S.TRAVEL_SERVICES, ["761057"], 4, None, "enquiry"),
    ("Tumbler Ridge Geopark Tours Ltd.", "", R.NORTHERN_BC, S.TRAVEL_SERVICES, ["761012"], 3, None, "certified"),
]
# fmt: on

# The lifecycle actions that take a new employer (an enquiry) to each final status; the
# audits demo takes the registered ones on to certification in progress, certified or lapsed.
PATHS = {
    "enquiry": [],
    "registered": ["register"],
    "certification_in_progress": ["register"],
    "certified": ["register"],
    "lapsed": ["register"],
    "withdrawn": ["register", "withdraw"],
    "removed": ["register", "start_certification", "remove"],
}
AUDITED_SINCE_JOINING = ("certified", "lapsed")
REASONS = {
    "register": "Registration form and CU eligibility confirmed",
    "start_certification": "Notice of Audit received for the certification audit",
    "withdraw": "Employer chose to leave the program",
    "remove": "Terms of participation not met",
}
STREETS = ["Main", "Lakeshore", "Harbour", "Mountain", "River"]
CITIES = {
    R.VANCOUVER_ISLAND: ["Victoria", "Nanaimo", "Tofino", "Courtenay"],
    R.VANCOUVER_COAST_MOUNTAINS: ["Vancouver", "Whistler", "Squamish", "North Vancouver"],
    R.THOMPSON_OKANAGAN: ["Kelowna", "Kamloops", "Penticton", "Vernon"],
    R.KOOTENAY_ROCKIES: ["Nelson", "Fernie", "Golden", "Invermere"],
    R.CARIBOO_CHILCOTIN_COAST: ["Williams Lake", "Quesnel", "Bella Coola", "100 Mile House"],
    R.NORTHERN_BC: ["Prince George", "Smithers", "Prince Rupert", "Fort St. John"],
}
FINDINGS = "Written program in place; inspections and JHSC minutes need work."
FIRST_NAMES = [
    "Jordan",
    "Priya",
    "Mateo",
    "Aiyana",
    "Chen",
    "Olivia",
    "Liam",
    "Noor",
    "Sofia",
    "Raj",
]
LAST_NAMES = [
    "Campbell",
    "Singh",
    "Tremblay",
    "Joe",
    "Wong",
    "MacDonald",
    "Nguyen",
    "Ali",
    "Martin",
    "Patel",
]


def _units() -> dict[str, ClassificationUnit]:
    units = {}
    for code, description, aligned in UNITS:
        units[code], _ = ClassificationUnit.objects.get_or_create(
            code=code, defaults={"description": description, "aligned": aligned}
        )
    return units


def _create(
    index: int, row: tuple, *, units: dict, today: date, staff: Any, rng: random.Random
) -> Employer:
    legal, trade, region, sector, codes, employees, hours, final = row
    # Certified and lapsed employers joined years ago: their certificates (audits demo) are
    # up to three years old.
    days = 1250 + index * 3 if final in AUDITED_SINCE_JOINING else 720 - index * 17
    start = today - timedelta(days=days)
    nao = any(not units[code].aligned for code in codes)
    employer = services.create_employer(
        actor=staff,
        on=start,
        legal_name=legal,
        trade_name=trade,
        account_number=str(7100000 + index * 137),
        region=region,
        sector=sector,
        classification_units=[units[code] for code in codes],
        employees=employees,
        payroll_hours=Decimal(hours) if hours else None,
        street=f"{100 + index * 11} {rng.choice(STREETS)} Road",
        city=CITIES[region][index % len(CITIES[region])],
        postal_code=f"V{index % 10}A {index % 10}B{(index * 3) % 10}",
        nao_approved_on=start if nao else None,
        nao_reference=f"WSBC-NAO-{2024 + index % 2}-{index:03d}" if nao else "",
    )
    for first, last, primary in (
        (FIRST_NAMES[index % 10], LAST_NAMES[index % 10], True),
        (FIRST_NAMES[(index + 3) % 10], LAST_NAMES[(index + 5) % 10], False),
    ):
        services.add_contact(
            employer=employer,
            actor=staff,
            first_name=first,
            last_name=last,
            title="Health and Safety Coordinator" if primary else "General Manager",
            email=f"{first.lower()}.{last.lower()}@{legal.split()[0].lower()}.example",
            phone=f"250-555-{1000 + index:04d}",
            is_primary=primary,
        )
    on = start
    for step, action in enumerate(PATHS[final]):
        on = on + timedelta(days=rng.randint(20, 120) if step else rng.randint(3, 30))
        on = min(on, today)
        employer = services.LIFECYCLE_ACTIONS[action].service(
            employer=employer, actor=staff, on=on, reason=REASONS[action]
        )
    return employer


def _interactions(employer: Employer, index: int, *, today: date, staff: Any) -> None:
    # Staff log these; requests come from the employers' own portal.
    kinds = [kind for kind in InteractionKind if kind not in PORTAL_REQUEST_KINDS]
    kind = kinds[index % len(kinds)]
    source = {
        InteractionKind.BIOSPHERE: InteractionSource.BIOSPHERE,
        InteractionKind.CAMPAIGN: InteractionSource.CAMPAIGN,
        InteractionKind.EVENT: InteractionSource.EVENT,
        InteractionKind.OUTREACH_VISIT: InteractionSource.REGIONAL_CONSULTANT,
    }.get(kind, InteractionSource.PHONE)
    occurred = today - timedelta(days=3 + index * 5)
    services.log_interaction(
        employer=employer,
        actor=staff,
        kind=kind,
        source=source,
        occurred_on=occurred,
        summary=f"{kind.label} about COR next steps",
        notes="Discussed the certification timeline and the gap analysis offer.",
        follow_up_due=occurred + timedelta(days=7 + index % 10) if index % 3 == 0 else None,
    )


def seed(*, today: date, staff: Any, login: Any) -> str:
    """Create the demo employers once and link the employer demo login; return a summary."""
    rng = random.Random(2026)
    units = _units()
    created = 0
    for index, row in enumerate(EMPLOYERS):
        if Employer.objects.filter(legal_name=row[0]).exists():
            continue
        employer = _create(index, row, units=units, today=today, staff=staff, rng=rng)
        _interactions(employer, index, today=today, staff=staff)
        gap = employer.gap_analyses.first()
        if gap is not None and index % 2 == 0:
            services.update_gap_analysis(
                gap_analysis=gap,
                actor=staff,
                requested_on=gap.offered_on,
                scheduled_on=min(gap.offered_on + timedelta(days=14), today),
                consultant=staff,
                **(
                    {
                        "completed_on": min(gap.offered_on + timedelta(days=21), today),
                        "findings": FINDINGS,
                    }
                    if index % 4 == 0
                    else {}
                ),
            )
        created += 1
    home = Employer.objects.get(legal_name=EMPLOYERS[0][0])
    if not Contact.objects.filter(user=login).exists():
        contact = home.contacts.get(is_primary=True)
        Contact.objects.filter(pk=contact.pk).update(user=login)
    return f"{created} employers added, {Employer.objects.count()} in all"
