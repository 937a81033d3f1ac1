"""Conflict checks (SRA Code of Conduct 6.1 and 6.2): the names a lead brings (the
enquirer, their organisation, the other parties) looked up against every name the firm
holds, the matches kept with the reasons in words, and the fee earner's decision.

Every name held has a row in ``ConflictIndexEntry`` with exact keys (folded name, sound,
initial and surname, company number, email, email domain). A check selects the
candidates by those keys through their indexes (and, on PostgreSQL, by trigram
similarity through a GIN index), then compares each candidate properly with rapidfuzz
and metaphone, so it reads a few dozen rows however many names are held."""

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.postgres.lookups import TrigramSimilar
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from compliance.choices import ConflictOutcome, PartyKind, PartyRole, PartySource, RecordKind
from compliance.matching import NameKeys, compare, name_keys
from compliance.models import (
    RECORDS_ESTIMATED_FROM,
    ClientMatter,
    ConflictCheck,
    ConflictDecision,
    ConflictIndexEntry,
    ConflictMatch,
    Party,
)
from compliance.parties import PartyDetails, parties_from_payload, parties_from_text
from leads.choices import ActivityKind
from leads.models import Contact, Lead
from leads.services import activity_record
from qualification.selectors import lead_parties_named

# The most candidates compared, and the most matches kept, per check.
CANDIDATES_MAX = 2000
MATCHES_MAX = 50
# PostgreSQL only: names at least this similar by trigrams are candidates too.
TRIGRAM_THRESHOLD = 0.5
# ``folded__trigram_similar`` (pg_trgm's ``%``) without installing django.contrib.postgres.
ConflictIndexEntry._meta.get_field("folded").register_lookup(TrigramSimilar)


def _entry(
    *, kind: str, record_id: int, label: str, keys: NameKeys, lead_id: int | None = None
) -> ConflictIndexEntry:
    return ConflictIndexEntry(
        record_kind=kind,
        record_id=record_id,
        lead_id=lead_id,
        label=label[:300],
        name=keys.name[:200],
        name_kind=keys.kind,
        folded=keys.folded[:200],
        sound_key=keys.sound_key[:200],
        initial_key=(keys.initial_keys[0] if keys.initial_keys else "")[:100],
        company_number=keys.company_number[:20],
        email=keys.email[:254],
        email_domain=keys.email_domain[:254],
    )


def contact_entries(contact: Contact) -> list[ConflictIndexEntry]:
    entries = []
    if contact.name or contact.email:
        label = contact.name or contact.email
        if contact.email and contact.name:
            label = f"{contact.name} <{contact.email}>"
        entries.append(
            _entry(
                kind=RecordKind.CONTACT,
                record_id=contact.pk,
                label=f"Contact {label}",
                keys=name_keys(contact.name, kind=PartyKind.PERSON, email=contact.email),
            )
        )
    if contact.organisation:
        entries.append(
            _entry(
                kind=RecordKind.ORGANISATION,
                record_id=contact.pk,
                label=(
                    f"Organisation {contact.organisation} (contact {contact.name or contact.email})"
                ),
                keys=name_keys(
                    contact.organisation, kind=PartyKind.ORGANISATION, email=contact.email
                ),
            )
        )
    return entries


def party_entries(party: Party, *, lead_reference: str) -> list[ConflictIndexEntry]:
    read = " (read from the enquiry's text)" if party.source == PartySource.READ else ""
    return [
        _entry(
            kind=RecordKind.PARTY,
            record_id=party.pk,
            lead_id=party.lead_id,
            label=(
                f"{party.name}, {party.get_role_display().lower()} on lead {lead_reference}{read}"
            ),
            keys=name_keys(
                party.name, kind=party.kind, company_number=party.company_number, email=party.email
            ),
        )
    ]


def client_matter_entries(matter: ClientMatter) -> list[ConflictIndexEntry]:
    ref = f"{matter.client_reference}/{matter.matter_reference}"
    about = f": {matter.matter_description}" if matter.matter_description else ""
    entries = [
        _entry(
            kind=RecordKind.CLIENT,
            record_id=matter.pk,
            label=f"Client {matter.client_name}, matter {ref}{about}",
            keys=name_keys(
                matter.client_name,
                kind=matter.client_kind,
                company_number=matter.company_number,
                email=matter.email,
            ),
        )
    ]
    for other in matter.other_party_list:
        entries.append(
            _entry(
                kind=RecordKind.MATTER_PARTY,
                record_id=matter.pk,
                label=f"{other}, other party on matter {ref} (client {matter.client_name})",
                keys=name_keys(other),
            )
        )
    return entries


def _replace(kinds: list[str], record_id: int, entries: list[ConflictIndexEntry]) -> None:
    ConflictIndexEntry.objects.filter(record_kind__in=kinds, record_id=record_id).delete()
    ConflictIndexEntry.objects.bulk_create(entries)


