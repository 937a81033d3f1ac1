"""Decision position: whether the enquirer decides (a director, an owner, a person with
their own matter), acts for someone who does, refers a client, is only researching, or
is not a buyer at all (a student, a job seeker, a supplier)."""

import re
from dataclasses import dataclass, field

from qualification.choices import DecisionPosition
from qualification.extraction.text import HEAD_CHARS

REFERRER = re.compile(
    r"\b(on behalf of (?:my|our) clients?|(?:my|our) clients? (?:is|are|needs?|has|have|would|"
    r"wants?|asked)|i(?:'d| would) like to (?:refer|introduce)|referr(?:al|ing) (?:a|my|our)|"
    r"introduc(?:e|ing) (?:a|my|our) client|one of (?:my|our) clients|"
    r"(?:refer|introduce) (?:a|my|our) client|i(?:'m| am) an? (?:ifa|financial adviser|"
    r"independent financial adviser|estate agent|mortgage broker) and)\b"
)
ON_BEHALF = re.compile(
    r"\b(on behalf of (?:my|our|the) (?:boss|manager|director|md|ceo|employer|company|"
    r"mother|father|mum|dad|mom|husband|wife|partner|son|daughter|parents?|brother|sister|"
    r"grandmother|grandfather|family|aunt|uncle|friend)|(?:my|our) (?:boss|manager|director|"
    r"ceo|md) (?:has )?asked me|asked me to (?:contact|get in touch|enquire|find)|"
    r"(?:pa|assistant|secretary) to (?:the|our|my)|for my (?:elderly )?(?:mother|father|mum|dad|"
    r"parents?|grandmother|grandfather)|my (?:son|daughter|mother|father|mum|dad|husband|wife|"
    r"brother|sister)(?:'s)? (?:was|is|has|had|needs?|got))\b"
)
DECISION_TITLE = re.compile(
    r"\b(?:i am|i'm|i’m|as) (?:the |a |one of the |our )?(managing director|director|"
    r"chief executive|ceo|founder|co-founder|owner|sole trader|proprietor|finance director|"
    r"cfo|chairman|chair|company secretary|managing partner|sole director|"
    r"general counsel|head of (?:hr|people|finance|legal)|hr director|trustee|executor|"
    r"landlord|business owner)\b"
)
TITLE_WORDS = re.compile(
    r"\b(managing director|director|ceo|chief executive|founder|owner|proprietor|cfo|"
    r"finance director|chairman|company secretary|partner|general counsel|head of)\b"
)
OWNERSHIP = re.compile(
    r"\b(i own|we own|my company|my business|my firm|my shop|my practice|i run|we run|"
    r"my own company|my own business)\b"
)
RESEARCHING = re.compile(
    r"\b(researching|exploring (?:our |my |the )?options|just looking|getting (?:some )?quotes|"
    r"comparing (?:quotes|firms|prices)|just comparing|not sure (?:if|whether)|thinking about|"
    r"ballpark|rough idea|general (?:information|enquiry|question)|might need|may need|"
    r"in the future|at some point)\b"
)
FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|i'll|my|me|we|we're|we've|we'd|our|us)\b")


@dataclass
class PositionFindings:
    position: DecisionPosition = DecisionPosition.UNKNOWN
    evidence: list[str] = field(default_factory=list)
    reason: str = ""


def find_position(
    lower: str, *, job_title: str = "", not_a_buyer: str = "", company: bool = False
) -> PositionFindings:
    """Who the enquirer is in the decision; ``not_a_buyer`` names a flag already found.

    Someone writing about their own matter decides it; someone writing for a company
    decides only if they say their role.
    """
    head = lower[:HEAD_CHARS]
    if not_a_buyer:
        return PositionFindings(DecisionPosition.NOT_A_BUYER, [], not_a_buyer)
    if match := REFERRER.search(head):
        return PositionFindings(DecisionPosition.REFERRER, [match.group()], "writes for a client")
    if match := ON_BEHALF.search(head):
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
    if match := RESEARCHING.search(head):
        return PositionFindings(
            DecisionPosition.RESEARCHING, [match.group()], "is researching options"
        )
    if match := OWNERSHIP.search(head):
        return PositionFindings(
            DecisionPosition.DECISION_MAKER, [match.group()], "writes about their own business"
        )
    if not company and FIRST_PERSON.search(head[:3000]):
        return PositionFindings(
            DecisionPosition.DECISION_MAKER, [], "writes about their own matter"
        )
    return PositionFindings()
