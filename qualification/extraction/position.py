"""Decision position: whether the enquirer decides (a director, an owner, a person with
their own matter), acts for someone who does (a relative, a boss, an HR manager whose MD
signs off), refers a client, is only researching, or is not a buyer at all (a student, a
job seeker, a supplier).

Read as a BDM reads it: a role or sign-off anywhere in the message, a signature block
under it ("Jane Hale / Finance Director"), a reception phone note in the third person
("Mrs Kelly rang for her son"), writing for a parent or a husband, an accountant or estate
agent introducing a client, and the words of someone not yet decided ("just wondering",
"not ready to instruct"). Someone writing about their own matter decides it; that is the
default for a genuine enquiry.
"""

import re
from dataclasses import dataclass, field

from qualification.choices import DecisionPosition
from qualification.extraction.guard import guarded
from qualification.extraction.text import HEAD_CHARS

# Cues for the position classifier are read in the opening the classifiers read.
CUE_CHARS = 6_000

_RELATIVE = (
    r"(?:mother|mum|mom|mam|father|dad|parents?|husband|wife|partner|son|daughter|brother|"
    r"sister|grandmother|grandma|gran|nan|grandfather|grandad|grandpa|aunt|auntie|uncle|"
    r"niece|nephew|cousin|friend|neighbour|father-in-law|mother-in-law|sister-in-law|"
    r"brother-in-law|son-in-law|daughter-in-law|stepmother|stepfather|stepson|stepdaughter|"
    r"fianc[eé]e?|boyfriend|girlfriend|child|children|kids?|family|elderly \w+)"
)
_BOSS = r"(?:boss|manager|director|md|ceo|managing director|owner|employer|chairman|chair|partners)"
REFERRER = guarded(
    r"\b(on behalf of (?:my|our) clients?|(?:my|our) clients? (?:is|are|needs?|has|have|would|"
    r"wants?|asked|mr|mrs|ms|miss|dr)\b|i(?:'d| would) like to (?:refer|introduce)|"
    r"referr(?:al|ing) (?:a|my|our|an?)|introduc(?:e|ing) (?:a|my|our) client|"
    r"one of (?:my|our) clients|(?:refer|introduce) (?:a|my|our) client|"
    r"i act for (?:the|a|an|mr|mrs|ms)\b|we act for (?:the|a|an|mr|mrs|ms)\b|"
    r"three-way introduction|happy to (?:make an )?introduc\w+|"
    r"(?:i'm|i am|we're|we are) advising (?:the|a|an|my|our)\b|"
    r"\bi am (?:\w+ ){0,2}(?:banker|adviser|advisor|accountant|agent|planner) to\b|"
    r"asked (?:me|us) to introduce|"
    r"(?:(?:she|he|they|i|we) )?(?:has|have) a (?:\w+ )?(?:buyer|seller|client|customer|vendor|"
    r"tenant)"
    r"(?: couple)?,? "
    r"(?:mr|mrs|ms|miss|dr|called|named|who)\b|"
    r"i(?:'m| am) an? (?:ifa|financial adviser|financial planner|independent financial adviser|"
    r"estate agent|mortgage (?:broker|adviser)|accountant|letting agent)\b[^.\n]{0,40}"
    r"(?:client|customer|vendor|buyer))"
)
ON_BEHALF = guarded(
    r"\b(on behalf of (?:my|our|the|his|her) (?:\w+ )?" + _RELATIVE + r"|"
    r"on behalf of (?:my|our|the) " + _BOSS + r"|"
    r"(?:i'm |i am )?(?:writing|enquiring|emailing|contacting you|asking) (?:for|on behalf of) "
    r"(?:my|our) (?:\w+ )?" + _RELATIVE + r"|"
    r"(?:rang|phoned|called|calling|ringing|enquiring) (?:for|on behalf of) (?:his|her|their) "
    r"(?:\w+ )?" + _RELATIVE + r"|"
    r"(?:rang|phoned|phoning|called|calling|ringing) about (?:his|her|their) "
    r"(?:elderly |adult |grown-up )?" + _RELATIVE + r"\b(?!'s (?:estate|will))|"
    r"(?:my|our) " + _BOSS + r" (?:has |have )?asked me to|"
    r"asked me to (?:contact|get in touch|enquire|find|get (?:some |three |a few )?quotes?|"
    r"reach out|email)|"
    r"(?:pa|assistant|secretary|ea) to (?:the|our|my|mr|mrs|ms|dr)\b|"
    r"(?:will|would|has to|needs to|must) (?:need to )?(?:sign (?:it )?off|approve|make the "
    r"(?:final )?decision|decide)|"
    r"(?:he|she|they)(?:'s| has| have)? given me (?:permission|authority)|"
    r"on (?:his|her|their) behalf|"
    r"(?:dad|mum|mother|father) wants to (?:bring|make|change|sell|buy)|"
    r"i have (?:lasting )?power of attorney|i hold (?:lasting )?power of attorney|"
    r"as (?:his|her|their) (?:attorney|deputy)|"
    r"(?:my|her|his) " + _RELATIVE + r"(?: \w+)?(?: \(\d+\))? (?:was|has been|got|is being|is) "
    r"(?:arrested|charged|detained|interviewed|injured|hurt|hit|knocked|sacked|dismissed|"
    r"refused|served|sued|taken into|held)\b)"
)
# A role that decides, in the enquirer's own words ("I'm the MD", "as company secretary").
_DECIDING_ROLE = (
    r"(?:managing director|joint managing director|director|sole director|finance director|"
    r"financial director|fd|md|ceo|cfo|coo|cto|chief executive|chief executive officer|"
    r"chief financial officer|chief operating officer|founder|co-founder|owner|co-owner|"
    r"proprietor|sole trader|chairman|chairwoman|chair|chair of the board|company secretary|"
    r"managing partner|senior partner|general counsel|in-house counsel|head of legal|"
    r"legal counsel|head of hr|head of people|hr director|people director|head of finance|"
    r"operations director|commercial director|technical director|principal|headteacher|"
    r"head teacher|trustee|chair of trustees|executor|executrix|administrator of the estate|"
    r"landlord|business owner|practice owner|partner)"
)
DECISION_TITLE = guarded(
    r"\b(?:i am|i'm|im|as|i act as|i work as|i'm one of|i am one of|writing as) (?:the |a |an |"
    r"one of the |one of two |our |its )?(?:\w+ )??(" + _DECIDING_ROLE + r")s?\b"
)
# A sign-off line naming a deciding role ("Finance Director", "Director, Demir & Co Ltd",
# "Head of HR at Brightwell", "FD"), looked for in the last lines of the message.
SIGNATURE_TITLE = guarded(
    r"^[ \t]*(?:[\w.'-]+ ){0,3}?(?:[-|,/] )?(" + _DECIDING_ROLE + r")\b(?:[ ,&|/-][^\n]{0,60})?$",
    re.MULTILINE,
)
# Roles that do not decide on their own (they prepare, the board or owner decides).
ASSISTING_TITLE = guarded(
    r"\b(?:i am|i'm|im) (?:the |a |an |our )?(?:\w+ )??(hr manager|hr advisor|hr adviser|"
    r"hr officer|hr business partner|office manager|practice manager|pa|personal assistant|"
    r"executive assistant|ea|secretary|administrator|admin|office administrator|"
    r"paralegal|bookkeeper|payroll (?:manager|administrator|officer)|assistant|"
    r"coordinator|co-ordinator|receptionist)\b"
)
TITLE_WORDS = guarded(
    r"\b(managing director|director|ceo|chief executive|founder|owner|proprietor|cfo|"
    r"finance director|chairman|company secretary|partner|general counsel|head of|"
    r"in-house counsel|legal counsel|trustee|chair)\b"
)
OWNERSHIP = guarded(
    r"\b(i own|we own|my company|my business|my firm|my shop|my practice|i run|we run|"
    r"my own company|my own business|i set up|we set up|our company|our business)\b"
)
RESEARCHING = guarded(
    r"\b(researching|exploring (?:our |my |the )?options|just looking|looking into (?:the )?"
    r"options|getting (?:some |a few )?quotes|shopping around|comparing (?:quotes|firms|"
    r"prices|costs)?|price[- ]shopping|"
    r"just (?:wondering|curious|asking|enquiring|a general)|"
    r"not (?:yet )?(?:ready|looking) to (?:instruct|commit|go ahead|proceed)|"
    r"not sure (?:if|whether) (?:i|we)(?:'m| am| are|'re)? (?:going to|want to|will|should|"
    r"ready)|"
    r"if (?:i|we) (?:did|do) (?:decide|go ahead)|nothing(?:'s| is| has been)? decided|"
    r"(?:haven't|have not|hasn't|not) (?:yet )?decided|no decision yet|"
    r"thinking (?:about|of) (?:whether|possibly|maybe|perhaps|\w+ing)\b|"
    r"ballpark|rough idea|general (?:information|enquiry|question)|"
    r"asking for a (?:friend|mate)|for future reference|early days|"
    r"before (?:i|we) (?:decide|commit|go ahead)|just trying to (?:understand|get my head|work out|"
    r"find out)|(?:haven't|have not|not) (?:yet )?found (?:a|the|one|anywhere|anything)|"
    r"(?:i'm|i am|we're|we are|want to|and|so i'm) compar(?:e|ing)\b|"
    r"(?:have|got|had) (?:a |two |three |some |other )?quotes? from|quoted (?:me|us)|"
    r"(?:might|may) (?:sell|need|want|go ahead|be) [^.\n]{0,30}\bor (?:we )?(?:might|may)|"
    r"before i get my hopes up|daft question|hypothetical(?:ly)?|"
    r"just (?:want|wanted) to (?:know|understand|check|find out)|just exploring|"
    r"nothing(?:'s| has) happened yet|(?:just )?starting to look|"
    r"before (?:we|i) (?:find|start|buy|sell|speak|talk)|is that true)\b"
)
FIRST_PERSON = guarded(r"\b(i|i'm|i've|i'd|i'll|my|me|we|we're|we've|we'd|our|us)\b")
# A reception note that gives no name and no matter ("wouldn't say what it's about").
WITHHELD = guarded(
    r"\b(wouldn't|would not|didn't|did not|refused to) (?:give (?:her|his|their) name|say what)"
)
_SIGN_OFF = guarded(
    r"^\s*(?:kind(?:est)? regards|best regards|best wishes|regards|many thanks|thanks|"
    r"thank you|cheers|yours (?:sincerely|faithfully|truly)|sincerely|all the best|"
    r"warm regards|with thanks)\b",
    re.MULTILINE,
)


