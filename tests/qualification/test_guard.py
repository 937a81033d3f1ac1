"""The literal check in front of the rules' patterns never turns away a text the pattern
matches: the literals it requires are in every match, on the labelled corpus and on
arbitrary text."""

import importlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualification import corpus
from qualification.extraction.guard import GuardedPattern, guarded, required_literals
from qualification.extraction.text import prepare

MODULES = ("text", "flags", "position", "urgency", "value", "fees", "parties")


def _guarded_patterns() -> list[tuple[str, GuardedPattern]]:
    found = []
    for name in MODULES:
        module = importlib.import_module(f"qualification.extraction.{name}")
        found += [
            (f"{name}.{attribute}", value)
            for attribute, value in vars(module).items()
            if isinstance(value, GuardedPattern)
        ]
    return found


PATTERNS = _guarded_patterns()


@pytest.mark.parametrize(
    ("pattern", "clauses"),
    [
        (r"\bseo (?:services?|agency)\b", [{"seo "}, {"service", "agency"}]),
        (r"\b(?:backlinks?|link[- ]building)\b", [{"backlink", "building"}]),
        (
            r"\b(?:my|our) (?:\d+[- ]year[- ]old )?(?:mother|father)\b",
            [{"my", "our"}, {" "}, {"mother", "father"}],
        ),
        (r"(?:one|two){1,3} weeks?", [{"one", "two"}, {" week"}]),
        (r"£\s?\d+", [{"£"}]),
        (r"[a-z]+@[a-z]+", [{"@"}]),
    ],
)
def test_every_match_holds_a_literal_of_each_set(pattern, clauses):
    assert set(required_literals(re.compile(pattern))) == {frozenset(c) for c in clauses}


@pytest.mark.parametrize(
    "pattern",
    [
        r"\b(?:urgent|)\b",  # an empty alternative needs nothing
        r"(?:asap)?\d+",  # an optional part needs nothing
        r"(?:asap){0,2}",
        r"(?i:urgent)",  # case ignored: a literal test would miss "URGENT"
    ],
)
def test_no_literal_is_required_where_a_match_can_do_without(pattern):
    assert required_literals(re.compile(pattern)) is None


def test_a_pattern_ignoring_case_is_never_guarded():
    assert required_literals(re.compile("urgent", re.IGNORECASE)) is None
    assert guarded("urgent", re.IGNORECASE).search("URGENT") is not None


def test_the_rules_patterns_are_guarded():
    names = {name for name, _pattern in PATTERNS}
    assert {"flags.SPAM_STRONG", "position.RESEARCHING", "urgency.URGENT_PHRASES"} <= names
    assert all(pattern.literals for _name, pattern in PATTERNS)


def _corpus_texts() -> list[str]:
    texts = []
    for name in ("development", "regression"):
        for item in corpus.read_labelled(corpus.dataset_path(name)):
            enquiry = item.enquiry
            text = prepare(subject=enquiry.subject, body=enquiry.message)
            texts += [text.lower, text.original]
    return texts


def test_no_corpus_text_a_pattern_matches_is_turned_away():
    texts = _corpus_texts()
    for name, pattern in PATTERNS:
        for text in texts:
            if pattern.compiled.search(text) is not None:
                assert pattern.may_match(text), (name, text[:200])
            assert pattern.findall(text) == pattern.compiled.findall(text), name


_PIECES = st.sampled_from(
    sorted(
        {
            literal
            for _name, pattern in PATTERNS
            for clause in pattern.literals
            for literal in clause
        }
    )
    + [" ", "\n", ".", "£", "1", "12", "2027", "the", "my", "a"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=30))
def test_no_arbitrary_text_a_pattern_matches_is_turned_away(pieces):
    text = "".join(pieces)
    for name, pattern in PATTERNS:
        assert _found(pattern.search(text)) == _found(pattern.compiled.search(text)), name
        assert pattern.findall(text) == pattern.compiled.findall(text), name


def _found(match: re.Match | None):
    return None if match is None else (match.span(), match.groups())
