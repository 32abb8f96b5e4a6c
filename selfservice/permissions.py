"""Who may invite people and manage logins (django `rules`)."""

import rules

from cor_portal.accounts.predicates import is_employer_contact, is_staff_member


@rules.predicate
def is_primary_contact(user) -> bool:
    """Return whether the user is the primary contact of their employer."""
    contact = getattr(user, "employer_contact", None) if user.is_authenticated else None
    return bool(contact is not None and contact.is_primary)


rules.add_perm("selfservice.manage_invitations", is_staff_member)
rules.add_perm("selfservice.manage_logins", is_staff_member)
rules.add_perm("selfservice.invite_colleague", is_employer_contact & is_primary_contact)
rules.add_perm("selfservice.review_applications", is_staff_member)
rules.add_perm("selfservice.view_changelog", is_staff_member)
