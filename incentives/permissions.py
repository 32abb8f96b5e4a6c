"""Who may do what with incentives (django `rules`). Scoping stays in querysets.py."""

import rules

from cor_portal.accounts.predicates import is_employer_contact, is_staff_member

# Sections (no object): a role outside them gets 403.
rules.add_perm("incentives.access_incentives", is_staff_member)
rules.add_perm("incentives.view_letter", is_staff_member | is_employer_contact)
rules.add_perm("incentives.view_incentive", is_staff_member | is_employer_contact)

# Actions.
rules.add_perm("incentives.change_baserate", is_staff_member)
rules.add_perm("incentives.change_payroll", is_staff_member)
rules.add_perm("incentives.import_figures", is_staff_member)
rules.add_perm("incentives.record_eligibility", is_staff_member)
rules.add_perm("incentives.run_incentives", is_staff_member)
rules.add_perm("incentives.issue_letter", is_staff_member)