@dataclass
class PositionFindings:
    position: DecisionPosition = DecisionPosition.UNKNOWN
    evidence: list[str] = field(default_factory=list)
    reason: str = ""
    # Every kind of wording the reader found, whichever decided (``position_cues``): what
    # the version's position classifier weighs beside the words themselves.
    cues: tuple[str, ...] = ()


# A question put in general terms, with nothing of the writer's own matter yet ("can I
# leave money to my dog in my will?", "what is chancel repair liability?").
_GENERAL_QUESTION = guarded(
    r"^(?:[^\n]{0,60}\b)?(?:can (?:i|you|we|a|an|my)|do (?:i|we|you)|does (?:a|an|my|the)|"
    r"is (?:it|there|that|a|an)|what (?:is|are|does|happens|would|if)|how (?:much|do|does|long|"
    r"can)|who (?:keeps|gets|deals|pays)|should (?:i|we)|would (?:i|we|it|that)|are (?:you|we)|"
    r"if (?:i|we))\b"
)
_LATER = guarded(
    r"\b(?:next year|in (?:a|about|around) (?:year|few years|couple of years)|in \w+ years|"
    r"one day|some ?time|at some point|when the time comes|planning ahead|thinking ahead|"
    r"in the future|eventually|(?:a|one) year or (?:so|two)|not yet|haven'?t (?:yet )?"
    r"(?:offered|started|applied|made)|nothing (?:formal|yet)|before (?:i|we) (?:make|start))\b"
)
_ABOUT_SOMEONE_ELSE = guarded(
    r"\b(?:my|our) (?:\d+[- ]year[- ]old |elderly |adult |teenage |late )?"
    + _RELATIVE
    + r"(?:'s)?\b"
)
_WITHOUT_THEM = guarded(
    r"\b(?:(?:she|he|they) (?:doesn't|does not|don't|do not) know (?:i'm|i am)|"
    r"without (?:her|his|their) knowledge|(?:i'm|i am) (?:just )?(?:trying to help|asking for "
    r"(?:her|him|them))|not the one deciding|haven't been asked|not my decision)\b"
)
_COMPANY_WE = guarded(r"\b(?:we|our|us)\b")


