"""manage.py import_leads: a firm's spreadsheet in, each enquiry once with its true
arrival time, bad rows reported by number and reason, and no acknowledgement sent."""

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from leads.choices import ActivityKind, Channel
from leads.models import Contact, InboundMessage, Lead
from leads.services.imports import import_arrival_parse

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

GOOD = """name,email,phone,organisation,message,source,arrived_at,channel
Rachel Turner,rachel@example.com,07912 345678,,Unfair dismissal advice,Website,25/11/2026 09:30,
Mark Ellis,mark@ellis.example,,Ellis Engineering Ltd,Sale,Bank,2026-06-01T14:00+01:00,referral
Priti Patel,,020 7946 0000,,Buying a flat,Phone,01/07/2026,phone
"""


def run(tmp_path, text, *args, name="enquiries.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    out = StringIO()
    call_command("import_leads", str(path), *args, stdout=out)
    return out.getvalue()


@time_machine.travel(NOW, tick=False)
def test_rows_become_leads_with_their_true_arrival_time_and_channel(
    tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = run(tmp_path, GOOD)
    assert "new leads:                     3" in output
    assert "rejected:                         0" in output
    rachel = Lead.objects.get(contact__email="rachel@example.com")
    assert rachel.channel == Channel.IMPORT
    assert rachel.arrived_at == datetime(2026, 11, 25, 9, 30, tzinfo=UTC)  # GMT in November
    assert rachel.contact.phone == "+447912345678"
    assert rachel.source == "Website"
    mark = Lead.objects.get(contact__email="mark@ellis.example")
    assert mark.channel == Channel.REFERRAL
    assert mark.arrived_at == datetime(2026, 6, 1, 13, 0, tzinfo=UTC)
    assert mark.contact.organisation == "Ellis Engineering Ltd"
    priti = Lead.objects.get(contact__phone="+442079460000")
    assert priti.arrived_at == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)  # midnight BST
    assert rachel.activities.get(kind=ActivityKind.CAPTURED)
    assert mail.outbox == []
    assert not Lead.objects.filter(send_acknowledgement=True).exists()


@time_machine.travel(NOW, tick=False)
def test_web_form_rows_from_a_spreadsheet_are_not_acknowledged(
    tmp_path, django_capture_on_commit_callbacks
):
    text = "email,arrived_at,channel,message\nold@example.com,01/11/2026 10:00,web_form,Hello\n"
    with django_capture_on_commit_callbacks(execute=True):
        run(tmp_path, text)
    lead = Lead.objects.get()
    assert lead.channel == Channel.WEB_FORM
    assert mail.outbox == []


@time_machine.travel(NOW, tick=False)
def test_importing_the_same_file_twice_creates_nothing_the_second_time(tmp_path):
    run(tmp_path, GOOD)
    counts = (Lead.objects.count(), InboundMessage.objects.count(), Contact.objects.count())
    output = run(tmp_path, GOOD)
    assert "already imported (skipped):       3" in output
    assert "new leads:                     0" in output
    assert (Lead.objects.count(), InboundMessage.objects.count(), Contact.objects.count()) == counts


@time_machine.travel(NOW, tick=False)
def test_id_column_identifies_a_row_even_when_it_is_edited(tmp_path):
    run(tmp_path, "id,email,arrived_at,message\nA-17,a@example.com,01/11/2026 10:00,First\n")
    output = run(
        tmp_path, "id,email,arrived_at,message\nA-17,a@example.com,01/11/2026 10:00,Edited\n"
    )
    assert "already imported (skipped):       1" in output
    assert Lead.objects.get().message == "First"


@time_machine.travel(NOW, tick=False)
def test_dry_run_reports_and_writes_nothing(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        output = run(tmp_path, GOOD, "--dry-run")
    assert "Dry run (nothing was written)" in output
    assert "would be new leads:                     3" in output
    assert not Lead.objects.exists()
    assert not Contact.objects.exists()
    assert not InboundMessage.objects.exists()
    assert callbacks == []


@time_machine.travel(NOW, tick=False)
def test_rejected_rows_are_reported_with_row_number_and_reason_and_good_rows_import(tmp_path):
    text = (
        "name,email,phone,arrived_at,channel,message\n"
        "Good One,good@example.com,,25/11/2026 09:00,,Fine\n"  # row 2
        "Bad Email,not-an-email,,25/11/2026 09:00,,x\n"  # row 3
        "No Contact,,,25/11/2026 09:00,,x\n"  # row 4
        "Bad Date,bd@example.com,,31/02/2026 10:00,,x\n"  # row 5
        "US Date,us@example.com,,11/25/2026,,x\n"  # row 6
        "Future,f@example.com,,25/12/2026 10:00,,x\n"  # row 7
        "No Date,nd@example.com,,,,x\n"  # row 8
        "Bad Channel,bc@example.com,,25/11/2026 09:00,fax,x\n"  # row 9
        "Lost hour,lh@example.com,,29/03/2026 01:30,,x\n"  # row 10: clocks went forward
        ",,,,,\n"  # row 11: blank
        "Extra,ex@example.com,,25/11/2026 09:00,,x,surplus\n"  # row 12
    )
    output = run(tmp_path, text, "--rejects", str(tmp_path / "rejects.csv"))
    assert "new leads:                     1" in output
    assert "rejected:                         9" in output
    assert "blank rows (skipped):             1" in output
    assert "row 3: email: “not-an-email” is not a valid email address." in output
    assert "row 4: email: Give an email address or a phone number to reply to." in output
    assert "row 5: arrived_at “31/02/2026 10:00” is not a date and time that exists" in output
    assert "row 6: arrived_at “11/25/2026” is not a date and time that exists" in output
    assert "row 7: arrived_at: The arrival time is in the future." in output
    assert "row 8: arrived_at is empty" in output
    assert "row 9: channel “fax” is not one of" in output
    assert "row 10: arrived_at “29/03/2026 01:30” does not exist in UK time" in output
    assert "row 12: the row has more cells than the header has columns." in output
    assert Lead.objects.get().contact.email == "good@example.com"
    rejects = (tmp_path / "rejects.csv").read_text()
    assert (
        rejects.splitlines()[0]
        == "row,reason,id,name,email,phone,organisation,subject,message,source,arrived_at,channel"
    )
    assert (
        "3,email: “not-an-email” is not a valid email address.,,Bad Email,not-an-email" in rejects
    )


@time_machine.travel(NOW, tick=False)
def test_channel_may_be_given_by_label(tmp_path):
    run(tmp_path, "email,arrived_at,channel\nw@example.com,01/11/2026 10:00,Web form\n")
    assert Lead.objects.get().channel == Channel.WEB_FORM


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        call_command("import_leads", str(tmp_path / "nope.csv"))


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("name,email,arrived,message", "unknown column(s) 'arrived'"),
        ("name,message,arrived_at", "an 'email' or 'phone' column is required"),
        ("name,email,message", "an 'arrived_at' column is required"),
        ("email,email,arrived_at", "column(s) named twice: email"),
    ],
)
def test_bad_header_is_a_command_error_naming_the_problem(tmp_path, header, words):
    with pytest.raises(CommandError) as error:
        run(tmp_path, header + "\n")
    assert words in str(error.value)
    assert not Lead.objects.exists()


