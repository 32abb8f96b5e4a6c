"""Who may do what with employers (django `rules`). Scoping stays in querysets.py."""

import rules

from cor_portal.accounts.predicates import is_employer_contact, is_staff_member

from .selectors import employer_id_for


@rules.predicate
def is_contact_of_employer(user, employer) -> bool:
    """Return whether the user is a contact of this employer."""
    if employer is None:
        return False
    return employer_id_for(user) == employer.pk


@rules.predicate
def is_colleague_contact(user, contact) -> bool:
    """Return whether the user is a contact of the same employer as this contact."""
    if contact is None:
        return False
    return employer_id_for(user) == contact.employer_id


# Sections (no object): a role outside them gets 403.
rules.add_perm("employers.access_registry", is_staff_member)
rules.add_perm("employers.view_employer", is_staff_member | is_employer_contact)
rules.add_perm("employers.view_contact", is_staff_member | is_employer_contact)
rules.add_perm("employers.view_gapanalysis", is_staff_member | is_employer_contact)
rules.add_perm("employers.view_interaction", is_staff_member)
rules.add_perm("employers.view_classificationunit", is_staff_member | is_employer_contact)
rules.add_perm("employers.view_history", is_staff_member | is_employer_contact)

# Actions.
rules.add_perm("employers.add_employer", is_staff_member)
rules.add_perm("employers.change_employer", is_staff_member)
rules.add_perm("employers.change_status", is_staff_member)
rules.add_perm("employers.import_employers", is_staff_member)
rules.add_perm("employers.add_contact", is_staff_member | is_contact_of_employer)
rules.add_perm("employers.change_contact", is_staff_member | is_colleague_contact)
rules.add_perm("employers.delete_contact", is_staff_member | is_colleague_contact)
rules.add_perm("employers.add_interaction", is_staff_member)
rules.add_perm("employers.change_interaction", is_staff_member)
rules.add_perm("employers.add_gapanalysis", is_staff_member)
# A contact asks for a gap analysis or a consultation for its own employer (staff log theirs).
rules.add_perm("employers.ask_cor_team", is_employer_contact)
rules.add_perm("employers.change_gapanalysis", is_staff_member)
rules.add_perm("employers.add_classificationunit", is_staff_member)
rules.add_perm("employers.change_classificationunit", is_staff_member)
rules.add_perm("employers.delete_classificationunit", is_staff_member)
