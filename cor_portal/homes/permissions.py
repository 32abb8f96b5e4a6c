"""Who may open each role home."""

import rules

from cor_portal.accounts.predicates import is_auditor, is_employer_contact, is_staff_member

rules.add_perm("homes.view_today", is_staff_member)
rules.add_perm("homes.view_portal", is_employer_contact)
rules.add_perm("homes.view_auditor_workspace", is_auditor)
