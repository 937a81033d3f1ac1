"""A cheap check before a long scan: the rules' phrase patterns are alternations behind a
word boundary, which Python's ``re`` tries at every character of the 20,000 it reads,
while most texts hold none of their words. ``guarded`` works out from the pattern itself
a set of literal strings of which every match must contain one (``required_literals``),
and answers ``search``, ``findall`` and ``finditer`` at once when none is in the text,
which is a substring test in C. The answers are the pattern's own, never others: the
pattern still reads every text that could match."""

import re
from re import _constants as sre
from re import _parser


def _sequence_literals(items) -> frozenset[str] | None:
    """Literals one of which is in every match of the parsed sequence, or None."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, value in items:
        if op is sre.LITERAL:
            run.append(chr(value))
            continue
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, inner = value
            if not (add_flags | del_flags) & re.IGNORECASE:
                found = _sequence_literals(inner)
                if found is not None:
                    candidates.append(found)
        elif op is sre.BRANCH:
            branches = [_sequence_literals(branch) for branch in value[1]]
            if branches and all(found is not None for found in branches):
                candidates.append(frozenset().union(*branches))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, inner = value
            if low >= 1:
                found = _sequence_literals(inner)
                if found is not None:
                    candidates.append(found)
        elif op is sre.ATOMIC_GROUP:
            found = _sequence_literals(value)
            if found is not None:
                candidates.append(found)
        # Anything else (a class, any character, a boundary, a look-around, a back
        # reference) requires no particular literal of its own.
    if run:
        candidates.append(frozenset({"".join(run)}))
    if not candidates:
        return None
    # The most selective: the longest shortest literal, then the fewest literals.
    return max(candidates, key=lambda found: (min(map(len, found)), -len(found)))


def required_literals(pattern: re.Pattern) -> frozenset[str] | None:
    """Literal strings of which every match of ``pattern`` contains at least one, or None
    when the pattern does not require any (or ignores case)."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    found = _sequence_literals(_parser.parse(pattern.pattern, pattern.flags))
    if found is None or "" in found:
        return None
    return found


class GuardedPattern:
    """A compiled pattern that answers "no match" at once when the text holds none of
    the literals every match needs; otherwise the pattern itself answers."""

    def __init__(self, pattern: re.Pattern) -> None:
        self.compiled = pattern
        found = required_literals(pattern)
        # Shortest first: the likeliest to be present, so a text that may match is told
        # so after the fewest tests.
        self.literals = None if found is None else tuple(sorted(found, key=lambda x: (len(x), x)))
        self.pattern = pattern.pattern
        self.flags = pattern.flags
        self.match = pattern.match
        self.fullmatch = pattern.fullmatch
        self.sub = pattern.sub
        self.split = pattern.split

    def may_match(self, text: str) -> bool:
        return self.literals is None or any(literal in text for literal in self.literals)

    def search(self, text: str, *args):
        if args or self.may_match(text):
            return self.compiled.search(text, *args)
        return None

    def findall(self, text: str, *args) -> list:
        if args or self.may_match(text):
            return self.compiled.findall(text, *args)
        return []

    def finditer(self, text: str, *args):
        if args or self.may_match(text):
            return self.compiled.finditer(text, *args)
        return iter(())


def guarded(pattern: str, flags: int = 0) -> GuardedPattern:
    """``re.compile(pattern, flags)`` with the literal check in front of its scans."""
    return GuardedPattern(re.compile(pattern, flags))
