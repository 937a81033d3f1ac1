"""Other parties: the people and organisations an enquiry names besides the enquirer (the
employer in a dismissal, the other spouse, the seller, the defendant, the deceased), so
compliance's conflict check at intake looks them up as well as the enquirer.

Read from the text as written (case kept): an organisation by its legal ending ("Hartley
Foods Ltd", "Brightwell Holdings plc", "Leeds City Council"), a person by a title ("Mr
Osei") or by what they are to the writer ("my ex-husband, Daniel Price", "my late aunt
Margaret Hughes", "the seller is John Baker"). Each is given the role its context says.
The enquirer's own name and organisation, the names in their sign-off, and the firm's own
names are left out. Roles are plain strings that match compliance's ``PartyRole`` values
(this app sits below compliance and does not import it).
"""

import re
from dataclasses import dataclass

from qualification.extraction.guard import guarded

PERSON, ORGANISATION = "person", "organisation"
OTHER_SIDE, EMPLOYER, SPOUSE, SELLER, BUYER = "other_side", "employer", "spouse", "seller", "buyer"
OTHER = "other"
DEFENDANT, CLAIMANT, LANDLORD, TENANT, DECEASED = (
    "defendant",
    "claimant",
    "landlord",
    "tenant",
    "deceased",
)
# The most parties read from one enquiry, and how much of it is read for them (people
# name who is involved as they set out the matter, at its start).
PARTIES_MAX = 10
PARTIES_CHARS = 8_000

