from django.db import models

from cor_portal.accounts.choices import Role


def _employer_of(user) -> int | None:
    from employers.selectors import employer_id_for

    return employer_id_for(user)


class StaffOnlyQuerySet(models.QuerySet):
    """Records only staff see (base rates, runs)."""

    def visible_to(self, user) -> "StaffOnlyQuerySet":
        if user and user.is_authenticated and user.is_active and user.role == Role.STAFF:
            return self
        return self.none()


class EmployerScopedQuerySet(models.QuerySet):
    """Records of one employer: staff see all, an employer contact its own, others none."""

    def visible_to(self, user) -> "EmployerScopedQuerySet":
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.STAFF:
            return self
        if user.role == Role.EMPLOYER:
            employer_id = _employer_of(user)
            return self.filter(employer_id=employer_id) if employer_id else self.none()
        return self.none()

    def for_year(self, year: int) -> "EmployerScopedQuerySet":
        return self.filter(year=year)


class PayrollQuerySet(EmployerScopedQuerySet):
    def visible_to(self, user) -> "PayrollQuerySet":
        """Payroll figures are staff data (employers see them only on their letters)."""
        if user and user.is_authenticated and user.is_active and user.role == Role.STAFF:
            return self
        return self.none()
