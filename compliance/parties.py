"""Reading the other parties an enquirer named: the web form's and the staff forms'
free text (one per line, "Name (role)" or "Name, role"), and the API's list of objects or
names. Anything unreadable is left out, never refused: capture has already happened."""

import re
from dataclasses import dataclass
from typing import Any

from compliance.choices import PartyKind, PartyRole, PartySource
from compliance.matching import company_number_clean, guess_kind

# The most parties read from one enquiry, and the longest name kept.
PARTIES_MAX = 20
NAME_MAX = 200

ROLE_WORDS = {
    **{choice.value: choice.value for choice in PartyRole},
    **{choice.label.lower(): choice.value for choice in PartyRole},
    "other party": PartyRole.OTHER_SIDE,
    "opponent": PartyRole.OTHER_SIDE,
    "ex": PartyRole.SPOUSE,
    "ex-wife": PartyRole.SPOUSE,
    "ex-husband": PartyRole.SPOUSE,
    "wife": PartyRole.SPOUSE,
    "husband": PartyRole.SPOUSE,
    "partner": PartyRole.SPOUSE,
    "spouse": PartyRole.SPOUSE,
    "vendor": PartyRole.SELLER,
    "purchaser": PartyRole.BUYER,
    "respondent": PartyRole.DEFENDANT,
    "former employer": PartyRole.EMPLOYER,
}


@dataclass(frozen=True)
class PartyDetails:
    name: str
    kind: str = PartyKind.PERSON
    role: str = PartyRole.OTHER_SIDE
    company_number: str = ""
    email: str = ""
    source: str = PartySource.GIVEN


def _clean(value: Any) -> str:
    """One line of printable text (control characters, NUL included, removed)."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in str(value or "")).split())


def _role(text: str) -> str:
    return ROLE_WORDS.get(" ".join(str(text).lower().split()), "")


def _one(value: Any) -> PartyDetails | None:
    if isinstance(value, dict):
        name = _clean(value.get("name"))[:NAME_MAX]
        if not name:
            return None
        kind = str(value.get("kind") or "")
        kind = kind if kind in PartyKind.values else guess_kind(name)
        email = str(value.get("email") or "").strip().lower()
        return PartyDetails(
            name=name,
            kind=kind,
            role=_role(value.get("role") or "") or PartyRole.OTHER_SIDE,
            company_number=company_number_clean(str(value.get("company_number") or ""))[:20],
            email=email if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) else "",
        )
    text = _clean(value)
    if not text or re.fullmatch(r"[\W_]*(\([^()]*\))?[\W_]*", text):
        return None  # punctuation or a role in brackets, with no name
    if _role(text):
        return None  # a role on its own ("landlord"), with no name
    role = ""
    bracketed = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text)
    if bracketed and _role(bracketed.group(2)):
        text, role = bracketed.group(1), _role(bracketed.group(2))
    elif "," in text and _role(text.rsplit(",", 1)[1]):
        text, role = text.rsplit(",", 1)[0].strip(), _role(text.rsplit(",", 1)[1])
    elif ":" in text and _role(text.split(":", 1)[0]):
        role, text = _role(text.split(":", 1)[0]), text.split(":", 1)[1].strip()
    if not text:
        return None
    text = text[:NAME_MAX]
    return PartyDetails(name=text, kind=guess_kind(text), role=role or PartyRole.OTHER_SIDE)


def parties_parse(value: Any) -> list[PartyDetails]:
    """The parties in a form's text (one per line or separated by semicolons) or an API
    list, de-duplicated, at most ``PARTIES_MAX``."""
    if isinstance(value, str):
        items: list[Any] = [part for line in value.splitlines() for part in line.split(";")]
    elif isinstance(value, list):
        items = value
    else:
        return []
    parties, seen = [], set()
    for item in items:
        party = _one(item)
        if party is None or party.name.lower() in seen:
            continue
        seen.add(party.name.lower())
        parties.append(party)
        if len(parties) == PARTIES_MAX:
            break
    return parties


def parties_from_text(mentions: list[Any]) -> list[PartyDetails]:
    """Qualification's reading of the enquiry's text (``PartyMention``s) as parties read
    from the text; a role compliance does not know is "other side"."""
    parties = []
    for mention in mentions[:PARTIES_MAX]:
        name = _clean(mention.name)[:NAME_MAX]
        if not name:
            continue
        kind = mention.kind if mention.kind in PartyKind.values else guess_kind(name)
        role = mention.role if mention.role in PartyRole.values else PartyRole.OTHER_SIDE
        parties.append(PartyDetails(name=name, kind=kind, role=role, source=PartySource.READ))
    return parties


def parties_from_payload(payload: Any) -> list[PartyDetails]:
    """The parties named in a stored capture payload (API, web form or staff form)."""
    if not isinstance(payload, dict):
        return []
    value = payload.get("parties")
    if value is None and isinstance(payload.get("fields"), dict):
        value = payload["fields"].get("parties")
    return parties_parse(value)
