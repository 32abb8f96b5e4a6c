import factory

from cor_portal.accounts.choices import Role
from cor_portal.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    """A portal user; staff by default. Password: ``password``."""

    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.STAFF
    password = factory.django.Password("password")
