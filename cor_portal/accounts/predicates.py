"""Role predicates (django `rules`): the building blocks of every app's permissions."""

import rules

from .choices import Role


def _has_role(user, role: Role) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role == role)


@rules.predicate
def is_staff_member(user) -> bool:
    """Return whether the user is on the association's COR staff."""
    return _has_role(user, Role.STAFF)


@rules.predicate
def is_employer_contact(user) -> bool:
    """Return whether the user signs in as a contact of an employer."""
    return _has_role(user, Role.EMPLOYER)


@rules.predicate
def is_auditor(user) -> bool:
    """Return whether the user signs in as an auditor."""
    return _has_role(user, Role.AUDITOR)


@rules.predicate
def is_board_member(user) -> bool:
    """Return whether the user sits on the board."""
    return _has_role(user, Role.BOARD)
