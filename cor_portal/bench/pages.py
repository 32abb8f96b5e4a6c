"""What the benchmark measures: each page, who asks for it, its budget and its admin twin.

A staff list is compared with the Django admin changelist of the same model on the same data
(``admin``): the project's own admin where the model is registered there, else the reference
admin of ``cor_portal.bench.admin`` (served only by the benchmark's settings).
"""

from dataclasses import dataclass

LIST, DASHBOARD, PAGE, API = "list", "dashboard", "page", "api"
# p95 budgets in milliseconds with one user (DESIGN.md section 5); pages other than lists and
# the dashboard are measured and reported against the list budget.
P95_BUDGET_MS = {LIST: 100, DASHBOARD: 200, PAGE: 100, API: 100}
# The query budget is the lists' and the API lists' (DESIGN.md section 5), held by the
# dashboard too. A role home is not a list: it composes many panels (the employer portal
# eight) and its count is reported; tests hold it constant whatever the records' numbers.
QUERY_BUDGET = 12
QUERY_BUDGETED = (LIST, API, DASHBOARD)


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str  # staff, employer, auditor, board, or "" (public)
    kind: str = LIST
    admin: str = ""  # the admin changelist of the same model, when there is one

    @property
    def budget_ms(self) -> int:
        return P95_BUDGET_MS[self.kind]

    @property
    def query_budget(self) -> int | None:
        return QUERY_BUDGET if self.kind in QUERY_BUDGETED else None


PAGES: list[Page] = [
    # Staff lists.
    Page("Employers", "/employers/", "staff", admin="/admin/employers/employer/"),
    Page(
        "Interactions", "/employers/interactions/", "staff", admin="/admin/employers/interaction/"
    ),
    Page(
        "Gap analyses", "/employers/gap-analyses/", "staff", admin="/admin/employers/gapanalysis/"
    ),
    Page(
        "Classification units",
        "/employers/classification-units/",
        "staff",
        admin="/admin/employers/classificationunit/",
    ),
    Page("Applications", "/employers/applications/", "staff"),
    Page("Auditors", "/auditors/", "staff", admin="/admin/auditors/auditor/"),
    Page(
        "Training sessions",
        "/auditors/sessions/",
        "staff",
        admin="/admin/auditors/trainingsession/",
    ),
    Page(
        "Course completions",
        "/auditors/completions/",
        "staff",
        admin="/admin/auditors/coursecompletion/",
    ),
    Page("EAQA plan", "/auditors/eaqa/", "staff", admin="/admin/auditors/eaqa/"),
    Page("Audit board", "/audits/", "staff", admin="/bench-admin/audits/audit/"),
    Page(
        "Certificates",
        "/audits/certificates/",
        "staff",
        admin="/bench-admin/audits/certificate/",
    ),
    Page("WIVA cases", "/audits/wiva/", "staff", admin="/bench-admin/audits/wivacase/"),
    Page("QA queue", "/qa/", "staff", admin="/bench-admin/audits/review/"),
    Page("QA metrics", "/qa/metrics/", "staff", kind=PAGE),
    Page("Incentives", "/incentives/", "staff", admin="/bench-admin/incentives/incentive/"),
    Page(
        "Base rates", "/incentives/base-rates/", "staff", admin="/bench-admin/incentives/baserate/"
    ),
    Page("Payrolls", "/incentives/payrolls/", "staff", admin="/bench-admin/incentives/payroll/"),
    Page("Incentive runs", "/incentives/runs/", "staff"),
    Page("Incentive letters", "/incentives/letters/", "staff"),
    Page("Workplan", "/workplan/", "staff"),
    Page("Change log", "/changes/", "staff"),
    Page("Logins", "/logins/", "staff", admin="/admin/accounts/user/"),
    Page("Invitations", "/invitations/", "staff", admin="/admin/selfservice/invitation/"),
    Page("Notifications", "/notifications/", "staff"),
    # Role homes.
    Page("Staff today", "/", "staff", kind=PAGE),
    Page("Employer portal", "/portal/", "employer", kind=PAGE),
    Page("Auditor workspace", "/auditor/", "auditor", kind=PAGE),
    Page("Board dashboard", "/dashboard/", "board", kind=DASHBOARD),
    Page("Verify: certified employers", "/verify/certified/", "", kind=LIST),
    # API lists.
    Page("API employers", "/api/v1/employers/", "staff", kind=API),
    Page("API interactions", "/api/v1/interactions/", "staff", kind=API),
    Page("API auditors", "/api/v1/auditors/", "staff", kind=API),
    Page("API audits", "/api/v1/audits/", "staff", kind=API),
    Page("API certificates", "/api/v1/certificates/", "staff", kind=API),
    Page("API deadlines", "/api/v1/deadlines/", "staff", kind=API),
    Page("API QA reviews", "/api/v1/qa-reviews/", "staff", kind=API),
    Page("API incentives", "/api/v1/incentives/", "staff", kind=API),
    Page("API payrolls", "/api/v1/payrolls/", "staff", kind=API),
    Page("API audits (auditor)", "/api/v1/audits/", "auditor", kind=API),
    Page("API audits (employer)", "/api/v1/audits/", "employer", kind=API),
    Page("API workplan KPIs", "/api/v1/workplan-kpis/", "board", kind=API),
]
