"""The compliance app's choices, in one place."""

from django.db import models


class PartyKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"


class PartyRole(models.TextChoices):
    OTHER_SIDE = "other_side", "Other side"
    EMPLOYER = "employer", "Employer"
    SPOUSE = "spouse", "Spouse or partner"
    SELLER = "seller", "Seller"
    BUYER = "buyer", "Buyer"
    DEFENDANT = "defendant", "Defendant"
    CLAIMANT = "claimant", "Claimant"
    LANDLORD = "landlord", "Landlord"
    TENANT = "tenant", "Tenant"
    DECEASED = "deceased", "The deceased"
    OTHER = "other", "Other"


class PartySource(models.TextChoices):
    """Where a party's name came from: given by the enquirer (a form's or the API's
    parties) or read from the enquiry's text by qualification."""

    GIVEN = "given", "Named by the enquirer"
    READ = "read", "Read from the enquiry's text"


class RecordKind(models.TextChoices):
    """What a name in the conflict index belongs to."""

    CONTACT = "contact", "Contact"
    ORGANISATION = "organisation", "Contact's organisation"
    PARTY = "party", "Party on a lead"
    CLIENT = "client", "Client"
    MATTER_PARTY = "matter_party", "Other party on a matter"


class ConflictOutcome(models.TextChoices):
    NO_CONFLICT = "no_conflict", "No conflict"
    DECLINED = "declined", "Conflict, declined"
    CONSENT = "consent", "Conflict, proceeding with informed consent"


class IdentityMethod(models.TextChoices):
    IN_PERSON = "in_person", "Original photo ID seen in person"
    CERTIFIED = "certified", "Certified copies of ID"
    ELECTRONIC = "electronic", "Electronic verification"
    REGISTER = "register", "Companies House / public register"
    OTHER = "other", "Other (described in the notes)"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    STANDARD = "standard", "Standard"
    HIGH = "high", "High"


class FeeArrangement(models.TextChoices):
    NONE = "none", "No fee arrangement"
    REFERRAL_FEE = "referral_fee", "Referral fee paid to the introducer"
    FEE_SHARING = "fee_sharing", "Fee-sharing arrangement"


class LawfulBasisKind(models.TextChoices):
    CONSENT = "consent", "Consent"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", "Anonymise"
    DELETE = "delete", "Delete"
    KEEP = "keep", "Keep (the firm's matter policy applies)"


class RetentionOutcome(models.TextChoices):
    WON = "won", "Won (instructed)"
    LOST = "lost", "Lost (not instructed)"
    DISQUALIFIED = "disqualified", "Disqualified"
