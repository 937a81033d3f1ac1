"""How two names are compared for a conflict check, and the words that say why they
matched: accents, punctuation, titles and company suffixes set aside; the sound of each
word (metaphone, via jellyfish); initial and surname; words in either order; and spelling
distance (rapidfuzz). Each name gets a few exact keys that an index finds it by, so a
check reads only the few records that could match, not every name held."""

import re
import unicodedata
from dataclasses import dataclass

import jellyfish
from rapidfuzz import fuzz

from compliance.choices import PartyKind

TITLES = frozenset(
    "mr mrs ms miss mx dr doctor prof professor sir dame lord lady rev revd reverend hon "
    "esq jnr jr snr sr qc kc".split()
)
COMPANY_SUFFIXES = frozenset(
    "ltd limited plc llp lp llc inc incorporated corp corporation cyf cyfyngedig".split()
)
# Words that say a name is an organisation, not a person.
ORGANISATION_WORDS = COMPANY_SUFFIXES | frozenset(
    "and company co group holdings trust partners partnership associates services "
    "solutions council bank society university school charity foundation".split()
)
# Free mail providers: sharing one says nothing about who someone works for.
FREE_MAIL_DOMAINS = frozenset(
    "gmail.com googlemail.com hotmail.com hotmail.co.uk outlook.com live.com live.co.uk "
    "msn.com yahoo.com yahoo.co.uk icloud.com me.com mac.com aol.com btinternet.com "
    "sky.com virginmedia.com talktalk.net protonmail.com proton.me gmx.com mail.com".split()
)
# Domains reserved for documentation and testing (RFC 2606, RFC 6761): nobody's
# organisation, so an address there says nothing about who the enquirer works for.
RESERVED_DOMAINS = frozenset({"example.com", "example.net", "example.org"})
RESERVED_TOP_LEVEL = frozenset({"example", "test", "invalid", "localhost"})
# A spelling this alike (rapidfuzz, 0-100, words in any order) is reported on its own.
SPELLING_THRESHOLD = 88


def fold(text: str) -> str:
    """Lower case, accents removed, "&" as "and", punctuation as spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def guess_kind(name: str) -> str:
    words = set(fold(name).split())
    return PartyKind.ORGANISATION if words & ORGANISATION_WORDS else PartyKind.PERSON


def name_words(name: str, kind: str) -> list[str]:
    """The words that identify the name: titles dropped from a person's, company
    suffixes (and a leading "the") from an organisation's."""
    words = fold(name).split()
    if kind == PartyKind.ORGANISATION:
        words = [w for w in words if w not in COMPANY_SUFFIXES]
        if words[:1] == ["the"]:
            words = words[1:]
        return words
    return [w for w in words if w not in TITLES]


def sound(word: str) -> str:
    return jellyfish.metaphone(word) or word


def company_number_clean(value: str) -> str:
    """A Companies House number as eight characters (``1234567`` → ``01234567``)."""
    value = re.sub(r"\s+", "", value or "").upper()
    if value.isdigit() and 0 < len(value) < 8:
        value = value.zfill(8)
    return value


def email_domain(email: str) -> str:
    domain = (email or "").rsplit("@", 1)[-1].lower() if "@" in (email or "") else ""
    if domain in FREE_MAIL_DOMAINS or not organisation_domain(domain):
        return ""
    return domain


def organisation_domain(domain: str) -> bool:
    """Whether a mail domain can stand for an organisation: not a reserved one."""
    labels = domain.split(".")
    return not (".".join(labels[-2:]) in RESERVED_DOMAINS or labels[-1] in RESERVED_TOP_LEVEL)


@dataclass(frozen=True)
class NameKeys:
    """A name and the keys it is looked up by."""

    name: str
    kind: str
    folded: str
    sound_key: str
    initial_keys: tuple[str, ...]
    company_number: str = ""
    email: str = ""
    email_domain: str = ""

    @property
    def words(self) -> list[str]:
        return self.folded.split()


def name_keys(name: str, *, kind: str = "", company_number: str = "", email: str = "") -> NameKeys:
    """The keys a name is stored and searched by. A person's initial key is their first
    initial and the sound of their surname; the search also tries the reverse order."""
    kind = kind or guess_kind(name)
    words = name_words(name, kind)
    folded = " ".join(words)
    long_words = [w for w in words if len(w) > 1]
    if kind == PartyKind.PERSON:
        sound_key = " ".join(sorted(sound(w) for w in long_words)) if len(long_words) > 1 else ""
        initial_keys: tuple[str, ...] = ()
        if len(words) > 1 and len(words[-1]) > 1:
            initial_keys = (f"{words[0][0]} {sound(words[-1])}",)
            if len(words[0]) > 1:
                initial_keys += (f"{words[-1][0]} {sound(words[0])}",)
    else:
        sound_key = " ".join(sorted(sound(w) for w in words))
        initial_keys = ()
    email = (email or "").strip().lower()
    return NameKeys(
        name=name,
        kind=kind,
        folded=folded,
        sound_key=sound_key,
        initial_keys=initial_keys,
        company_number=company_number_clean(company_number),
        email=email,
        email_domain=email_domain(email),
    )


@dataclass(frozen=True)
class Comparison:
    score: int
    reasons: list[str]


def compare(searched: NameKeys, held: NameKeys) -> Comparison:
    """How alike two names are (0-100) and why, in words; no reasons means no match."""
    reasons: list[tuple[int, str]] = []
    if searched.email and searched.email == held.email:
        reasons.append((100, f"same email address ({held.email})"))
    if searched.company_number and searched.company_number == held.company_number:
        reasons.append((100, f"same company number ({held.company_number})"))
    if searched.email_domain and searched.email_domain == held.email_domain:
        reasons.append((60, f"email at the same organisation's domain ({held.email_domain})"))
    a, b = searched.folded, held.folded
    if a and b:
        if a == b:
            if searched.name.strip().lower() == held.name.strip().lower():
                reasons.append((100, "same name"))
            else:
                reasons.append(
                    (
                        98,
                        "same name once titles, accents, punctuation and company suffixes "
                        "such as “Ltd”/“Limited” are set aside",
                    )
                )
        elif sorted(a.split()) == sorted(b.split()):
            reasons.append((95, "same names in a different order (first and last transposed)"))
        else:
            spelling = round(fuzz.token_sort_ratio(a, b))
            if searched.sound_key and searched.sound_key == held.sound_key:
                reasons.append((max(85, spelling), f"names sound the same ({held.sound_key})"))
            elif set(searched.initial_keys) & set(held.initial_keys) and _initial_only(
                searched, held
            ):
                reasons.append((75, "same initial and surname"))
            if spelling >= SPELLING_THRESHOLD:
                reasons.append((spelling, f"spelt alike ({spelling}% similar)"))
    if not reasons:
        return Comparison(score=0, reasons=[])
    return Comparison(score=max(score for score, _ in reasons), reasons=[r for _, r in reasons])


def _initial_only(searched: NameKeys, held: NameKeys) -> bool:
    """One of the two names gives only an initial where the other has a name (J. Smith,
    John Smith), or the first names are spelt alike (Jon, John)."""
    first_a, first_b = searched.words[0], held.words[0]
    if len(first_a) == 1 or len(first_b) == 1:
        return True
    last_a, last_b = searched.words[-1], held.words[-1]
    if len(last_a) == 1 or len(last_b) == 1:
        return True
    return fuzz.ratio(first_a, first_b) >= 75
