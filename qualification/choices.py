"""The qualification app's fixed vocabularies, defined once: the values each dimension
can take, the flags an enquiry can carry, and the states of a model version."""

from django.db import models


class CommercialSignificance(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    UNKNOWN = "unknown", "Unknown"


class Urgency(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class DecisionPosition(models.TextChoices):
    DECISION_MAKER = "decision_maker", "Decision maker"
    ON_BEHALF = "on_behalf", "Acting for the decision maker"
    REFERRER = "referrer", "Referrer"
    RESEARCHING = "researching", "Researching options"
    NOT_A_BUYER = "not_a_buyer", "Not a buyer (student, job seeker, supplier)"
    UNKNOWN = "unknown", "Unknown"


class Flag(models.TextChoices):
    SPAM = "spam", "Spam or solicitation"
    JOB_APPLICATION = "job_application", "Job application"
    STUDENT = "student", "Student or research request"
    EXISTING_CLIENT = "existing_client", "Existing client matter"
    OUT_OF_SCOPE = "out_of_scope", "Work the firm does not take on"


class ModelState(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


UNCLASSIFIED = "Unclassified"
