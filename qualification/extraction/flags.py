"""Flags: spam and solicitation, job applications, student requests and existing-client
matters, each found by its own phrases (out-of-scope work is found from the practice
area). Strong phrases flag on their own; weak ones need company."""

import re
from dataclasses import dataclass, field

from qualification.choices import Flag
from qualification.extraction.text import HEAD_CHARS

SPAM_STRONG = re.compile(
    r"\b(seo (?:services?|agency|package|experts?|audit)|search engine optimi[sz]ation|"
    r"backlinks?|link[- ]building|guest posts?|sponsored posts?|domain authority|"
    r"first page of google|page one of google|rank(?:ing)? (?:higher|#?1|on google)|"
    r"web(?:site)? design services|lead generation services|increase your (?:traffic|sales)|"
    r"boost your (?:rankings|traffic|online presence)|crypto(?:currency)? (?:investment|trading|"
    r"opportunity)|bitcoin (?:investment|opportunity)|forex trading|guaranteed returns|"
    r"binary options|casino|viagra|unsubscribe|click here|dear (?:website )?owner|"
    r"we noticed your website|outsourc(?:e|ing) your|offshore (?:team|staff)|"
    r"virtual assistants? for (?:law|accounting) firms)\b"
)
SPAM_WEAK = re.compile(
    r"\b(crypto|bitcoin|our agency|our services|we specialise in helping|we help law firms|"
    r"we help accountants|free (?:trial|audit|consultation for your firm)|limited time|"
    r"special offer|reply stop|investment opportunity|profit|discount|partnership proposal|"
    r"https?://\S+)"
)
JOB = re.compile(
    r"\b(training contract|vacation scheme|apply for (?:the|a|an|any) (?:[a-z]+ )?(?:role|"
    r"position|job|vacancy|vacancies|opening)|my cv|attached (?:my |is my )?(?:cv|resume|"
    r"curriculum vitae)|cover(?:ing)? letter|job vacanc(?:y|ies)|paralegal (?:role|position|"
    r"vacancy)|seeking (?:employment|a role|a position)|looking for (?:a job|work|a role|"
    r"employment) (?:at|with|in) (?:your|a)|work experience (?:placement|opportunit)|"
    r"graduate (?:role|scheme|position)|i am writing to apply|employment opportunit(?:y|ies) "
    r"(?:at|with) your|trainee (?:accountant|solicitor) (?:role|position|vacanc)|"
    r"would love to join your)\b"
)
STUDENT = re.compile(
    r"\b(i am an? (?:law |accounting |university |phd |postgraduate |undergraduate |final[- ]year "
    r")?student|i'm an? (?:law |accounting |university |phd )?student|my dissertation|"
    r"for my dissertation|my (?:university|college|school) (?:project|assignment|coursework)|"
    r"research project|for my course|survey for my|questionnaire for my)\b"
)
EXISTING_CLIENT = re.compile(
    r"\b(existing client|already a client|current client|(?:you are|you're) (?:already )?acting "
    r"for|you (?:have )?acted for (?:me|us)|(?:my|our) (?:file|matter|case|client) (?:ref|"
    r"reference|number)|your ref(?:erence)?:?\s?[a-z0-9]|further to our (?:call|meeting|"
    r"conversation|telephone)|as discussed with|my solicitor at your firm|my accountant at your "
    r"firm|our account manager|client of yours|clients of yours|on my existing matter)\b"
)


@dataclass
class FlagFindings:
    flags: dict[Flag, list[str]] = field(default_factory=dict)


def find_flags(lower: str, *, source: str = "", form_text: str = "") -> FlagFindings:
    """Every flag that applies, each with the phrases that raised it."""
    head = lower[:HEAD_CHARS]
    findings = FlagFindings()
    strong = _distinct(SPAM_STRONG.findall(head))
    weak = _distinct(SPAM_WEAK.findall(head))
    if strong or len(weak) >= 2:
        findings.flags[Flag.SPAM] = (strong + weak)[:4]
    if job := _distinct(JOB.findall(head)):
        findings.flags[Flag.JOB_APPLICATION] = job[:3]
    if student := _distinct(STUDENT.findall(head)):
        findings.flags[Flag.STUDENT] = student[:3]
    existing = _distinct(EXISTING_CLIENT.findall(head))
    if "i am or was a client" in f"{source.lower()} {form_text.lower()}":
        existing.append("says they are or were a client")
    if existing:
        findings.flags[Flag.EXISTING_CLIENT] = existing[:3]
    return findings


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(value.strip() for value in values))
