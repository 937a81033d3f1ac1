"""The demo firm's practice areas: a solicitors' and chartered accountants' practice."""

from decimal import Decimal

from qualification import selectors, services
from qualification.models import FirstAction, PracticeArea, QualificationModel

PRACTICE_AREAS = [
    (
        "Residential conveyancing",
        "conveyancing",
        1200,
        3500,
        "conveyancing\nconveyancer\nbuying a house\nselling a house\nbuying a flat\n"
        "selling a flat\nbuying a property\nselling a property\nselling our house\n"
        "buying our first home\nfirst home\nfirst-time buyer\nremortgage\nleasehold\n"
        "freehold\ncompletion date\nexchange of contracts\nland registry\nmortgage offer\n"
        "property purchase\nhouse purchase\nhouse sale\nlease extension\nstamp duty\n"
        "transfer of equity\nestate agent\nsale agreed\noffer accepted",
    ),
    (
        "Family",
        "family",
        2500,
        25000,
        "divorce\nseparation\nseparating\nchild arrangements\ncustody\nprenup\nprenuptial\n"
        "financial settlement\ncohabitation\nmy husband\nmy wife\nmy ex\ncontact with my "
        "children\nchild maintenance\nfinancial remedy\nconsent order\ndomestic abuse\n"
        "non-molestation",
    ),
    (
        "Employment",
        "employment",
        2500,
        30000,
        "unfair dismissal\ndismissed\nsacked\nfired\nemployment tribunal\ntribunal\n"
        "settlement agreement\nredundancy\nmade redundant\ndiscrimination\ngrievance\n"
        "disciplinary\nwhistleblowing\nconstructive dismissal\nmy employer\nmy manager\n"
        "employment contract\ncontract of employment\nacas\nunpaid wages\nmaternity leave\n"
        "hr advice\nemployee handbook\ntupe",
    ),
    (
        "Wills and probate",
        "wills-probate",
        500,
        15000,
        "make a will\nmy will\nnew will\nwriting a will\nupdate my will\nmirror wills\n"
        "wills\nprobate\ngrant of probate\nexecutor\nlasting power of attorney\n"
        "power of attorney\ninheritance\npassed away\ndied\nestate administration\n"
        "administer the estate\nher estate\nhis estate\nthe estate of\ndeceased\n"
        "trust deed\ndiscretionary trust\nintestate",
    ),
    (
        "Commercial",
        "commercial",
        5000,
        100000,
        "shareholder agreement\nshareholders agreement\nshareholders' agreement\nacquisition\n"
        "acquire\nsale of business\nsale of the business\nsale of our business\n"
        "selling our business\nselling the company\nsale of the company\nsell the company\n"
        "buy a business\nmanagement buyout\ncontract review\nterms and conditions\n"
        "joint venture\ninvestment round\ninvestor\nseries a\ncommercial lease\n"
        "franchise agreement\ndistribution agreement\nsupplier agreement\nheads of terms\n"
        "due diligence\nnda\npartnership agreement\nmerger",
    ),
    (
        "Dispute resolution",
        "disputes",
        5000,
        150000,
        "dispute\nlitigation\nbreach of contract\nletter before action\ndebt recovery\n"
        "injunction\ncourt proceedings\ncounterclaim\nsue\nsuing\nclaim against\n"
        "owes us\nowe us\nunpaid invoices\nstatutory demand\nboundary dispute\n"
        "professional negligence\nmediation\nclaim form\nissued proceedings\n"
        "county court\nhigh court\ndefamation",
    ),
    (
        "Personal injury",
        "personal-injury",
        3000,
        50000,
        "personal injury\naccident\nwhiplash\ninjured\ninjury\nslip\ntripped\nfell\n"
        "clinical negligence\nmedical negligence\nbroke my\nbroken\ncar crash\n"
        "road traffic\nhit by",
    ),
    (
        "Immigration",
        "immigration",
        1500,
        12000,
        "visa\nimmigration\nsponsor licence\nsponsorship licence\nindefinite leave\n"
        "ilr\nskilled worker\ncitizenship\nnaturalisation\nspouse visa\nhome office\n"
        "right to work\nbiometric residence\nsettled status\nasylum",
    ),
    (
        "Tax",
        "tax",
        1000,
        40000,
        "tax return\nself assessment\nself-assessment\nvat return\nvat\ncorporation tax\n"
        "capital gains\ncapital gains tax\ninheritance tax\nhmrc\ntax investigation\n"
        "tax advice\ntax planning\nutr\nmaking tax digital\ntax bill\nlandlord tax\n"
        "rental income\nnon-resident\nresidency",
    ),
    (
        "Audit and accounts",
        "audit-accounts",
        3000,
        60000,
        "audit\nauditor\nannual accounts\nstatutory accounts\nbookkeeping\nbookkeeper\n"
        "management accounts\nyear end\nyear-end accounts\ncompanies house\n"
        "accountant\nfiling accounts\nxero\nquickbooks\nsage accounts\nfinancial statements",
    ),
    (
        "Payroll",
        "payroll",
        1000,
        12000,
        "payroll\npayslips\npaye\nauto enrolment\nauto-enrolment\npension contributions\n"
        "rti\np60\np45\npayroll bureau\nrun our payroll",
    ),
    (
        "R&D tax credits",
        "rd-tax-credits",
        3000,
        40000,
        "r&d tax credits\nr&d tax credit\nr&d\nresearch and development\nr&d claim\n"
        "patent box\nrdec\ninnovation relief",
    ),
    (
        "Criminal defence",
        "criminal",
        0,
        0,
        "arrested\npolice interview\ncriminal\ncharged with\nmagistrates\ncrown court\n"
        "drink driving\nspeeding\ncaution",
    ),
]
MODEL_RULES = {
    "weight_requirement": 25,
    "weight_value": 35,
    "weight_urgency": 20,
    "weight_decision": 20,
    "urgent_within_working_days": 15,
    "soon_within_working_days": 50,
    "value_high": Decimal("15000"),
    "value_medium": Decimal("4000"),
}
# Work the demo firm does not take on: enquiries about it are flagged out of scope.
OUT_OF_SCOPE = {"criminal"}
# Work the Money Laundering Regulations 2017 cover: client due diligence before a win.
MLR_IN_SCOPE = {"conveyancing", "wills-probate", "commercial", "tax"}