def test_empty_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="header row"):
        run(tmp_path, "")


def test_file_that_is_not_utf8_is_a_command_error_suggesting_an_encoding(tmp_path):
    with pytest.raises(CommandError, match="--encoding cp1252"):
        run(tmp_path, "name,email,arrived_at\nJosé,j@example.com,01/11/2026\n", encoding="cp1252")


@time_machine.travel(NOW, tick=False)
def test_other_encodings_and_excel_bom_and_spaced_headers_are_read(tmp_path):
    run(
        tmp_path,
        "Name,Email,Arrived At\nJosé,j@example.com,01/11/2026 10:00\n",
        "--encoding",
        "cp1252",
        encoding="cp1252",
    )
    assert Contact.objects.get().name == "José"
    run(
        tmp_path,
        "\ufeffname,email,arrived_at\nZoë,z@example.com,01/11/2026 10:00\n",
        name="bom.csv",
    )
    assert Contact.objects.get(email="z@example.com").name == "Zoë"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25/11/2026 14:30", datetime(2026, 11, 25, 14, 30, tzinfo=UTC)),
        ("25/07/2026 14:30", datetime(2026, 7, 25, 13, 30, tzinfo=UTC)),
        ("25/11/2026", datetime(2026, 11, 25, 0, 0, tzinfo=UTC)),
        ("25/11/26 14:30", datetime(2026, 11, 25, 14, 30, tzinfo=UTC)),
        ("2026-11-25T14:30:00Z", datetime(2026, 11, 25, 14, 30, tzinfo=UTC)),
        ("2026-07-25 14:30", datetime(2026, 7, 25, 13, 30, tzinfo=UTC)),
        ("  25/11/2026   14:30 ", datetime(2026, 11, 25, 14, 30, tzinfo=UTC)),
    ],
)
def test_arrival_times_in_uk_and_iso_forms(text, expected):
    assert import_arrival_parse(text) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-01", "next tuesday", "25.11.2026x"])
def test_impossible_arrival_times_are_refused(text):
    with pytest.raises(ValidationError):
        import_arrival_parse(text)
