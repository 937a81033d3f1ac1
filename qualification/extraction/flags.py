"""Flags: spam and solicitation, job applications, student requests and existing-client
matters, each found by its own phrases (out-of-scope work is found from the practice
area). Strong phrases flag on their own; weak ones need company. An existing client is
known by what they say ("you acted for us on the freehold last year", "you hold her
will") or by a matter reference in the firm's style ("SMI/4471-2", "AM/CONV/2231")."""

from dataclasses import dataclass, field

from qualification.choices import Flag
from qualification.extraction.guard import guarded
from qualification.extraction.text import HEAD_CHARS

SPAM_STRONG = guarded(
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
SPAM_WEAK = guarded(
    r"\b(crypto|bitcoin|our agency|our services|we specialise in helping|we help law firms|"
    r"we help accountants|free (?:trial|audit|consultation for your firm)|limited time|"
    r"special offer|reply stop|investment opportunity|profit|discount|partnership proposal|"
    r"https?://\S+)"
)
JOB = guarded(
    r"\b(training contract|vacation scheme|apply for (?:the|a|an|any) (?:[a-z]+ )?(?:role|"
    r"position|job|vacancy|vacancies|opening)|my cv|attached (?:my |is my )?(?:cv|resume|"
    r"curriculum vitae)|cover(?:ing)? letter|job vacanc(?:y|ies)|paralegal (?:role|position|"
    r"vacancy)|seeking (?:employment|a role|a position)|looking for (?:a job|work|a role|"
    r"employment) (?:at|with|in) (?:your|a)|work experience (?:placement|opportunit)|"
    r"graduate (?:role|scheme|position)|i am writing to apply|employment opportunit(?:y|ies) "
    r"(?:at|with) your|trainee (?:accountant|solicitor) (?:role|position|vacanc)|"
    r"would love to join your)\b"
)
STUDENT = guarded(
    r"\b(i am an? (?:law |accounting |university |phd |postgraduate |undergraduate |final[- ]year "
    r")?student|i'm an? (?:law |accounting |university |phd )?student|my dissertation|"
    r"for my dissertation|my (?:university|college|school) (?:project|assignment|coursework)|"
    r"research project|for my course|survey for my|questionnaire for my)\b"
)
EXISTING_CLIENT = guarded(
    r"\b(existing client|already a client|current client|(?:i|we) (?:was|were) a client|"
    r"(?:you are|you're) (?:already )?acting for|"
    r"you (?:have )?acted for (?:me|us|my|our|him|her)|"
    r"(?:you|your (?:office|firm|team|colleagues?)|you and your \w+ colleagues) "
    r"(?:did|drew up|drafted|prepared|handled|dealt with|helped (?:me|us) with|set up|made|"
    r"wrote|acted on|"
    r"(?:very )?kindly handled|looked after) (?:my|our|his|her|their|the|me|us)\b|"
    r"you hold (?:my|our|his|her|their) (?:will|original|deeds)|"
    r"(?:we|i) (?:did|handled|dealt with) (?:her|his|their) (?:purchase|sale|will|remortgage)|"
    r"(?:my|our) (?:file|matter|case|client) (?:ref|reference|number)|"
    r"your ref(?:erence)?\b\.?(?: no\.?)?:?\s?[a-z0-9][\w/-]*|our ref(?:erence)?:?\s?[a-z]{2,4}/|"
    r"matter (?:ref(?:erence)?:? ?)?[a-z]{2,4}/[a-z0-9/-]+|"
    r"further to our (?:call|meeting|telephone)|as discussed with|my solicitor at your firm|"
    r"my accountant at your firm|our account manager|client of yours|clients of yours|"
    r"on my existing matter|(?:our|the|my) (?:quarterly )?retainer|"
    r"(?:client|clients) since (?:19|20)\d\d|"
    r"(?:we're|we are|i'm|i am) (?:a |an )?(?:payroll |retainer |former |existing |returning )"
    r"client|(?:same|usual) team|(?:again|as before), (?:same|like) (?:as )?last (?:year|time)|"
    r"thanks (?:again )?for (?:turning round|your help on|your help with|handling)|"
    r"following the [\w ]{3,40} you did for (?:us|me))\b"
)
# A matter reference in the firm's style ("SMI/4471-2", "AM/CONV/2231"): an existing matter.
MATTER_REFERENCE = guarded(r"(?<![\w/])([A-Z]{2,4}(?:/[A-Z]{2,5})?/\d{3,5}(?:-\d{1,3})?)(?![\w/])")


@dataclass
class FlagFindings:
    flags: dict[Flag, list[str]] = field(default_factory=dict)
    # The writer's own words that they are (or were) the firm's client ("your ref ...",
    # "you acted for us"), as against a bare matter reference, which misdirected mail
    # for another firm carries as well.
    says_client: list[str] = field(default_factory=list)


def find_flags(
    lower: str, *, source: str = "", form_text: str = "", original: str = ""
) -> FlagFindings:
    """Every flag that applies, each with the phrases that raised it; ``original`` (the
    text with its case) lets a matter reference in the firm's style be recognised."""
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
    references = _distinct(MATTER_REFERENCE.findall(original[:HEAD_CHARS]))
    existing += [f"matter {reference}" for reference in references[:2]]
    if "i am or was a client" in f"{source.lower()} {form_text.lower()}":
        existing.append("says they are or were a client")
    findings.says_client = [phrase for phrase in existing if not phrase.startswith("matter ")]
    if existing:
        findings.flags[Flag.EXISTING_CLIENT] = existing[:3]
    return findings


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(value.strip() for value in values))
