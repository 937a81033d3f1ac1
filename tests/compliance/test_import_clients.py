"""``manage.py import_clients``: a dry run writes nothing, bad rows are reported by line
and change nothing, and importing the same file again changes nothing."""

import pytest
from django.core.management import CommandError, call_command

from compliance.models import ClientMatter, ConflictIndexEntry

pytestmark = pytest.mark.django_db

CSV = (
    "client_reference,matter_reference,client_name,company_number,email,other_parties,opened_on\n"
    "C1,M1,Acme Widgets Ltd,123456,legal@acme.example,Bob Stone; Stone Builders Ltd,2024-03-01\n"
    "C2,M7,Mrs Ada Lovelace,,,,31/01/2025\n"
    "C3,,No Matter Ref,,,,\n"
    "C4,M1,Bad Date,,,,yesterday\n"
)


def run(tmp_path, text, *args) -> str:
    path = tmp_path / "clients.csv"
    path.write_text(text, encoding="utf-8")
    from io import StringIO

    out = StringIO()
    call_command("import_clients", str(path), *args, stdout=out)
    return out.getvalue()


def test_dry_run_reports_and_writes_nothing(tmp_path):
    out = run(tmp_path, CSV, "--dry-run")
    assert "2 would be created" in out and "2 rejected" in out
    assert "line 4: matter_reference is empty" in out
    assert "line 5: opened_on “yesterday” is not a date" in out
    assert not ClientMatter.objects.exists() and not ConflictIndexEntry.objects.exists()


def test_import_indexes_clients_and_other_parties_and_is_idempotent(tmp_path):
    run(tmp_path, CSV)
    acme = ClientMatter.objects.get(client_reference="C1")
    assert acme.company_number == "00123456"
    assert acme.other_party_list == ["Bob Stone", "Stone Builders Ltd"]
    assert ConflictIndexEntry.objects.filter(record_id=acme.pk).count() == 3
    again = run(tmp_path, CSV)
    assert "0 created, 0 updated, 2 unchanged" in again
    assert ClientMatter.objects.count() == 2
    changed = run(tmp_path, CSV.replace("Mrs Ada Lovelace", "Ada King"))
    assert "1 updated" in changed
    assert ConflictIndexEntry.objects.filter(name="Ada King").exists()
    assert not ConflictIndexEntry.objects.filter(name="Mrs Ada Lovelace").exists()


def test_a_file_without_the_required_columns_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no client_reference"):
        run(tmp_path, "name,email\nA,b@c.example\n")
    with pytest.raises(CommandError, match="no file"):
        call_command("import_clients", str(tmp_path / "missing.csv"))
