"""The demo firm's practice areas: a solicitors' and chartered accountants' practice."""

from decimal import Decimal

from qualification import selectors, services
from qualification.models import FirstAction, PracticeArea, PriceItem, QualificationModel

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
# The firm's published price information (docs/qualification.md's table; fees exclude
# VAT). Per area: (name, matter kind, pricing, fee from, fee to, options, keywords).
# Options: client, can_exceed, sum_kind, value_from, value_to, percent_low, percent_high,
# per_unit, is_default, note.
_SALE = (
    "buying a house\nbuying a flat\nselling a house\nselling a flat\nselling our house\n"
    "buying our first home\nfirst home\nfirst-time buyer\nfirst time buyer\npurchase\n"
    "sale\nbuying\nselling\nsale agreed\noffer accepted\nexchange of contracts\n"
    "completion\nconveyancing\nmoving house\nestate agent"
)
PRICE_LIST = {
    "conveyancing": [
        (
            "Purchase or sale",
            "purchase-sale",
            "fixed",
            1100,
            1400,
            {"sum_kind": "property", "value_to": 500_000, "is_default": True},
            _SALE,
        ),
        (
            "Purchase or sale",
            "purchase-sale",
            "fixed",
            1400,
            2200,
            {"sum_kind": "property", "value_from": 500_000, "value_to": 1_000_000},
            _SALE,
        ),
        (
            "Purchase or sale",
            "purchase-sale",
            "fixed",
            2200,
            3500,
            {"sum_kind": "property", "value_from": 1_000_000},
            _SALE,
        ),
        (
            "Remortgage",
            "remortgage",
            "fixed",
            600,
            900,
            {},
            "remortgage\nre-mortgage\nremortgaging\nnew mortgage deal\nswitch lender\n"
            "transfer of equity",
        ),
        (
            "Lease extension",
            "lease-extension",
            "fixed",
            1500,
            2500,
            {},
            "lease extension\nextend the lease\nextend our lease\nextend my lease\n"
            "extending the lease\nyears left on the lease\nsection 42\nlease is running down",
        ),
    ],
    "family": [
        (
            "Divorce (uncontested)",
            "divorce",
            "fixed",
            1200,
            2500,
            {"is_default": True},
            "divorce\nfinal order\nconditional order\ndecree absolute\ndecree nisi\n"
            "divorce application\nend my marriage\nseparation\nconsent order",
        ),
        (
            "Financial settlement",
            "financial-settlement",
            "fixed",
            5000,
            25000,
            {
                "can_exceed": True,
                "sum_kind": "assets",
                "value_from": 100_000,
                "value_to": 2_000_000,
                "note": "by complexity",
            },
            "financial settlement\nfinancial order\nfinancial remedy\nfinances\nfinancial\n"
            "form e\nsplit the assets\nsplitting the assets\ndivide the assets\npension\n"
            "pensions\npension sharing\nspousal maintenance\nmaintenance\nmatrimonial home\n"
            "house equity\nfreezing order\nsection 37\ndissipating\nhiding assets\n"
            "financial proceedings\nfinancial disclosure\nbusiness assets\nassets",
        ),
        (
            "Child arrangements",
            "child-arrangements",
            "fixed",
            3000,
            15000,
            {},
            "child arrangements\ncustody\ncontact with my children\nsee my children\n"
            "see my kids\nsee my son\nsee my daughter\nresidence\ncafcass\nspecific issue\n"
            "prohibited steps\nrelocate\nrelocation\nrelocating\ntake the children abroad\n"
            "removal\nabduction\nabduct\npassport\nschool\ncontact\nour son\nour daughter\n"
            "my son\nmy daughter\nthe children\nadoption\nspecial guardianship",
        ),
        (
            "Prenuptial agreement",
            "prenup",
            "fixed",
            3000,
            6000,
            {},
            "prenup\nprenuptial\npre-nuptial\npostnuptial\npost-nuptial\n"
            "cohabitation agreement\nliving together agreement",
        ),
    ],
    "employment": [
        (
            "Settlement agreement review",
            "settlement-agreement",
            "fixed",
            500,
            750,
            {"client": "private", "note": "often paid by the employer", "is_default": True},
            "settlement agreement\ncompromise agreement\nsettlement offer\nexit package\n"
            "protected conversation\nsign the agreement",
        ),
        (
            "Tribunal claim for an employee",
            "tribunal-claim",
            "fixed",
            5000,
            30000,
            {
                "client": "private",
                "sum_kind": "salary",
                "value_from": 20_000,
                "value_to": 150_000,
            },
            "employment tribunal\ntribunal\nunfair dismissal\nunfairly dismissed\n"
            "dismissal\ntribunal claim\net claim\n"
            "constructive dismissal\ndiscrimination\nwhistleblowing\net1\n"
            "early conciliation\nclaim against my employer\ndismissed\nsacked\nfired",
        ),
        (
            "Employer advice, HR retainer, redundancy programme",
            "employer-advice",
            "fixed",
            2500,
            20000,
            {"client": "business"},
            "redundancy programme\nredundancies\nrestructure\nrestructuring\n"
            "hr retainer\nemployee handbook\nour employee\none of our employees\n"
            "our staff\ndisciplinary\ngrievance\ntupe\nconsultation\ncontracts for our staff\n"
            "our employees\ncapability\nsickness absence\nemployment contracts\n"
            "contracts of employment\nhandbook\nstaff handbook\nrestrictive covenants\n"
            "collective consultation\nroles\npolicy",
        ),
    ],
    "wills-probate": [
        (
            "Single will",
            "single-will",
            "fixed",
            250,
            450,
            {"is_default": True},
            "make a will\nmy will\nnew will\nwriting a will\nupdate my will\nchange my will\n"
            "a will",
        ),
        (
            "Mirror wills",
            "mirror-wills",
            "fixed",
            400,
            650,
            {},
            "mirror wills\nour wills\nwills for us\nwills for me and my\njoint wills\n"
            "my wife and i\nmy husband and i\nmy partner and i",
        ),
        (
            "Lasting power of attorney",
            "lpa",
            "fixed",
            450,
            700,
            {},
            "lasting power of attorney\npower of attorney\nlpa\nlpas",
        ),
        (
            "Probate",
            "probate",
            "percent",
            3000,
            15000,
            {"sum_kind": "estate", "percent_low": 1, "percent_high": 2},
            "probate\ngrant of probate\nexecutor\nexecutors\nestate administration\n"
            "administer the estate\npassed away\ndied\nintestate\nletters of administration\n"
            "estate\nthe estate\ndeceased\nlate mother\nlate father\nlate husband\n"
            "late wife\nadministration",
        ),
    ],
    "commercial": [
        (
            "Contracts, terms and conditions",
            "contracts",
            "fixed",
            1500,
            8000,
            {"is_default": True},
            "contract\ncontracts\nterms and conditions\nt&cs\nsupplier agreement\n"
            "distribution agreement\nfranchise agreement\nagency agreement\nnda\n"
            "licence agreement\nservice agreement\nsupply agreement\nmsa\n"
            "master services agreement\nsubscription agreement\nsla\n"
            "data processing agreement\nterms of business",
        ),
        (
            "Shareholder agreement",
            "shareholder-agreement",
            "fixed",
            3000,
            10000,
            {},
            "shareholder agreement\nshareholders agreement\nshareholders' agreement\n"
            "partnership agreement\narticles of association\nmembers agreement",
        ),
        (
            "Commercial lease",
            "commercial-lease",
            "fixed",
            2500,
            8000,
            {"sum_kind": "rent_year", "value_from": 10_000, "value_to": 250_000},
            "commercial lease\nshop lease\noffice lease\nlease of the unit\n"
            "business lease\nlease renewal\nnew lease\nlease on",
        ),
        (
            "Business sale or purchase, investment round",
            "business-sale",
            "fixed",
            15000,
            100000,
            {"sum_kind": "transaction", "value_from": 250_000, "value_to": 25_000_000},
            "sale of the business\nsale of our business\nselling the business\n"
            "selling our business\nselling the company\nsell the company\nbuy a business\n"
            "buying a business\nacquisition\nacquire\ninvestment round\ninvestors\n"
            "series a\nseed round\nshare purchase\nasset purchase\nmanagement buyout\n"
            "merger\ndue diligence\nmbo\nbuyout\nbuy-out\nshare sale\nsale of shares\n"
            "sell the business\nsell my business\nselling a company\nsell our company\n"
            "selling our company\nprivate equity\nacquirer\nminority investment\n"
            "exclusivity\nbusiness and assets\ntrade sale\nsubsidiary\ndisposal",
        ),
    ],
    "disputes": [
        (
            "Debt recovery and small claims",
            "debt-recovery",
            "fixed",
            500,
            5000,
            {"sum_kind": "claim", "value_to": 25_000},
            "debt recovery\nunpaid invoice\nunpaid invoices\nowes us\nowes me\n"
            "small claims\nsmall claim\nccj\nmoney claim\nstatutory demand\nchase the debt\n"
            "deposit back\nrent arrears\narrears\nrefund\nconsumer\nmoney claim online\nloan",
        ),
        (
            "Contract and commercial disputes",
            "commercial-dispute",
            "fixed",
            10000,
            150000,
            {
                "sum_kind": "claim",
                "value_from": 25_000,
                "value_to": 100_000_000,
                "is_default": True,
                "note": "by value and stage",
            },
            "breach of contract\ndispute\nlitigation\ncourt proceedings\nclaim against\n"
            "injunction\nprofessional negligence\nhigh court\nletter before action\n"
            "issued proceedings\nclaim form\ncounterclaim",
        ),
        (
            "Boundary and neighbour disputes",
            "boundary",
            "fixed",
            3000,
            20000,
            {},
            "boundary\nneighbour\nneighbours\nfence\nright of way\nparty wall\nencroach\ndriveway",
        ),
    ],
    "personal-injury": [
        (
            "Personal injury claim",
            "injury-claim",
            "fixed",
            3000,
            50000,
            {
                "sum_kind": "claim",
                "value_from": 5_000,
                "value_to": 1_000_000,
                "is_default": True,
                "note": "usually no win, no fee, from the recovered costs",
            },
            "personal injury\naccident\ninjured\ninjury\nwhiplash\nslip\ntripped\n"
            "hit by\ncar crash\nroad traffic",
        ),
    ],
    "immigration": [
        (
            "Visa application",
            "visa",
            "fixed",
            1500,
            4000,
            {"is_default": True},
            "visa\nspouse visa\nskilled worker\nindefinite leave\nilr\ncitizenship\n"
            "naturalisation\nfamily visa\nsettlement\nbritish passport",
        ),
        (
            "Sponsor licence",
            "sponsor-licence",
            "fixed",
            2500,
            5000,
            {"client": "business"},
            "sponsor licence\nsponsorship licence\nsponsor workers\ncertificate of "
            "sponsorship\nsponsor overseas",
        ),
        (
            "Appeal",
            "appeal",
            "fixed",
            3000,
            12000,
            {},
            "appeal\nrefused\nrefusal\njudicial review\noverturn\nfirst-tier tribunal",
        ),
    ],
    "tax": [
        (
            "Personal self assessment return",
            "self-assessment",
            "fixed",
            300,
            900,
            {"client": "private", "is_default": True},
            "tax return\nself assessment\nself-assessment\nutr\nrental income\n"
            "landlord\nsole trader\n60-day\n60 day\ncapital gains tax return\n"
            "property return",
        ),
        (
            "Tax investigations and disclosures",
            "investigation",
            "fixed",
            3000,
            40000,
            {"sum_kind": "tax", "value_from": 5_000, "value_to": 3_000_000},
            "investigation\nhmrc enquiry\nenquiry letter\ndisclosure\nundeclared\n"
            "code of practice 9\ncop9\ncop8\nnudge letter\npenalty\npenalties\n"
            "compliance check\nworldwide disclosure facility\nunpaid tax\n"
            "accelerated payment notice\napn\ncorporation tax enquiry\nenquiry into\n"
            "unfiled\nlate returns\nlet property campaign\noffshore\ntax avoidance",
        ),
        (
            "Tax planning and inheritance tax planning",
            "planning",
            "fixed",
            2000,
            20000,
            {"sum_kind": "estate", "value_from": 300_000, "value_to": 8_000_000},
            "tax planning\ninheritance tax planning\ninheritance tax\niht\nextract profits\n"
            "trust planning\nresidency\nnon-resident\ntrust\ntrusts\n"
            "family investment company\nanniversary charge\ngifts\nincorporation\n"
            "incorporate\nbuy-to-let\nnon-dom\nfig regime\nexpat\nir35\nsuccession\n"
            "estate planning",
        ),
    ],
    "audit-accounts": [
        (
            "Small company year-end accounts",
            "year-end-accounts",
            "fixed",
            1500,
            5000,
            {
                "sum_kind": "turnover",
                "value_from": 50_000,
                "value_to": 10_200_000,
                "is_default": True,
            },
            "year-end accounts\nyear end accounts\nyear end\nannual accounts\n"
            "statutory accounts\ncompanies house\nfiling accounts\ndormant company\n"
            "accountant\naccounts",
        ),
        (
            "Statutory audit",
            "audit",
            "fixed",
            8000,
            60000,
            {"sum_kind": "turnover", "value_from": 2_000_000, "value_to": 100_000_000},
            "audit\nauditor\nauditors\naudited\nstatutory audit\naudit exemption",
        ),
        (
            "Bookkeeping",
            "bookkeeping",
            "monthly",
            150,
            None,
            {},
            "bookkeeping\nbookkeeper\nxero\nquickbooks\nsage\nreconcile\nvat returns",
        ),
    ],
    "payroll": [
        (
            "Payroll bureau",
            "payroll-bureau",
            "monthly",
            5,
            None,
            {"per_unit": "employee", "is_default": True},
            "payroll\npayslips\npaye\nrti\nrun our payroll\npayroll bureau\np60\np45",
        ),
        (
            "Auto-enrolment set-up",
            "auto-enrolment",
            "fixed",
            500,
            1500,
            {},
            "auto enrolment\nauto-enrolment\nworkplace pension\npension duties",
        ),
    ],
    "rd-tax-credits": [
        (
            "R&D tax credit claim",
            "rd-claim",
            "fixed",
            3000,
            40000,
            {
                "sum_kind": "value",
                "value_from": 20_000,
                "value_to": 5_000_000,
                "is_default": True,
                "note": "fixed £3,000 to £8,000 or a share of the credit",
            },
            "r&d tax credits\nr&d tax credit\nr&d claim\nresearch and development\nrdec\n"
            "patent box",
        ),
    ],
}
MODEL_RULES = {
    "weight_requirement": 25,
    "weight_value": 35,
    "weight_urgency": 20,
    "weight_decision": 20,
    "urgent_within_working_days": 15,
    "soon_within_working_days": 50,
    "value_high": Decimal("15000"),
    "value_medium": Decimal("4000"),
    "time_critical_fee_from": Decimal("1000"),
    "small_claim_below": Decimal("1500"),
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
    lines = price_list_load()
    if stdout is not None:
        stdout.write(f"  practice areas: {len(PRACTICE_AREAS)}, price list lines: {lines}")
    model = model_load()
    if stdout is not None:
        stdout.write(f"  qualification model: v{model.version} {model.name} (active)")


def price_list_load() -> int:
    """The demo firm's published prices (replacing the demo areas' lines)."""
    areas = {area.slug: area for area in PracticeArea.objects.filter(slug__in=PRICE_LIST)}
    count = 0
    for slug, lines in PRICE_LIST.items():
        area = areas.get(slug)
        if area is None:
            continue
        keep = []
        for position, (name, kind, pricing, low, high, options, keywords) in enumerate(
            lines, start=1
        ):
            values = {
                "name": name,
                "matter_kind": kind,
                "pricing": pricing,
                "fee_low": None if low is None else Decimal(low),
                "fee_high": None if high is None else Decimal(high),
                "keywords": keywords,
                "client": options.get("client", ""),
                "can_exceed": options.get("can_exceed", False),
                "sum_kind": options.get("sum_kind", ""),
                "per_unit": options.get("per_unit", ""),
                "is_default": options.get("is_default", False),
                "note": options.get("note", ""),
                **{
                    field: Decimal(options[field]) if field in options else None
                    for field in (
                        "value_from",
                        "value_to",
                        "percent_low",
                        "percent_high",
                        "hours_low",
                        "hours_high",
                    )
                },
            }
            item, _ = PriceItem.objects.update_or_create(
                practice_area=area, position=position, defaults=values
            )
            keep.append(item.pk)
            count += 1
        PriceItem.objects.filter(practice_area=area).exclude(pk__in=keep).delete()
    return count


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
