"""R-11: a certificate's expiry (pure)."""

from datetime import date

from cor_portal.program.periods import add_years


def certificate_expiry(certified_on: date, *, validity_years: int = 3) -> date:
    """Return the expiry: the same month and day ``validity_years`` later (Feb 29 -> Feb 28).

    A certificate is valid on day d when certified_on <= d < expiry.
    """
    if validity_years < 1:
        raise ValueError("a certificate is valid for at least one year")
    return add_years(certified_on, validity_years)
