"""Requirement type: which practice area the enquiry is about, scored per area from the
words and phrases the firm lists for it, with the words that matched as evidence.

Words are compared by a light English stem, so "dismissed", "dismissal" and
"dismissing" all match a keyword "dismissed", and phrases match as whole word sequences
("buying a house" matches "buying a house" and "bought a house" does not). No match means
unclassified; nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from qualification.extraction.text import HEAD_CHARS, WORD, Text

if TYPE_CHECKING:
    from qualification.extraction.base import AreaSpec

# Words that must never be reduced to a shorter word that means something else
# ("wills" must not become "will").
_PROTECTED = frozenset({"will", "can", "may", "must", "shall", "need", "us", "as", "is"})
# An area needs at least this score to be named; one single-word match is enough.
MIN_AREA_SCORE = 1.0
SUBJECT_BONUS = 0.5
# Typing slips are forgiven in words this long or longer, in the first words read.
TYPO_MIN_LENGTH = 6
TYPO_WORDS = 1500
# Words whose typo correction is kept between enquiries.
CORRECTIONS_KEPT = 100_000


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light, consistent English stem: plural and verb endings, -ly, -al after -ss."""
    if len(word) <= 3 or not word.isalpha():
        return word
    base = word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        base = word[:-3] + "y"
    elif word.endswith("ing") and len(word) >= 6:
        base = _undouble(word[:-3])
    elif word.endswith("ed") and len(word) >= 5:
        base = _undouble(word[:-2])
    elif word.endswith(("sses", "xes", "ches", "shes", "zes")):
        base = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        base = word[:-1]
    if base.endswith("er") and len(base) >= 6:
        base = base[:-2]
    elif base.endswith("issal"):
        base = base[:-2]
    elif base.endswith("ly") and len(base) >= 6:
        base = base[:-2]
    if base.endswith("e") and len(base) >= 5:
        base = base[:-1]
    if base in _PROTECTED:
        return word
    return base


def _undouble(word: str) -> str:
    if len(word) >= 3 and word[-1] == word[-2] and word[-1] not in "lsfz":
        return word[:-1]
    return word


def stems_of(phrase: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in WORD.findall(phrase.lower()))


@dataclass(frozen=True)
class Matcher:
    """Keyword phrases of every area, indexed by their first word's stem."""

    index: dict[str, tuple[tuple[tuple[str, ...], int, str], ...]]
    # One-typo variants of keyword words ("dismised", "tribunnal") -> the keyword word.
    typos: dict[str, str]
    known: frozenset[str]
    # Each word's correction once worked out (``_typo_corrected``), for the next texts.
    corrections: dict[str, str] = field(default_factory=dict, compare=False)


@lru_cache(maxsize=32)
def matcher_for(areas: tuple[AreaSpec, ...]) -> Matcher:
    """Build (once per set of areas) the index used to find keywords in text."""
    index: dict[str, list[tuple[tuple[str, ...], int, str]]] = {}
    for position, area in enumerate(areas):
        for keyword in area.keywords:
            words = stems_of(keyword)
            if words:
                index.setdefault(words[0], []).append((words, position, keyword))
    known = {word for entries in index.values() for words, _, _ in entries for word in words}
    typos: dict[str, str] = {}
    ambiguous: set[str] = set()
    for word in known:
        if len(word) < TYPO_MIN_LENGTH or not word.isalpha():
            continue
        for variant in {word, *_deletions(word)}:
            if typos.get(variant, word) != word:
                ambiguous.add(variant)
            typos[variant] = word
    for variant in ambiguous:
        typos.pop(variant, None)
    # Longest phrases first, so "unfair dismissal" is found before "dismissal".
    return Matcher(
        index={
            key: tuple(sorted(value, key=lambda item: -len(item[0])))
            for key, value in index.items()
        },
        typos=typos,
        known=frozenset(known),
    )


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _typo_corrected(word: str, matcher: Matcher) -> str:
    """The keyword word one typing slip away from ``word`` (a letter missed, added or
    changed), or ``word`` itself."""
    corrections = matcher.corrections
    found = corrections.get(word)
    if found is None:
        if len(corrections) >= CORRECTIONS_KEPT:
            corrections.clear()
        found = corrections[word] = _correction(word, matcher)
    return found


def _correction(word: str, matcher: Matcher) -> str:
    if word in matcher.known or len(word) < TYPO_MIN_LENGTH or not word.isalpha():
        return word
    if word in matcher.typos:
        return matcher.typos[word]
    # Every keyword word one slip away; two different ones make the word ambiguous, as
    # in ``matcher_for``, so it stays as written (and the reading never depends on the
    # order a set is walked in, which changes with Python's hash seed).
    candidates = {
        matcher.typos[variant] for variant in _deletions(word) if variant in matcher.typos
    }
    return candidates.pop() if len(candidates) == 1 else word


@dataclass
class RequirementFindings:
    area: AreaSpec | None = None
    evidence: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    score: float = 0.0


def find_requirement(text: Text, areas: tuple[AreaSpec, ...]) -> RequirementFindings:
    """Score every practice area by the keywords found; the best one, if any, wins."""
    if not areas:
        return RequirementFindings()
    matcher = matcher_for(areas)
    words = WORD.findall(text.lower[:HEAD_CHARS])
    subject_words = len(WORD.findall(text.lower[: text.subject_end]))
    token_stems = [stem(word) for word in words]
    for i in range(min(len(token_stems), TYPO_WORDS)):
        token_stems[i] = _typo_corrected(token_stems[i], matcher)
    found: dict[int, dict[str, tuple[int, str, bool]]] = {}
    covered_until = 0  # words inside a longer phrase already matched do not count again
    index = matcher.index
    for i, first in enumerate(token_stems):
        candidates = index.get(first)
        if not candidates:
            continue
        for phrase, position, keyword in candidates:
            length = len(phrase)
            if i + length <= covered_until:
                continue
            if length > 1 and tuple(token_stems[i : i + length]) != phrase:
                continue
            if length > 1:
                covered_until = max(covered_until, i + length)
            surface = " ".join(words[i : i + length])
            seen = found.setdefault(position, {})
            count, first_surface, subject = seen.get(keyword, (0, surface, False))
            seen[keyword] = (count + 1, first_surface, subject or i < subject_words)
    if not found:
        return RequirementFindings()
    scores: dict[int, float] = {}
    for position, keywords in found.items():
        total = 0.0
        for keyword, (count, _surface, in_subject) in keywords.items():
            words = len(stems_of(keyword))
            total += 1 + 0.5 * (words - 1) + min(0.5, 0.1 * (count - 1))
            total += SUBJECT_BONUS if in_subject else 0
        scores[position] = round(total, 2)
    best = max(scores, key=lambda position: (scores[position], -position))
    if scores[best] < MIN_AREA_SCORE:
        return RequirementFindings(scores={areas[p].slug: s for p, s in scores.items()})
    evidence = sorted(
        {surface for _count, surface, _subject in found[best].values()},
        key=lambda surface: text.lower.find(surface),
    )
    return RequirementFindings(
        area=areas[best],
        evidence=evidence[:6],
        scores={areas[p].slug: s for p, s in sorted(scores.items())},
        score=scores[best],
    )