MODEL_NAME = "Ashdown Marsh standard"
# (tier, practice area slug or None, first action)
FIRST_ACTIONS = [
    ("A", None, "Call within 1 working hour; run the conflict check first."),
    ("B", None, "Reply the same working day and offer a call within 2 working days."),
    ("C", None, "Reply within 2 working days with the standard information and fees."),
    (
        "A",
        "disputes",
        "Call within 1 working hour; conflict check on every party first; diarise the deadline.",
    ),
    (
        "A",
        "employment",
        "Call within 1 working hour; conflict check on the employer; note the ACAS and "
        "tribunal time limits.",
    ),
    ("A", "commercial", "Partner to call within 1 working hour; conflict check on all parties."),
    ("A", "conveyancing", "Call within 2 working hours with a fixed-fee quote."),
    ("B", "conveyancing", "Send the fixed-fee quote the same working day."),
    ("A", "tax", "Call within 1 working hour; ask for HMRC correspondence before the call."),
    ("B", "wills-probate", "Offer a first appointment within a week; send the will questionnaire."),
]


def load(*, stdout=None) -> None:
    """Create or update the demo practice areas, and activate the demo firm's model."""
    for name, slug, low, high, keywords in PRACTICE_AREAS:
        PracticeArea.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "typical_fee_low": Decimal(low),
                "typical_fee_high": Decimal(high),
                "keywords": keywords,
                "accepts_work": slug not in OUT_OF_SCOPE,
                "mlr_in_scope": slug in MLR_IN_SCOPE,
            },
        )
    if stdout is not None:
        stdout.write(f"  practice areas: {len(PRACTICE_AREAS)}")
    model = model_load()
    if stdout is not None:
        stdout.write(f"  qualification model: v{model.version} {model.name} (active)")


def model_load() -> QualificationModel:
    """The demo firm's model, activated once; later runs leave the active version alone
    unless the practice areas it was activated with have changed."""
    active = selectors.active_model()
    if active is not None and active.name == MODEL_NAME:
        if active.practice_area_snapshot == selectors.practice_area_snapshot():
            return active
    draft = services.qualification_model_draft(
        name=MODEL_NAME,
        notes="The demo firm's rules: value counts most, then a clear practice area.",
        **MODEL_RULES,
    )
    FirstAction.objects.filter(qualification_model=draft).delete()
    areas = {area.slug: area for area in PracticeArea.objects.all()}
    FirstAction.objects.bulk_create(
        FirstAction(
            qualification_model=draft,
            tier=tier,
            practice_area=areas[slug] if slug else None,
            action=action,
        )
        for tier, slug, action in FIRST_ACTIONS
        if slug is None or slug in areas
    )
    services.qualification_model_trial(model=draft)
    return services.qualification_model_activate(model=draft, actor=None)