def position_cues(head: str, *, job_title: str = "", organisation: bool = False) -> tuple[str, ...]:
    """The kinds of wording about the writer's position in the text, each by name
    (``referrer``, ``researching``, ``for_relative``, ``deciding_title``, ...), whichever
    the rules' order lets decide: the position classifier weighs them all."""
    cues = []
    for name, pattern in (
        ("referrer", REFERRER),
        ("researching", RESEARCHING),
        ("on_behalf", ON_BEHALF),
        ("deciding_title", DECISION_TITLE),
        ("assisting_title", ASSISTING_TITLE),
        ("ownership", OWNERSHIP),
        ("withheld", WITHHELD),
        ("later", _LATER),
        ("someone_else", _ABOUT_SOMEONE_ELSE),
        ("without_them", _WITHOUT_THEM),
    ):
        if pattern.search(head):
            cues.append(name)
    if SIGNATURE_TITLE.search(_signature(head)):
        cues.append("signature_title")
    if TITLE_WORDS.search(job_title.lower()):
        cues.append("job_title")
    roles = {"deciding_title", "signature_title", "job_title", "assisting_title", "ownership"}
    if organisation:
        cues.append("organisation" if roles.intersection(cues) else "organisation_no_role")
    if _GENERAL_QUESTION.search(head.lstrip()):
        cues.append("general_question")
    words = len(head.split())
    cues.append("very_short" if words < 8 else "short" if words < 40 else "long")
    if not FIRST_PERSON.search(head):
        cues.append("third_person")
    if _COMPANY_WE.search(head):
        cues.append("we")
    return tuple(cues)


