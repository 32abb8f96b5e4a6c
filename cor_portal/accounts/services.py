"""Changes to users that the portal makes itself (accounts are otherwise managed in the admin)."""

from django.db import transaction

from .models import User, new_calendar_token


@transaction.atomic
def reset_calendar_token(*, user: User) -> str:
    """Give the user a new calendar token and return it: the old feed address stops working."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
