from datetime import date
from decimal import Decimal

import factory

from workplan.models import KPI, Activity, Mandate, Measurement, OutcomeIndicator, Workplan


class WorkplanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workplan
        django_get_or_create = ["starts_on"]

    title = factory.LazyAttribute(lambda w: f"COR Workplan {w.starts_on.year}")
    starts_on = date(2023, 4, 1)


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    workplan = factory.SubFactory(WorkplanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Mandate title {n}")
    objective = "An objective"
    action_plan = "An action plan"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    mandate = factory.SubFactory(MandateFactory)
    description = factory.Sequence(lambda n: f"Activity {n}")
    budget = Decimal("1000")


class KPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPI

    mandate = factory.SubFactory(MandateFactory)
    description = factory.Sequence(lambda n: f"KPI {n}")
    target = Decimal("10")
    kind = "entered"
    source = ""


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeIndicator

    mandate = factory.SubFactory(MandateFactory)
    indicator = "Awareness is growing"


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    kpi = factory.SubFactory(KPIFactory)
    quarter = 1
    value = Decimal("1")
