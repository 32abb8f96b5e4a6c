from django.db import models
from django.utils.translation import gettext_lazy as _


class EmployerStatus(models.TextChoices):
    """The employer lifecycle of R-3."""

    ENQUIRY = "enquiry", _("Enquiry")
    REGISTERED = "registered", _("Registered")
    CERTIFICATION_IN_PROGRESS = "certification_in_progress", _("Certification in progress")
    CERTIFIED = "certified", _("Certified")
    LAPSED = "lapsed", _("Lapsed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REMOVED = "removed", _("Removed")


class Region(models.TextChoices):
    """The six BC tourism regions."""

    VANCOUVER_ISLAND = "vancouver_island", _("Vancouver Island")
    VANCOUVER_COAST_MOUNTAINS = "vancouver_coast_mountains", _("Vancouver, Coast & Mountains")
    THOMPSON_OKANAGAN = "thompson_okanagan", _("Thompson Okanagan")
    KOOTENAY_ROCKIES = "kootenay_rockies", _("Kootenay Rockies")
    CARIBOO_CHILCOTIN_COAST = "cariboo_chilcotin_coast", _("Cariboo Chilcotin Coast")
    NORTHERN_BC = "northern_bc", _("Northern BC")


class Sector(models.TextChoices):
    """Tourism and hospitality sectors the association serves."""

    ACCOMMODATION = "accommodation", _("Accommodation")
    FOOD_BEVERAGE = "food_beverage", _("Food and beverage")
    ADVENTURE = "adventure", _("Adventure tourism and recreation")
    ATTRACTIONS = "attractions", _("Attractions and culture")
    SKI = "ski", _("Ski and mountain resorts")
    TRANSPORTATION = "transportation", _("Tourism transportation")
    EVENTS = "events", _("Events and conferences")
    TRAVEL_SERVICES = "travel_services", _("Travel services")


class SizeClass(models.TextChoices):
    """R-2: large with 20 or more employees (or FTE), small below."""

    SMALL = "small", _("Small (under 20)")
    LARGE = "large", _("Large (20 or more)")


class Program(models.TextChoices):
    """The COR programs an employer registers for."""

    OHS = "ohs", _("COR (occupational health and safety)")
    RTW = "rtw", _("Return-to-work COR (legacy)")


class InteractionKind(models.TextChoices):
    """R-4: the ways the association meets an employer."""

    ENQUIRY = "enquiry", _("Enquiry")
    CONSULTATION = "consultation", _("Consultation")
    OUTREACH_VISIT = "outreach_visit", _("Outreach visit")
    EVENT = "event", _("Event or sponsorship")
    CAMPAIGN = "campaign", _("Campaign")
    BIOSPHERE = "biosphere", _("Biosphere engagement")
    # Asked for by the employer from its portal; staff follow each one up.
    GAP_ANALYSIS_REQUEST = "gap_analysis_request", _("Gap analysis request")
    CONSULTATION_REQUEST = "consultation_request", _("Consultation request")


PORTAL_REQUEST_KINDS = (InteractionKind.GAP_ANALYSIS_REQUEST, InteractionKind.CONSULTATION_REQUEST)


class InteractionSource(models.TextChoices):
    """R-4: where an interaction came from."""

    REGIONAL_CONSULTANT = "regional_consultant", _("Regional consultant")
    BIOSPHERE = "biosphere", _("Biosphere program")
    CAMPAIGN = "campaign", _("Campaign")
    EVENT = "event", _("Event")
    WEBSITE = "website", _("Website")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email or newsletter")
    REFERRAL = "referral", _("Referral")
    PORTAL = "portal", _("Employer portal")
