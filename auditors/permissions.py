"""Who may do what with auditors (django `rules`). Scoping stays in querysets.py."""

import rules

from cor_portal.accounts.predicates import is_auditor, is_employer_contact, is_staff_member


@rules.predicate
def is_self(user, auditor) -> bool:
    """Return whether the auditor record is the user's own."""
    return auditor is not None and auditor.user_id == user.pk


@rules.predicate
def owns_record(user, record) -> bool:
    """Return whether a CPD entry, declaration or engagement belongs to the user."""
    return record is not None and record.auditor.user_id == user.pk


# Sections (no object): a role outside them gets 403.
rules.add_perm("auditors.access_roster", is_staff_member)
rules.add_perm("auditors.view_auditor", is_staff_member | is_auditor)
rules.add_perm("auditors.view_directory", is_staff_member | is_employer_contact)
rules.add_perm("auditors.manage_training", is_staff_member)
rules.add_perm("auditors.manage_eaqa", is_staff_member)

# Actions.
rules.add_perm("auditors.add_auditor", is_staff_member)
rules.add_perm("auditors.change_auditor", is_staff_member)
rules.add_perm("auditors.change_status", is_staff_member)
rules.add_perm("auditors.add_cpdactivity", is_staff_member | is_self)
rules.add_perm("auditors.change_cpdactivity", is_staff_member | owns_record)
rules.add_perm("auditors.delete_cpdactivity", is_staff_member | owns_record)
rules.add_perm("auditors.add_annualdeclaration", is_staff_member | is_self)
rules.add_perm("auditors.add_consultingengagement", is_staff_member | is_self)
rules.add_perm("auditors.change_consultingengagement", is_staff_member)
