"""Routing's fixed vocabularies: seniority, team strategies, rule states, how an owner was
chosen and how a member takes their briefs. Defined once, used everywhere."""

from django.db import models


class Seniority(models.IntegerChoices):
    TRAINEE = 1, "Trainee"
    ASSOCIATE = 2, "Associate"
    SENIOR_ASSOCIATE = 3, "Senior associate"
    PARTNER = 4, "Partner"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


WEEKDAYS = [day.value for day in Weekday][:5]


class Strategy(models.TextChoices):
    ROUND_ROBIN = "round_robin", "Round-robin"
    LEAST_LOADED = "least_loaded", "Least loaded"
    MOST_SENIOR = "most_senior", "Most senior available"


class RuleState(models.TextChoices):
    LIVE = "live", "Live"
    DRAFT = "draft", "Draft (only on the test page)"
    OFF = "off", "Switched off"


class AssignedVia(models.TextChoices):
    RULE = "rule", "Routing rule"
    REFERRAL_OWNER = "referral_owner", "Referrer's relationship owner"
    DELEGATE = "delegate", "Delegate of an absent member"
    TEAM_HEAD = "team_head", "Head of team (fallback)"
    TRIAGE = "triage", "Triage owner (fallback)"
    MANUAL = "manual", "Assigned by a person"


class BriefDelivery(models.TextChoices):
    EACH = "each", "A brief for every lead"
    DIGEST_TIER_C = "digest_tier_c", "Tier C leads in a daily digest"


class BriefChannel(models.TextChoices):
    EMAIL = "email", "Own email"
    DIGEST = "digest", "Daily digest"
