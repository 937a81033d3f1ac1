"""The demo firm's follow-up rules: a policy per tier, sharper ones for urgent work in
some practice areas, the escalation rules and closure reasons (the working calendar
and its Christmas closure are the firm app's demo)."""

from followups.choices import FollowUpKind as K
from followups.choices import IntervalUnit as U
from followups.choices import ReplyPurpose as R
from followups.choices import Stage as S
from followups.models import ClosureReason, FollowUpPolicy, FollowUpStep, ReplyTemplate
from followups.selectors import business_calendar
from qualification.models import PracticeArea

CONFLICT = "Confirm the conflict check before discussing the matter."

# name, tier, practice area slug, counts calendar time, steps (stage, kind, n, unit, guidance)
POLICIES = [
    (
        "Firm default",
        "",
        None,
        False,
        [
            (S.NEW, K.FIRST_CONTACT, 1, U.DAYS, f"{CONFLICT} Reply and offer a first call."),
            (S.CONTACTED, K.BOOK_MEETING, 3, U.DAYS, "Offer a first meeting or video call."),
            (S.MEETING, K.SEND_PROPOSAL, 2, U.DAYS, "Send the fee quote agreed at the meeting."),
            (S.PROPOSAL, K.CHASE_PROPOSAL, 5, U.DAYS, "Ask whether the quote works for them."),
        ],
    ),
    (
        "Tier A (priority)",
        "A",
        None,
        False,
        [
            (
                S.NEW,
                K.FIRST_CONTACT,
                1,
                U.HOURS,
                f"Call, do not email. {CONFLICT} Offer a fixed-fee first meeting.",
            ),
            (
                S.NEW,
                K.CHASE,
                4,
                U.HOURS,
                "No answer yet: call again and email, leaving your direct line.",
            ),
            (S.CONTACTED, K.BOOK_MEETING, 1, U.DAYS, "Book the fixed-fee first meeting."),
            (
                S.MEETING,
                K.SEND_TERMS,
                1,
                U.DAYS,
                "Send terms of engagement and the client care letter.",
            ),
            (S.PROPOSAL, K.CHASE_PROPOSAL, 3, U.DAYS, "Call to answer questions on the terms."),
            (S.PROPOSAL, K.CHASE_PROPOSAL, 7, U.DAYS, "Last chase: ask if they want to go ahead."),
        ],
    ),
    (
        "Tier B (standard)",
        "B",
        None,
        False,
        [
            (S.NEW, K.FIRST_CONTACT, 4, U.HOURS, f"{CONFLICT} Offer a first call this week."),
            (S.NEW, K.CHASE, 1, U.DAYS, "No answer yet: try again by phone and email."),
            (S.CONTACTED, K.BOOK_MEETING, 2, U.DAYS, "Offer a meeting or send a fee quote."),
            (S.MEETING, K.SEND_PROPOSAL, 2, U.DAYS, "Send the fee quote and terms."),
            (S.PROPOSAL, K.CHASE_PROPOSAL, 5, U.DAYS, "Ask whether the quote works for them."),
        ],
    ),
    (
        "Tier C (low)",
        "C",
        None,
        False,
        [
            (
                S.NEW,
                K.FIRST_CONTACT,
                2,
                U.DAYS,
                "Reply by email; point to our fixed-fee services or refer on if we cannot help.",
            ),
            (S.PROPOSAL, K.CHASE_PROPOSAL, 10, U.DAYS, "One chase, then close the lead."),
        ],
    ),
    (
        "Employment, tier A (limitation)",
        "A",
        "employment",
        True,
        [
            (
                S.NEW,
                K.FIRST_CONTACT,
                1,
                U.HOURS,
                "Time limits: a tribunal claim needs ACAS early conciliation within three "
                "months less one day of the dismissal. Ask the dismissal date first. "
                f"{CONFLICT} Offer a fixed-fee first meeting.",
            ),
            (S.NEW, K.CHASE, 3, U.HOURS, "No answer yet: call again and email today."),
            (S.CONTACTED, K.BOOK_MEETING, 1, U.DAYS, "Meet before the ACAS deadline."),
            (S.MEETING, K.SEND_TERMS, 1, U.DAYS, "Send terms of engagement and the fee basis."),
            (S.PROPOSAL, K.CHASE_PROPOSAL, 2, U.DAYS, "Chase: the limitation date is close."),
        ],
    ),
    (
        "Disputes, tier A (limitation)",
        "A",
        "disputes",
        False,
        [
            (
                S.NEW,
                K.FIRST_CONTACT,
                1,
                U.HOURS,
                "Ask when the cause of action arose and whether any court deadline is "
                f"running. {CONFLICT}",
            ),
            (S.CONTACTED, K.BOOK_MEETING, 1, U.DAYS, "Book a meeting and ask for documents."),
            (S.MEETING, K.SEND_TERMS, 1, U.DAYS, "Send terms and a costs estimate."),
            (S.PROPOSAL, K.CHASE_PROPOSAL, 3, U.DAYS, "Chase the signed terms."),
        ],
    ),
    (
        "Conveyancing, tier A",
        "A",
        "conveyancing",
        False,
        [
            (
                S.NEW,
                K.FIRST_CONTACT,
                1,
                U.HOURS,
                "Ask for the memorandum of sale and target exchange date. "
                "Send a fixed-fee quote the same day.",
            ),
            (S.CONTACTED, K.SEND_PROPOSAL, 4, U.HOURS, "Send the written fixed-fee quote."),
            (S.PROPOSAL, K.CHASE_PROPOSAL, 2, U.DAYS, "Chase: agents expect instruction fast."),
        ],
    ),
]