@transaction.atomic
def conflict_index_contact(*, contact: Contact) -> None:
    """Keep the contact's name and organisation in the conflict index as they are now."""
    _replace([RecordKind.CONTACT, RecordKind.ORGANISATION], contact.pk, contact_entries(contact))


@transaction.atomic
def conflict_index_party(*, party: Party) -> None:
    reference = Lead.objects.filter(pk=party.lead_id).values_list("reference", flat=True).first()
    _replace([RecordKind.PARTY], party.pk, party_entries(party, lead_reference=reference or ""))


@transaction.atomic
def conflict_index_client_matter(*, matter: ClientMatter) -> None:
    _replace([RecordKind.CLIENT, RecordKind.MATTER_PARTY], matter.pk, client_matter_entries(matter))


@transaction.atomic
def conflict_index_rebuild(*, batch_size: int = 2000) -> int:
    """Rebuild the whole conflict index from contacts, parties and clients/matters;
    returns how many names it holds."""
    ConflictIndexEntry.objects.all().delete()
    batch: list[ConflictIndexEntry] = []

    def flush(force: bool = False) -> None:
        if batch and (force or len(batch) >= batch_size):
            ConflictIndexEntry.objects.bulk_create(batch, batch_size=batch_size)
            batch.clear()

    for contact in Contact.objects.order_by("pk").iterator(chunk_size=batch_size):
        batch.extend(contact_entries(contact))
        flush()
    parties = Party.objects.select_related("lead").order_by("pk")
    for party in parties.iterator(chunk_size=batch_size):
        batch.extend(party_entries(party, lead_reference=party.lead.reference or ""))
        flush()
    for matter in ClientMatter.objects.order_by("pk").iterator(chunk_size=batch_size):
        batch.extend(client_matter_entries(matter))
        flush()
    flush(force=True)
    return ConflictIndexEntry.objects.count()


@transaction.atomic
def party_add(*, lead: Lead, details: PartyDetails) -> Party:
    """Record another party on the lead (and index its name)."""
    name = " ".join(details.name.split())
    if not name:
        raise ValidationError({"name": "Give the party's name."})
    if details.kind not in PartyKind.values:
        raise ValidationError({"kind": f"“{details.kind}” is not a kind of party."})
    if details.role not in PartyRole.values:
        raise ValidationError({"role": f"“{details.role}” is not a party's role."})
    if details.source not in PartySource.values:
        raise ValidationError({"source": f"“{details.source}” is not where a party came from."})
    party = Party(
        lead=lead,
        name=name[:200],
        kind=details.kind,
        role=details.role,
        company_number=details.company_number[:20],
        email=details.email,
        source=details.source,
    )
    party.full_clean()
    party.save()
    conflict_index_party(party=party)
    return party


@transaction.atomic
def lead_parties_record(*, lead: Lead) -> list[Party]:
    """The parties the enquiry named at capture and those qualification reads from its
    text (the employer, the other spouse, the seller, the defendant, the deceased),
    recorded once (a rerun adds none); a name given both ways is recorded as given."""
    if Party.objects.filter(lead=lead).exists():
        return list(Party.objects.filter(lead=lead))
    first = lead.inbound_messages.order_by("pk").values_list("payload", flat=True).first()
    given = parties_from_payload(first)
    names = {" ".join(details.name.lower().split()) for details in given}
    read = [
        details
        for details in parties_from_text(lead_parties_named(lead))
        if " ".join(details.name.lower().split()) not in names
    ]
    return [party_add(lead=lead, details=details) for details in [*given, *read]]


def lead_names(lead: Lead) -> list[tuple[str, NameKeys]]:
    """What a lead brings to a check: the enquirer, their organisation and its parties,
    each with the words a match reports it by."""
    contact = lead.contact
    names: list[tuple[str, NameKeys]] = []
    if contact.name or contact.email:
        names.append(
            (
                f"Enquirer {contact.name or contact.email}",
                name_keys(contact.name, kind=PartyKind.PERSON, email=contact.email),
            )
        )
    if contact.organisation:
        names.append(
            (
                f"Enquirer's organisation {contact.organisation}",
                name_keys(contact.organisation, kind=PartyKind.ORGANISATION, email=contact.email),
            )
        )
    for party in Party.objects.filter(lead=lead).order_by("pk"):
        names.append(
            (
                f"{party.get_role_display()} {party.name}",
                name_keys(
                    party.name,
                    kind=party.kind,
                    company_number=party.company_number,
                    email=party.email,
                ),
            )
        )
    return names


def _held_keys(entry: ConflictIndexEntry) -> NameKeys:
    return NameKeys(
        name=entry.name,
        kind=entry.name_kind,
        folded=entry.folded,
        sound_key=entry.sound_key,
        initial_keys=(entry.initial_key,) if entry.initial_key else (),
        company_number=entry.company_number,
        email=entry.email,
        email_domain=entry.email_domain,
    )


