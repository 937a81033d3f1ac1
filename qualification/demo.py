"""The demo firm's practice areas: a solicitors' and chartered accountants' practice."""

from decimal import Decimal

from qualification.models import PracticeArea

PRACTICE_AREAS = [
    (
        "Residential conveyancing",
        "conveyancing",
        1200,
        4000,
        "conveyancing\nbuying a house\nselling a house\nbuying a flat\nremortgage\n"
        "leasehold\nfreehold\ncompletion\nexchange of contracts\nland registry",
    ),
    (
        "Family",
        "family",
        2000,
        25000,
        "divorce\nseparation\nchild arrangements\ncustody\nprenup\nprenuptial\n"
        "financial settlement\ncohabitation",
    ),
    (
        "Employment",
        "employment",
        2500,
        30000,
        "unfair dismissal\ndismissed\nsacked\ntribunal\nsettlement agreement\n"
        "redundancy\ndiscrimination\ngrievance\ndisciplinary\nwhistleblowing",
    ),
    (
        "Wills and probate",
        "wills-probate",
        500,
        15000,
        "will\nprobate\nestate\nexecutor\nlasting power of attorney\ninheritance\n"
        "trust\npassed away",
    ),
    (
        "Commercial",
        "commercial",
        5000,
        100000,
        "shareholder agreement\nacquisition\nsale of business\ncontract review\n"
        "terms and conditions\njoint venture\ninvestment\ncommercial lease",
    ),
    (
        "Dispute resolution",
        "disputes",
        5000,
        150000,
        "dispute\nlitigation\nclaim\nbreach of contract\nletter before action\n"
        "debt recovery\ninjunction\ncourt",
    ),
    (
        "Personal injury",
        "personal-injury",
        3000,
        50000,
        "personal injury\naccident\nwhiplash\ninjured\nslip\nclinical negligence",
    ),
    (
        "Immigration",
        "immigration",
        1500,
        12000,
        "visa\nimmigration\nsponsor licence\nindefinite leave\nskilled worker\n"
        "citizenship\nspouse visa",
    ),
    (
        "Tax",
        "tax",
        1000,
        40000,
        "tax return\nself assessment\nvat return\nvat\ncorporation tax\n"
        "capital gains\ninheritance tax\nhmrc\ntax investigation",
    ),
    (
        "Audit and accounts",
        "audit-accounts",
        3000,
        60000,
        "audit\nannual accounts\nstatutory accounts\nbookkeeping\nmanagement accounts\nyear end",
    ),
    (
        "Payroll",
        "payroll",
        1000,
        12000,
        "payroll\npayslips\npaye\nauto enrolment\npension contributions\nrti",
    ),
    (
        "R&D tax credits",
        "rd-tax-credits",
        3000,
        40000,
        "r&d tax credits\nr&d tax credit\nresearch and development\nr&d claim\npatent box",
    ),
]


def load(*, stdout=None) -> None:
    """Create or update the demo practice areas."""
    for name, slug, low, high, keywords in PRACTICE_AREAS:
        PracticeArea.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "typical_fee_low": Decimal(low),
                "typical_fee_high": Decimal(high),
                "keywords": keywords,
                "accepts_work": True,
            },
        )
    if stdout is not None:
        stdout.write(f"  practice areas: {len(PRACTICE_AREAS)}")
