"""Who may see the workplan and the board dashboard."""

import rules

from cor_portal.accounts.predicates import is_board_member, is_staff_member

rules.add_perm("workplan.view_dashboard", is_board_member | is_staff_member)
