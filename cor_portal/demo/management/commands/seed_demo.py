"""Create (or refresh) a believable association's data and one login per role."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from auditors import demo as auditors_demo
from audits import demo as audits_demo
from audits import demo_wiva as wiva_demo
from cor_portal.accounts.choices import Role
from employers import demo as employers_demo
from incentives import demo as incentives_demo
from selfservice import demo as selfservice_demo
from workplan import demo as workplan_demo

DEFAULT_PASSWORD = "cor-demo-2026"
DEMO_USERS = [
    # username, role, first name, last name
    ("staff", Role.STAFF, "Sam", "Staffer"),
    ("employer", Role.EMPLOYER, "Erin", "Employer"),
    ("auditor", Role.AUDITOR, "Alex", "Auditor"),
    ("board", Role.BOARD, "Bea", "Boardmember"),
]


class Command(BaseCommand):
    help = "Load demo data (idempotent) and reset the demo logins' passwords."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password for the demo logins (default {DEFAULT_PASSWORD}).",
        )

    @transaction.atomic
    def handle(self, *args, password: str, **options) -> None:
        today = timezone.localdate()
        users = {}
        user_model = get_user_model()
        # The demo logins share one password: hash it once (a hash takes ~0.5 s by design).
        encoded = make_password(password)
        for username, role, first, last in DEMO_USERS:
            user, _ = user_model.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                },
            )
            user.role = role
            user.is_active = True
            user.is_staff = user.is_superuser = role == Role.STAFF
            user.password = encoded
            user.save()
            users[role] = user
        summaries = [
            employers_demo.seed(today=today, staff=users[Role.STAFF], login=users[Role.EMPLOYER]),
            auditors_demo.seed(today=today, staff=users[Role.STAFF], login=users[Role.AUDITOR]),
            audits_demo.seed(today=today, staff=users[Role.STAFF], login=users[Role.AUDITOR]),
            # --- qa demo ---
            wiva_demo.seed(today=today, staff=users[Role.STAFF], login=users[Role.AUDITOR]),
            # --- incentives demo ---
            incentives_demo.seed(today=today, staff=users[Role.STAFF]),
            # --- workplan demo ---
            workplan_demo.seed(today=today, staff=users[Role.STAFF]),
            # --- self-service demo ---
            selfservice_demo.seed(today=today, staff=users[Role.STAFF]),
        ]
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {'; '.join(summaries)}."))
        self.stdout.write(f"Sign in at {settings.COR_SITE_URL}/accounts/login/ as:")
        for username, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<9} ({role.label}) password: {password}")