def _signature(head: str) -> str:
    """The sign-off block: the lines after the last "Regards" (or the last six lines)."""
    starts = [match.end() for match in _SIGN_OFF.finditer(head)]
    if starts and starts[-1] > len(head) // 3:
        return head[starts[-1] : starts[-1] + 400]
    return "\n".join(head.rstrip().splitlines()[-6:])


# A grown-up relative named with their age ("my father, Frank Holloway (86)"): their
# matter, which they decide (a parent decides for a child, so a child's age does not count).
_ADULT_RELATIVE = guarded(
    r"\b(?:my|our|his|her|their) (?:mother|mum|father|dad|parents?|grandmother|grandfather|"
    r"nan|gran|aunt|uncle|brother|sister|husband|wife|partner|son|daughter|father-in-law|"
    r"mother-in-law),? "
    r"(?:(?:mr|mrs|ms|miss)\.? )?(?:[a-z'-]+ ){0,2}\((\d{1,3})\b"
)
_OWN_SIDE = guarded(
    r"\b(?:my (?:husband|wife|partner|co-director|business partner)|co-director|"
    r"(?:i am|i'm) (?:also |one of )?(?:the |a )?(?:buyers?|sellers?|shareholders?|owners?))\b"
)


# In a forwarder's note, the words of someone passing on a client or customer of theirs.
_PASSING_ON = guarded(
    r"\b(?:(?:my|our) (?:clients?|customers?|vendors?|buyers?|sellers?)|client of (?:mine|ours)|"
    r"introduc\w+|recommend\w*|referr\w+|pass(?:ed|ing)? (?:this |it )?(?:on|over|to you)|"
    r"put (?:them|him|her|you) in touch|estate agents?|mediator|ifa|financial (?:adviser|planner)|"
    r"chartered (?:accountants?|financial planner))\b"
)


