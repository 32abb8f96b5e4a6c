import factory

from cor_portal.accounts.choices import Role
from cor_portal.accounts.tests.factories import UserFactory
from employers.choices import InteractionKind, InteractionSource, Region, Sector
from employers.models import ClassificationUnit, Contact, Employer, GapAnalysis, Interaction


class ClassificationUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassificationUnit
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{761000 + n:06d}")
    description = factory.Faker("catch_phrase")
    aligned = True


class EmployerFactory(factory.django.DjangoModelFactory):
    """An employer (an enquiry unless ``status`` is given) with one aligned CU."""

    class Meta:
        model = Employer
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"Employer {n:04d} Ltd.")
    account_number = factory.Sequence(lambda n: f"{8000000 + n}")
    region = Region.VANCOUVER_ISLAND
    sector = Sector.ACCOMMODATION
    employees = 25
    payroll_hours = None
    size_class = "large"

    @factory.post_generation
    def classification_units(self, create, extracted, **kwargs):
        if not create:
            return
        self.classification_units.set(extracted or [ClassificationUnitFactory()])


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    employer = factory.SubFactory(EmployerFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda c: f"{c.first_name.lower()}@example.org")
    is_primary = False


def employer_user(employer: Employer, username: str | None = None, **kwargs):
    """Return a login (role employer) linked to a new contact of the employer."""
    user = UserFactory(username=username or f"contact-{employer.pk}", role=Role.EMPLOYER, **kwargs)
    ContactFactory(employer=employer, user=user, email=user.email)
    return user


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    employer = factory.SubFactory(EmployerFactory)
    kind = InteractionKind.ENQUIRY
    source = InteractionSource.PHONE
    occurred_on = factory.Faker("date_between", start_date="-60d", end_date="-30d")
    summary = "Asked about COR"


class GapAnalysisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GapAnalysis

    employer = factory.SubFactory(EmployerFactory)
    offered_on = factory.Faker("date_between", start_date="-60d", end_date="-30d")
