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


def _clauses(items) -> list[frozenset[str]]:
    """What every match of the parsed sequence contains: for each set, one of its
    literals (all the sets at once; none when nothing in particular is required)."""
    clauses: list[frozenset[str]] = []
    run: list[str] = []
    for op, value in items:
        if op is sre.LITERAL:
            run.append(chr(value))
            continue
        if run:
            clauses.append(frozenset({"".join(run)}))
            run = []
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, inner = value
            if not (add_flags | del_flags) & re.IGNORECASE:
                clauses += _clauses(inner)
        elif op is sre.BRANCH:
            # One alternative matches: the union of each alternative's likeliest clause.
            chosen = [_best(_clauses(branch)) for branch in value[1]]
            if chosen and all(clause is not None for clause in chosen):
                clauses.append(frozenset().union(*chosen))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, inner = value
            if low >= 1:
                clauses += _clauses(inner)
        elif op is sre.ATOMIC_GROUP:
            clauses += _clauses(value)
        # Anything else (a class, any character, a boundary, a look-around, a back
        # reference) requires no particular literal of its own.
    if run:
        clauses.append(frozenset({"".join(run)}))
    return [clause for clause in dict.fromkeys(clauses) if "" not in clause]


def _best(clauses: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective clause: the longest shortest literal, then the fewest."""
    if not clauses:
        return None
    return max(clauses, key=lambda found: (min(map(len, found)), -len(found)))


def required_literals(pattern: re.Pattern) -> tuple[frozenset[str], ...] | None:
    """Sets of literal strings such that every match of ``pattern`` contains a literal of
    each set, or None when the pattern requires none (or ignores case)."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    clauses = _clauses(_parser.parse(pattern.pattern, pattern.flags))
    return tuple(clauses) or None


class GuardedPattern:
    """A compiled pattern that answers "no match" at once when the text holds none of
    the literals every match needs; otherwise the pattern itself answers."""

    def __init__(self, pattern: re.Pattern) -> None:
        self.compiled = pattern
        found = required_literals(pattern) or ()
        # The most selective sets first, so a text that cannot match is told so soonest;
        # in each, the shortest literals first, the likeliest to be present.
        self.literals = tuple(
            tuple(sorted(clause, key=lambda literal: (len(literal), literal)))
            for clause in sorted(found, key=lambda clause: (-min(map(len, clause)), len(clause)))
        )
        self.pattern = pattern.pattern
        self.flags = pattern.flags
        self.match = pattern.match
        self.fullmatch = pattern.fullmatch
        self.sub = pattern.sub
        self.split = pattern.split

    def may_match(self, text: str) -> bool:
        contains = text.__contains__
        for clause in self.literals:
            if not any(map(contains, clause)):
                return False
        return True

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
