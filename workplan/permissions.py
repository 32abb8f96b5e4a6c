"""Who may see the workplan and the board dashboard, and who may change them."""

import rules

from cor_portal.accounts.predicates import is_board_member, is_staff_member

# The board and staff read the dashboard, the board pack and the API; staff alone change.
rules.add_perm("workplan.view_dashboard", is_board_member | is_staff_member)
rules.add_perm("workplan.view_workplan", is_board_member | is_staff_member)
rules.add_perm("workplan.manage_workplan", is_staff_member)
