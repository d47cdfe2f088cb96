"""The choices of the partnerships models, for modules that need them without the ORM.

Each model keeps its own as before (`Organisation.Sector`, `Membership.Role`)."""

from django.db import models


class Sector(models.TextChoices):
    """A member organisation's sector."""

    COUNCIL = "council", "Local authority"
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    PRISON = "prison", "Prison"
    NHS = "nhs", "NHS"
    OPCC = "opcc", "Police and crime commissioner"
    TREATMENT = "treatment", "Treatment provider"
    VOLUNTARY = "voluntary", "Voluntary and community sector"
    EMPLOYMENT = "employment", "Jobcentre Plus / DWP"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


class NamedRoleKind(models.TextChoices):
    SENIOR_RESPONSIBLE_OWNER = "sro", "Senior responsible owner"
    CHAIR = "chair", "Chair"
    DATA_AND_DIGITAL_LEAD = "data_digital", "Data and digital lead"
    PUBLIC_VOICE_LEAD = "public_voice", "Public voice lead"


class DocumentKind(models.TextChoices):
    """The kind of an entry in the key-documents register."""

    NEEDS_ASSESSMENT = "needs_assessment", "Needs assessment"
    DRUG_MARKET_PROFILE = "drug_market_profile", "Drug market profile"
    TERMS_OF_REFERENCE = "terms_of_reference", "Terms of reference"
    ACTION_PLAN = "action_plan", "Action plan"
    IMPACT_ASSESSMENT = "impact_assessment", "Impact assessment"
    RISK_ASSESSMENT = "risk_assessment", "Risk assessment"
    INSPECTION_REPORT = "inspection_report", "Inspection report"
    DATA = "data", "Data return"
    OTHER = "other", "Other"


class DocumentStatus(models.TextChoices):
    COMPLETED = "completed", "Completed"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING = "awaiting", "Awaiting"


class Role(models.TextChoices):
    """A member's role in a partnership."""

    VIEWER = "viewer", "Board member (read only)"
    LEAD = "lead", "Lead (updates the action plan)"
    ANALYST = "analyst", "Analyst (loads data)"
    ADMIN = "admin", "Partnership administrator"
