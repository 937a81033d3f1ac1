"""Preparing enquiry text for reading: the parts that matter, cleaned of forwarding
headers and quoting marks, normalised (case, quotes, dashes), and cut into words; and
forwarded mail found, so the forwarded text is read as the enquiry and its author is
known (an assistant forwarding their director's email: the director decides)."""

import re
import unicodedata
from dataclasses import dataclass

from qualification.extraction.guard import guarded

# Analysis reads at most this much of an enquiry (about 8,000 words): what someone asks
# for is in their opening, and the work per enquiry stays bounded whatever is pasted in.
MAX_CHARS = 50_000
# Sums, dates, phrases about the enquirer and flags are read in the first 20,000
# characters (about 3,500 words), where a person states them.
HEAD_CHARS = 20_000

_HEADER_LINE = re.compile(
    r"^[ \t>]*(?:-{2,}[^\n]*forwarded message[^\n]*|begin forwarded message:?|"
    r"(?:from|sent|to|cc|date|subject)\s*:[^\n]*|on [^\n]{5,80} wrote:)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_QUOTE_MARK = guarded(r"^[ \t]*>+[ \t]?", re.MULTILINE)
_REPLACEMENTS = tuple(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }.items()
)
WORD = re.compile(r"[a-z0-9]+(?:[&'][a-z0-9]+)*")


@dataclass(frozen=True)
class Text:
    """The enquiry as read: ``original`` keeps case for quoting evidence, ``lower`` is
    the same text in lower case (same length, so offsets agree)."""

    original: str
    lower: str
    subject_end: int  # offsets below this are the subject line


def clean(value: str) -> str:
    """Normalise one piece of enquiry text (never raises, whatever it is given)."""
    value = value[:MAX_CHARS]
    if not value.isascii():
        if not unicodedata.is_normalized("NFKC", value):
            value = unicodedata.normalize("NFKC", value)
        for character, replacement in _REPLACEMENTS:
            if character in value:
                value = value.replace(character, replacement)
    value = _HEADER_LINE.sub("", value)
    value = _QUOTE_MARK.sub("", value)
    return value


def prepare(*, subject: str, body: str) -> Text:
    """The subject and body as one text, subject first, one line apart."""
    subject = clean(subject).replace("\n", " ").strip()
    original = f"{subject}\n{clean(body)}" if subject else clean(body)
    lower = original.lower()
    if len(lower) != len(original):  # a few characters change length when lowered
        original = lower
    return Text(original=original, lower=lower, subject_end=len(subject))


def sentence_around(text: str, start: int, end: int, *, limit: int = 160) -> str:
    """The sentence (or at most ``limit`` characters of it) holding text[start:end]."""
    left = max(text.rfind(mark, max(0, start - limit), start) for mark in ".!?\n")
    right_candidates = [text.find(mark, end, end + limit) for mark in ".!?\n"]
    right = min([pos for pos in right_candidates if pos != -1] or [min(len(text), end + limit)])
    return text[left + 1 : right].strip()


_FORWARD_MARK = re.compile(
    r"^[ \t>]*(?:-{2,}\s*(?:forwarded message|original message)\s*-{2,}|"
    r"begin forwarded message:?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_FROM_LINE = re.compile(r"^[ \t>]*from:[ \t]*(.+?)[ \t]*$", re.IGNORECASE | re.MULTILINE)
_HEADER_NEXT = re.compile(r"^[ \t>]*(?:sent|date|to|subject|cc):", re.IGNORECASE | re.MULTILINE)
_ADDRESS = guarded(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class Forwarded:
    """Mail forwarded to the firm: the forwarder's own note above it, and the forwarded
    message's author and text."""

    note: str
    author_name: str
    author_email: str
    text: str


def find_forwarded(body: str) -> Forwarded | None:
    """The forwarded message in ``body`` (a "Forwarded message" line, or a From: header
    followed by Sent/Date/To lines), or None when nothing was forwarded."""
    body = body[:MAX_CHARS]
    mark = _FORWARD_MARK.search(body)
    search_from = mark.end() if mark else 0
    for match in _FROM_LINE.finditer(body, search_from):
        following = body[match.end() : match.end() + 300]
        if not mark and not _HEADER_NEXT.search(following):
            continue
        value = match.group(1).strip()
        email = _ADDRESS.search(value)
        name = value[: email.start()] if email else value
        name = " ".join(name.replace('"', " ").replace("<", " ").replace("[", " ").split())
        name = name.removeprefix("mailto:").strip(" ,")
        note = body[: mark.start() if mark else match.start()].strip()
        rest = body[match.end() :]
        return Forwarded(
            note=note,
            author_name=name[:200],
            author_email=(email.group().lower() if email else "")[:254],
            text=rest.strip(),
        )
    return None
