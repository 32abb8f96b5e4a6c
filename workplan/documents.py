"""The workplan's documents: the board pack and year-end report, in WorkSafeBC's layout."""

from datetime import date

from cor_portal.pdf import render_pdf

from . import selectors
from .models import Workplan


def board_pack_context(workplan: Workplan, *, today: date) -> dict:
    mandates = selectors.mandates_of(workplan)
    board = selectors.dashboard(workplan, today=today, mandates=mandates)
    return {
        "workplan": workplan,
        "board": board,
        "year_end": today >= workplan.ends_on,
        "today": today,
    }


def board_pack_pdf(workplan: Workplan, *, today: date) -> bytes:
    """Return the PDF: each mandate's objective, action plan, activity table with budgets,
    KPIs with their progress, measurement table with evaluation results filled from the
    actuals, the latest snapshot's commentary and the approval block."""
    return render_pdf("workplan/pdf/board_pack.html", board_pack_context(workplan, today=today))