CLOSURE_REASONS = [
    ("Instructed another firm", True, False),
    ("Fees too high for the client", True, False),
    ("No reply from the enquirer", True, False),
    ("Matter resolved without us", True, False),
    ("Conflict of interest", False, True),
    ("Work we do not do", False, True),
    ("Not a genuine enquiry", False, True),
    ("Outside our area", False, True),
]
# Recorded when the qualification model disqualifies spam, pitches and job applications.
CLOSURE_REASON_GIVEN_BY_LEADTRACK = "Not a genuine enquiry"


SIGN_OFF = "If it is easier to talk, call me on {owner_direct_line}.\n\nKind regards,"
REPLY_TEMPLATES = [
    (
        "First response",
        R.FIRST_RESPONSE,
        None,
        "Dear {enquirer_name},\n\nThank you for getting in touch about {matter}. I will be "
        "looking after your enquiry ({reference}).\n\nSo that I can advise you properly, "
        "could you tell me a little more about what has happened so far and any dates you "
        "are working to?\n\n" + SIGN_OFF,
    ),
    (
        "Asking for documents",
        R.DOCUMENTS,
        None,
        "Dear {enquirer_name},\n\nThank you for speaking with me about {matter}. To take "
        "this forward, please send me copies of any letters, contracts or emails you have "
        "about it. You can reply to this email with them attached.\n\n" + SIGN_OFF,
    ),
    (
        "Booking a consultation",
        R.CONSULTATION,
        None,
        "Dear {enquirer_name},\n\nI would be glad to meet to discuss {matter}. Please let "
        "me know two or three times that suit you in the coming week, in person at our "
        "office or by video call.\n\n" + SIGN_OFF,
    ),
    (
        "Fixed-fee quote",
        R.FIXED_FEE_QUOTE,
        None,
        "Dear {enquirer_name},\n\nThank you for your time. For {quoted_work}, our fee is "
        "{fixed_fee}, as published in our price list. Disbursements (fees paid to others "
        "on your behalf) are extra, and I will list them in our terms of engagement with a "
        "full breakdown; the work can start as soon as you have signed them.\n\n" + SIGN_OFF,
    ),
    (
        "Chasing",
        R.CHASE,
        None,
        "Dear {enquirer_name},\n\nI am writing to follow up my last email about {matter} "
        "({reference}). If you would still like our help, simply reply to this email and I "
        "will pick it up straight away.\n\n" + SIGN_OFF,
    ),
]


def load(*, stdout=None) -> None:
    """Create or update the demo firm's policies, escalation rules and closure reasons."""
    business_calendar()
    areas = {area.slug: area for area in PracticeArea.objects.all()}
    count = 0
    for name, tier, slug, calendar_time, steps in POLICIES:
        if slug is not None and slug not in areas:
            continue
        policy, _ = FollowUpPolicy.objects.update_or_create(
            name=name,
            defaults={
                "tier": tier,
                "practice_area": areas.get(slug) if slug else None,
                "counts_calendar_time": calendar_time,
                "is_active": True,
            },
        )
        positions: dict[str, int] = {}
        keep = []
        for stage, kind, interval, unit, guidance in steps:
            positions[stage] = positions.get(stage, 0) + 1
            step, _ = FollowUpStep.objects.update_or_create(
                policy=policy,
                stage=stage,
                position=positions[stage],
                defaults={"kind": kind, "interval": interval, "unit": unit, "guidance": guidance},
            )
            keep.append(step.pk)
        policy.steps.exclude(pk__in=keep).delete()
        count += 1
    for position, (text, lost, disqualified) in enumerate(CLOSURE_REASONS, start=1):
        ClosureReason.objects.update_or_create(
            text=text,
            defaults={
                "for_lost": lost,
                "for_disqualified": disqualified,
                "position": position,
                "given_by_leadtrack": text == CLOSURE_REASON_GIVEN_BY_LEADTRACK,
            },
        )
    for name, purpose, area_slug, body in REPLY_TEMPLATES:
        ReplyTemplate.objects.update_or_create(
            name=name,
            purpose=purpose,
            practice_area=areas.get(area_slug) if area_slug else None,
            defaults={"body": body, "is_active": True},
        )
    if stdout is not None:
        stdout.write(
            f"  follow-up policies: {count}, closure reasons: {len(CLOSURE_REASONS)}, "
            f"reply templates: {len(REPLY_TEMPLATES)}"
        )
