"""Who may do what with audits (django `rules`). Scoping stays in querysets.py."""

import rules

from cor_portal.accounts.predicates import is_auditor, is_employer_contact, is_staff_member


@rules.predicate
def leads_audit(user, audit) -> bool:
    """Return whether the user is the audit's lead auditor."""
    return audit is not None and audit.lead_auditor.user_id == user.pk


# Sections (no object): a role outside them gets 403.
rules.add_perm("audits.access_board", is_staff_member)
rules.add_perm("audits.view_audit", is_staff_member | is_auditor | is_employer_contact)
rules.add_perm("audits.view_certificate", is_staff_member | is_employer_contact)
# Extension requests: staff, and auditors for their own audits (scoped by visible_to).
rules.add_perm("audits.view_extension", is_staff_member | is_auditor)

# Actions.
rules.add_perm("audits.plan_audit", is_staff_member)
rules.add_perm("audits.change_audit", is_staff_member)
rules.add_perm("audits.cancel_audit", is_staff_member)
rules.add_perm("audits.file_notice", is_staff_member | leads_audit)
rules.add_perm("audits.record_onsite", is_staff_member | leads_audit)
rules.add_perm("audits.submit_report", is_staff_member | leads_audit)
rules.add_perm("audits.request_extension", is_staff_member | leads_audit)
rules.add_perm("audits.decide_extension", is_staff_member)
rules.add_perm("audits.decide_audit", is_staff_member)
rules.add_perm("audits.view_report", is_staff_member | leads_audit)
# Starting from the employer's previous audit ("last time"): the lead auditor alone.
rules.add_perm("audits.start_from_previous", leads_audit)

# QA reviews: staff review; the lead auditor answers the notes of their returned audit.
rules.add_perm("audits.review_audit", is_staff_member)
rules.add_perm("audits.answer_note", is_staff_member | leads_audit)
rules.add_perm("audits.view_review_note", is_staff_member | is_auditor)
rules.add_perm("audits.view_revision", is_staff_member | is_auditor)

# --- plagiarism and WIVA: staff only ---
rules.add_perm("audits.view_similarity", is_staff_member)
rules.add_perm("audits.view_wiva", is_staff_member)
rules.add_perm("audits.manage_wiva", is_staff_member)
