"""Sample audit report texts (a hotel, a near-copy of it, a tour operator) and their PDFs:
the plagiarism demo and tests use them (R-13)."""

from django.utils.html import escape

# An audit report of a hotel, as an auditor might write it.
HOTEL_REPORT = """
Management leadership and organizational commitment. The general manager signed the health and
safety policy in January and it is posted at the front desk, in the staff room and in the
kitchen. Interviews with eleven workers confirmed that the policy is reviewed at every new
hire orientation. Senior managers attend the monthly joint health and safety committee meeting
and the minutes show that action items are assigned to named people with target dates.
Hazard identification and control. A formal hazard assessment covers housekeeping, kitchen,
maintenance and front desk tasks. Housekeepers described the two person rule for turning
mattresses and the use of long handled tools for cleaning bathtubs. The kitchen slicer guard
was in place during the site tour and the lockout procedure is written for the walk in cooler
fans. Chemical products are labelled and the safety data sheets are kept in a red binder next
to the laundry. Safe work procedures. Procedures were sampled for laundry, pool chemical
handling and ladder use; each had a revision date within the last two years and a sign off
sheet for trained workers. Training and communication. Records show orientation for all
twenty six new workers hired this season, with a checklist signed by the worker and the
supervisor. Inspections. Monthly workplace inspections are done by a committee pair; the
corrective actions from the last three inspections were closed within thirty days.
Investigations. Two incidents were investigated with root causes identified and corrective
actions tracked to completion. Emergency preparedness. The fire safety plan was reviewed and a
drill was held in September with a written debrief and improvements.
"""

# The same report with the names changed and a few words edited: a near-copy.
HOTEL_COPY = (
    HOTEL_REPORT.replace("eleven workers", "nine workers")
    .replace("twenty six new workers", "eighteen new workers")
    .replace("September", "October")
)

# A report of a tour operator written independently: same subject, different words.
TOURS_REPORT = """
The owner of the rafting company leads the safety program personally and chairs the weekly
guide meeting, where near misses from the river are discussed before the first trip of the day.
Guides carry throw bags, first aid kits and radios, and the trip leader checks every guest's
personal flotation device before launching. River levels are recorded each morning from the
provincial gauge and trips are cancelled above the written cut off. New guides complete a swift
water rescue course and shadow a senior guide for ten trips before leading. Vehicle pre trip
checks are logged on a tablet and the shuttle drivers hold the correct licence class. The bus
had a cracked mirror noted on the last log which was repaired within two days. An incident in
July when a guest was struck by a paddle was reviewed with the guide team and the briefing
script was changed to demonstrate paddle control on land. Emergency response plans for each
river section list the nearest road access, the helicopter landing zone and the hospital.
Office staff have an ergonomic assessment form and the warehouse has a written procedure for
lifting rafts onto the trailer with two people and a roller.
"""


def report_pdf(text: str, *, title: str = "Audit report") -> bytes:
    """Return a PDF of the text as paragraphs (one per sentence group), rendered by WeasyPrint."""
    from weasyprint import HTML

    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.strip().split("\n"))
    html = f"<html><body><h1>{escape(title)}</h1>{paragraphs}</body></html>"
    return HTML(string=html).write_pdf()