def conflict_candidates(*, names: list[NameKeys], lead: Lead) -> list[ConflictIndexEntry]:
    """The names held that share a key with one of ``names`` (or, on PostgreSQL, are
    similar by trigrams), leaving out the lead's own parties and its enquirer's record."""

    def values(attr: str) -> set[str]:
        return {getattr(keys, attr) for keys in names if getattr(keys, attr)}

    initials = {key for keys in names for key in keys.initial_keys}
    lookups = {
        "folded__in": values("folded"),
        "sound_key__in": values("sound_key"),
        "initial_key__in": initials,
        "company_number__in": values("company_number"),
        "email__in": values("email"),
        "email_domain__in": values("email_domain"),
    }
    query = Q()
    for lookup, wanted in lookups.items():
        if wanted:
            query |= Q(**{lookup: sorted(wanted)})
    if connection.vendor == "postgresql":
        for folded in values("folded"):
            query |= Q(folded__trigram_similar=folded)
    if not query:
        return []
    own = Q(
        record_kind__in=[RecordKind.CONTACT, RecordKind.ORGANISATION], record_id=lead.contact_id
    )
    own |= Q(lead_id=lead.pk)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
                    [str(TRIGRAM_THRESHOLD)],
                )
        return list(ConflictIndexEntry.objects.filter(query).exclude(own)[:CANDIDATES_MAX])


def conflict_index_size() -> int:
    """How many names a check searches: counted exactly up to ``RECORDS_ESTIMATED_FROM``,
    and from there (on PostgreSQL) the database's estimate, which the summary rounds and
    calls "about"."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [ConflictIndexEntry._meta.db_table],
            )
            row = cursor.fetchone()
        if row is not None and row[0] >= RECORDS_ESTIMATED_FROM:
            return int(row[0])
    return ConflictIndexEntry.objects.count()


@transaction.atomic
def conflict_check_run(*, lead: Lead, actor: AbstractBaseUser | None = None) -> ConflictCheck:
    """Check the lead's names against every name held and keep the result (each run is a
    new check; earlier ones stay on the record)."""
    lead = Lead.objects.select_related("contact").get(pk=lead.pk)
    conflict_index_contact(contact=lead.contact)
    searched = lead_names(lead)
    candidates = conflict_candidates(names=[keys for _, keys in searched], lead=lead)
    found: list[ConflictMatch] = []
    for entry in candidates:
        held = _held_keys(entry)
        for label, keys in searched:
            comparison = compare(keys, held)
            if comparison.reasons:
                found.append(
                    ConflictMatch(
                        searched=label[:300],
                        record_kind=entry.record_kind,
                        record_id=entry.record_id,
                        record_label=entry.label,
                        matched_name=(entry.name or entry.email)[:254],
                        score=comparison.score,
                        reasons=comparison.reasons,
                    )
                )
    found.sort(key=lambda match: (-match.score, match.record_label))
    check = ConflictCheck.objects.create(
        lead=lead,
        checked_at=timezone.now(),
        names_checked=[
            {"name": label, "folded": keys.folded, "sound": keys.sound_key}
            for label, keys in searched
        ],
        records_searched=conflict_index_size(),
        actor=actor,
    )
    for match in found[:MATCHES_MAX]:
        match.check_run = check
    ConflictMatch.objects.bulk_create(found[:MATCHES_MAX])
    return check


@transaction.atomic
def conflict_decision_record(
    *, lead: Lead, outcome: str, note: str = "", actor: AbstractBaseUser
) -> ConflictDecision:
    """Record a fee earner's decision on the lead's latest conflict check."""
    if outcome not in ConflictOutcome.values:
        raise ValidationError({"outcome": f"“{outcome}” is not a conflict decision."})
    if actor is None or not actor.is_authenticated:
        raise ValidationError("A conflict decision is recorded by a signed-in fee earner.")
    note = (note or "").strip()
    if outcome == ConflictOutcome.CONSENT and not note:
        raise ValidationError(
            {"note": "Say how informed consent was given and why the firm may act."}
        )
    check = ConflictCheck.objects.filter(lead=lead).order_by("-checked_at", "-pk").first()
    if check is None:
        raise ValidationError("The conflict check has not run on this lead yet.")
    decision = ConflictDecision.objects.create(
        lead=lead,
        check_run=check,
        outcome=outcome,
        note=note,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    activity_record(
        lead=lead,
        kind=ActivityKind.NOTE,
        summary=f"Conflict check decision: {decision.get_outcome_display()}"
        + (f": {note}" if note else "")[:400],
        actor=actor,
        at=decision.decided_at,
        data={"conflict_decision_id": decision.pk, "outcome": outcome},
    )
    return decision