def _forwarded_position(note: str, author: str) -> PositionFindings:
    """The forwarder's position, read from their own note above the forwarded mail."""
    if match := REFERRER.search(note) or _PASSING_ON.search(note):
        return PositionFindings(
            DecisionPosition.REFERRER,
            [match.group()],
            f"passes on {author}'s email as a referrer",
        )
    if match := ON_BEHALF.search(note):
        return PositionFindings(
            DecisionPosition.ON_BEHALF,
            [match.group()],
            f"forwards {author}'s email; {author} decides",
        )
    deciding = (
        _OWN_SIDE.search(note)
        or DECISION_TITLE.search(note)
        or SIGNATURE_TITLE.search(_signature(note))
    )
    if deciding:
        return PositionFindings(
            DecisionPosition.DECISION_MAKER,
            [deciding.group().strip()],
            f"forwards {author}'s email and decides with them",
        )
    return PositionFindings(
        DecisionPosition.ON_BEHALF, [author], f"forwards {author}'s email; {author} decides"
    )


def find_position(
    lower: str,
    *,
    job_title: str = "",
    not_a_buyer: str = "",
    company: bool = False,
    forwarded_note: str = "",
    forwarded_from: str = "",
    organisation: str = "",
) -> PositionFindings:
    """Who the enquirer is in the decision; ``not_a_buyer`` names a flag already found.

    Someone writing about their own matter decides it; someone who says they are
    undecided is researching; an assistant or a relative acts for the one who decides;
    someone forwarding another person's email (``forwarded_from``, with their own
    ``forwarded_note`` above it) acts for its author unless their note says otherwise.
    ``company`` is kept for callers; a company's writer decides unless they say otherwise.
    The findings carry every cue found (``position_cues``), for the position classifier.
    """
    head = lower[:HEAD_CHARS]
    findings = _find_position(
        head,
        job_title=job_title,
        not_a_buyer=not_a_buyer,
        forwarded_note=forwarded_note,
        forwarded_from=forwarded_from,
    )
    cues = position_cues(head[:CUE_CHARS], job_title=job_title, organisation=bool(organisation))
    findings.cues = cues + (("forwarded",) if forwarded_from else ())
    return findings


def _find_position(
    head: str, *, job_title: str, not_a_buyer: str, forwarded_note: str, forwarded_from: str
) -> PositionFindings:
    if not_a_buyer:
        return PositionFindings(DecisionPosition.NOT_A_BUYER, [], not_a_buyer)
    if forwarded_from:
        return _forwarded_position(forwarded_note.lower()[:HEAD_CHARS], forwarded_from)
    if match := REFERRER.search(head):
        return PositionFindings(DecisionPosition.REFERRER, [match.group()], "writes for a client")
    if match := RESEARCHING.search(head):
        return PositionFindings(
            DecisionPosition.RESEARCHING, [match.group()], "is researching options"
        )
    adult = next((m for m in _ADULT_RELATIVE.finditer(head) if int(m.group(1)) >= 18), None)
    if match := ON_BEHALF.search(head) or adult:
        return PositionFindings(
            DecisionPosition.ON_BEHALF, [match.group()], "writes for the decision maker"
        )
    title = TITLE_WORDS.search(job_title.lower())
    if title:
        return PositionFindings(
            DecisionPosition.DECISION_MAKER, [job_title], f"writes as {title.group()}"
        )
    if match := DECISION_TITLE.search(head):
        return PositionFindings(
            DecisionPosition.DECISION_MAKER, [match.group()], f"writes as {match.group(1)}"
        )
    if match := SIGNATURE_TITLE.search(_signature(head)):
        return PositionFindings(
            DecisionPosition.DECISION_MAKER,
            [match.group().strip()],
            f"signs off as {match.group(1)}",
        )
    if match := ASSISTING_TITLE.search(head):
        return PositionFindings(
            DecisionPosition.ON_BEHALF,
            [match.group()],
            f"writes as {match.group(1)}, for whoever decides",
        )
    if match := OWNERSHIP.search(head):
        return PositionFindings(
            DecisionPosition.DECISION_MAKER, [match.group()], "writes about their own business"
        )
    if WITHHELD.search(head):
        return PositionFindings()
    if head.strip():
        return PositionFindings(
            DecisionPosition.DECISION_MAKER, [], "writes about their own matter"
        )
    return PositionFindings()