_CAP = r"(?:Mc|Mac|O'|D')?[A-Z][a-zA-Z\u00c0-\u017f'-]+"
_PERSON_NAME = rf"{_CAP}(?:\s+{_CAP}){{0,2}}"
_ORG_ENDING = (
    r"(?:Ltd\.?|Limited|LLP|PLC|plc|Plc|L\.L\.P\.|Group|Holdings|Homes|Developments|"
    r"Properties|Estates|Council|NHS (?:Foundation )?Trust|Trust|Partnership|Associates|"
    r"& Co\.?|and Co\.?|& Sons|Inc\.?|Corporation|Services|Solutions|Logistics|Foods|"
    r"Motors|Construction|Builders|Bank|Building Society|Insurance|University|College|"
    r"School|Academy|Hospital|Care|Hotel|Hotels|Housing|Police|Constabulary|Surveying|"
    r"Surveyors|Solicitors|Accountants|Agency|Capital|Ventures|Partners|GmbH|SA|BV|AG|LLC)"
)
_ORG_WORD = r"(?:[A-Z][\w&'.-]*|&|and|of|the)"
ORGANISATION_NAME = guarded(
    rf"\b((?:[A-Z][\w&'.-]*)(?:\s+{_ORG_WORD}){{0,5}}?\s+{_ORG_ENDING}"
    rf"(?:\s+(?:\(UK\)|UK|{_ORG_ENDING}))*)(?![\w])"
)
TITLED_PERSON = guarded(
    rf"\b((?:Mr\.?\s+(?:&|and)\s+Mrs|Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Dame|Lady|Lord)\.?\s+{_PERSON_NAME})"
)
# Organisations commonly on the other side that carry no legal ending.
KNOWN_ORGANISATIONS = guarded(
    r"\b(Uber|Deliveroo|Amazon|Tesco|Sainsbury's|Asda|Morrisons|Waitrose|Co-op|Lidl|Aldi|"
    r"Barclays|Lloyds|NatWest|HSBC|Santander|Nationwide|Halifax|Monzo|Starling|Virgin Money|"
    r"Royal Mail|Network Rail|Openreach|BT|Sky|Vodafone|EE|Thames Water|Southern Water|"
    r"(?:[A-Z][a-z]+ )+(?:Police|Constabulary)|DWP|Home Office|Ministry of Defence)\b"
)
# A relative named by the writer ("my sister Jodie", "our son Luca Ionescu").
RELATIVE_NAMED = guarded(
    r"\b(?i:(?:my|our|her|his) (?:son|daughter|sister|brother|mother|mum|father|dad|"
    r"stepson|stepdaughter|grandson|granddaughter|niece|nephew|cousin|aunt|uncle)),? "
    rf"({_PERSON_NAME})"
)
_RELATIVES = (
    r"aunt|auntie|uncle|mother|mum|father|dad|grandmother|grandma|gran|nan|grandfather|grandad|"
    r"grandpa|brother|sister|husband|wife|partner|son|daughter|cousin|godmother|godfather|"
    r"friend|neighbour|stepfather|stepmother|stepdad|stepmum|father-in-law|mother-in-law|"
    r"brother-in-law|sister-in-law|niece|nephew"
)
LATE_RELATIVE = re.compile(
    rf"\b(?i:(?:my|our|his|her|their|the)\s+late\s+(?:{_RELATIVES})(?:'s)?,?)\s+"
    rf"({_PERSON_NAME})"
)
DIED_PERSON = guarded(
    rf"\b(?i:(?:my|our|his|her)\s+(?:{_RELATIVES}),?\s+)?({_PERSON_NAME}),?\s+"
    r"(?:\([^)]{0,30}\)\s+)?(?:passed away|died|who died|who passed)"
)
ESTATE_OF = re.compile(rf"\b(?i:estate of|probate for|will of)\s+(?i:the late\s+)?({_PERSON_NAME})")
SPOUSE_NAMED = re.compile(
    r"\b(?i:(?:my|our)\s+(?:ex[- ]?(?:husband|wife|partner)|estranged (?:husband|wife)|"
    r"(?:former )?(?:husband|wife|spouse|civil partner|ex)|partner)(?:'s name is|,| is| -)?)"
    rf"\s+({_PERSON_NAME})"
)
ROLE_NAMED = re.compile(
    r"\b(?i:(?:the|my|our)\s+(seller|vendor|sellers|vendors|buyer|purchaser|buyers|landlord|"
    r"tenant|employer|former employer|boss|manager|line manager|neighbour|builder|"
    r"contractor|business partner|co-director|fellow director|other director|"
    r"defendant|claimant|respondent|executor|tenants)(?:'s name is|,| is| was| -|:)?)\s+"
    rf"({_PERSON_NAME})"
)
AGAINST_NAMED = re.compile(
    r"\b(?i:against|sue|suing|sued by|claim from|dispute with|owed money by|owes? (?:me|us) "
    r"money,?|being sued by|taking)\s+(?i:my\s+\w+\s+)?"
    rf"({_PERSON_NAME})"
)
_ROLE_WORDS = {
    "seller": SELLER,
    "sellers": SELLER,
    "vendor": SELLER,
    "vendors": SELLER,
    "buyer": BUYER,
    "buyers": BUYER,
    "purchaser": BUYER,
    "landlord": LANDLORD,
    "tenant": TENANT,
    "tenants": TENANT,
    "employer": EMPLOYER,
    "former employer": EMPLOYER,
    "boss": EMPLOYER,
    "manager": EMPLOYER,  # the person at the employer the writer is in dispute with
    "line manager": EMPLOYER,
    "neighbour": OTHER_SIDE,
    "defendant": DEFENDANT,
    "respondent": DEFENDANT,
    "claimant": CLAIMANT,
}
# What the words before an organisation say it is to the writer.
_ORG_CONTEXT = (
    (
        EMPLOYER,
        re.compile(
            r"(?:work(?:ed|ing)? (?:for|at)|employed (?:by|at)|employer|dismissed|sacked|"
            r"let go|made redundant|redundan\w+|job (?:at|with)|contract with my|grievance|"
            r"tribunal|acas|notice (?:at|from)|manager at|boss at|disciplinary)"
        ),
    ),
    (SELLER, re.compile(r"(?:buy(?:ing)? (?:from|off)|purchas\w+ (?:from|of)|seller|vendor)")),
    (BUYER, re.compile(r"(?:sell(?:ing)? (?:to)|buyer|purchaser|sale to)")),
    (LANDLORD, re.compile(r"(?:landlord|lett?ing agent|rent(?:ing)? from|lease from)")),
    (TENANT, re.compile(r"(?:tenant|let to|lease to)")),
    (
        DEFENDANT,
        re.compile(
            r"(?:against|sue|suing|claim (?:against|from)|dispute with|complaint about|"
            r"owe[sd]? (?:us|me)|unpaid|won't pay|refus\w+ to pay|injured|accident|hurt|"
            r"negligen\w+|breach)"
        ),
    ),
    (CLAIMANT, re.compile(r"(?:sued by|claim from|being sued|letter before action from)")),
)
# What the words after an organisation say: it is bringing a claim against the writer.
_CLAIMING = guarded(
    r"^\W{0,3}(?:\w+\s+){0,3}(?:sent (?:us|me) (?:a )?(?:letter before (?:action|claim)|claim)|"
    r"(?:is|are|have been|has been|has started) (?:now )?(?:suing|taking (?:us|me) to court)|"
    r"(?:has|have) (?:issued|served|filed)|claims? (?:we|i) owe)"
)
# The writer's own side: an organisation these words lead to is the enquirer's.
_OWN_ORG = re.compile(
    r"(?:(?:i am|i'm|i work as|we are|as) (?:the |a |an )?[\w ,-]{0,40}(?:at|of|for)|"
    r"(?:my|our) (?:company|business|firm|client|employer is not)|we,|on behalf of|"
    r"director of|owner of|behalf of|we run|i run|i own|we own)\s*$",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^\s*(?:kind(?:est)? regards|best regards|best wishes|regards|many thanks|thanks|"
    r"thank you|cheers|yours (?:sincerely|faithfully)|sincerely|all the best|warm regards|"
    r"sent from my)\b",
    re.IGNORECASE | re.MULTILINE,
)
_NOT_NAMES = frozenset(
    "I The A An My Our We He She They It This That Hi Hello Dear Thanks Thank Regards "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December Christmas Easter Please "
    "Sorry Yes No Also And But So Re Fwd Subject Ltd Limited Court Tribunal HMRC ACAS "
    "Employment County High Family Crown Magistrates Land Registry Companies House UK "
    "England Wales Scotland London Manchester Birmingham Leeds".split()
)
_LEGAL_WORDS = frozenset(
    "ltd limited llp plc co and uk solicitors accountants partnership group".split()
)
_ROLE_TITLE_WORDS = frozenset(
    "officer director head chair chairman manager partner ceo cfo coo secretary counsel "
    "president founder owner".split()
)
_TITLES = frozenset("mr mrs ms miss mx dr sir dame lady lord".split())
# Capitalised at the start of a sentence, never the start of a name.
_SENTENCE_WORDS = frozenset(
    "yesterday today tomorrow recently last next when after before since unfortunately "
    "basically so then now however also our my we i the a an and but if as at in on for "
    "sadly unfortunately obviously apparently meanwhile "
    "with from by to about regarding re fwd fw hi hello dear".split()
)


@dataclass(frozen=True)
class PartyMention:
    name: str
    kind: str = PERSON
    role: str = OTHER_SIDE
    evidence: str = ""


def _trim(name: str, kind: str) -> str:
    """The name without sentence words caught at either end ("Yesterday Hartley Foods"),
    and a person's without a title where a full name is left ("Mr John Baker")."""
    words = name.strip(" ,-'").split()
    while kind == PERSON and words and words[-1] in _NOT_NAMES:
        words.pop()
    if kind == PERSON and len(words) > 2 and words[0].lower().rstrip(".") in _TITLES:
        words.pop(0)
    if kind == ORGANISATION and "of" in words[1:-1]:
        cut = words.index("of", 1)
        if any(word.lower() in _ROLE_TITLE_WORDS for word in words[:cut]):
            words = words[cut + 1 :]  # "Chief Financial Officer of Meridian Healthtech plc"
    while len(words) > 1 and (words[0] in _NOT_NAMES or words[0].lower() in _SENTENCE_WORDS):
        words.pop(0)
    return " ".join(words)


def _fold(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _org_role(before: str) -> str:
    for role, pattern in _ORG_CONTEXT:
        if pattern.search(before):
            return role
    return OTHER_SIDE


def _sentence_before(text: str, start: int) -> str:
    """Up to 80 characters before ``start``, from the start of its sentence."""
    before = text[max(0, start - 80) : start]
    cut = max(before.rfind(". "), before.rfind("\n"), before.rfind("? "), before.rfind("! "))
    return before[cut + 1 :]


def _body_end(original: str) -> int:
    """Where the sign-off begins (its names are the writer's), or the end of the text."""
    starts = [match.start() for match in _SIGN_OFF.finditer(original)]
    if not starts or starts[-1] < len(original) // 3:
        return len(original)
    return starts[-1]


def find_parties(
    original: str,
    *,
    enquirer_name: str = "",
    organisation: str = "",
    email: str = "",
    firm_words: tuple[str, ...] = (),
) -> list[PartyMention]:
    """The other parties the text names, each once, with its role and the words that
    showed it (at most ``PARTIES_MAX``); ``firm_words`` are the words of the firm's own
    names, which are never a party."""
    text = original[:PARTIES_CHARS]
    end = _body_end(text)
    body = text[:end]
    own = {_fold(name) for name in (enquirer_name, organisation) if name and name.strip()}
    own_words = {word for name in own for word in name.split() if len(word) > 2}
    domain = email.rsplit("@", 1)[-1].split(".")[0].lower() if "@" in email else ""
    firm = frozenset(word.lower() for word in firm_words)
    found: dict[str, PartyMention] = {}

    def add(name: str, kind: str, role: str, evidence: str) -> None:
        name = _trim(name, kind)
        folded = _fold(name)
        if not folded or len(folded) < 3 or folded in own:
            return
        if any(held.startswith(folded) or folded.startswith(held) for held in found):
            return  # already read ("Peak Logistics" of "Peak Logistics Ltd")
        words = [word for word in folded.split() if word not in _TITLES]
        if kind == PERSON and set(words) <= own_words:
            return  # the enquirer's own name, or part of it
        if kind == ORGANISATION:
            if domain and domain in folded.replace(" ", ""):
                return  # the enquirer's own organisation, by their email address
            distinctive = [word for word in words if word not in _LEGAL_WORDS]
            if distinctive and all(word in firm for word in distinctive):
                return  # the firm itself ("Ashdown Marsh LLP")
        found[folded] = PartyMention(name=name, kind=kind, role=role, evidence=evidence[:120])

    for match in ORGANISATION_NAME.finditer(body):
        before = _sentence_before(body, match.start())
        if _OWN_ORG.search(before):
            continue
        after = body[match.end() : match.end() + 80].lower()
        role = CLAIMANT if _CLAIMING.search(after) else _org_role(before.lower())
        add(match.group(1), ORGANISATION, role, match.group())
    for pattern, role in ((LATE_RELATIVE, DECEASED), (ESTATE_OF, DECEASED)):
        for match in pattern.finditer(body):
            add(match.group(1), PERSON, role, match.group())
    for match in DIED_PERSON.finditer(body):
        if match.group(1).split()[0] not in _NOT_NAMES:
            add(match.group(1), PERSON, DECEASED, match.group())
    for match in SPOUSE_NAMED.finditer(body):
        add(match.group(1), PERSON, SPOUSE, match.group())
    for match in ROLE_NAMED.finditer(body):
        add(
            match.group(2),
            PERSON,
            _ROLE_WORDS.get(match.group(1).lower(), OTHER_SIDE),
            match.group(),
        )
    for match in KNOWN_ORGANISATIONS.finditer(body):
        before = _sentence_before(body, match.start())
        add(match.group(1), ORGANISATION, _org_role(before.lower()), match.group())
    for match in RELATIVE_NAMED.finditer(body):
        add(match.group(1), PERSON, OTHER, match.group())
    for match in AGAINST_NAMED.finditer(body):
        add(match.group(1), PERSON, DEFENDANT, match.group())
    for match in TITLED_PERSON.finditer(body):
        before = _sentence_before(body, match.start()).lower()
        role = next(
            (role for word, role in _ROLE_WORDS.items() if re.search(rf"\b{word}\b", before)),
            OTHER_SIDE,
        )
        add(match.group(1), PERSON, role, match.group())
    return list(found.values())[:PARTIES_MAX]
