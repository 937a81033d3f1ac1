"""``manage.py import_leads enquiries.csv``: load a firm's existing enquiry spreadsheet."""

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from leads.services.imports import IMPORT_COLUMNS, import_columns_check, leads_import_rows


class Command(BaseCommand):
    help = (
        "Import enquiries from a CSV file with a header row. Columns: arrived_at (25/11/2026 "
        "14:30 in UK time, or ISO 8601) and email or phone are required; name, "
        "organisation, subject, message, source, channel and id are optional. Each row "
        "becomes a lead (or joins its contact's open lead) once, however often the file "
        "is imported; no acknowledgement is emailed. Rejected rows are listed with their "
        "row number and reason."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The CSV file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report what would happen, writing nothing.",
        )
        parser.add_argument(
            "--rejects",
            metavar="FILE",
            help="Also write the rejected rows, with a 'row' and 'reason' column, to this "
            "CSV file so they can be corrected and imported again.",
        )
        parser.add_argument(
            "--encoding",
            default="utf-8-sig",
            help="The file's text encoding (default: UTF-8; Excel's 'CSV UTF-8' works).",
        )
        parser.add_argument("--delimiter", default=",", help="The column separator (default ,).")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        try:
            with path.open(newline="", encoding=options["encoding"]) as handle:
                reader = csv.DictReader(handle, delimiter=options["delimiter"])
                try:
                    reader.fieldnames = import_columns_check(reader.fieldnames)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from None
                report = leads_import_rows(
                    rows=reader, filename=path.name, dry_run=options["dry_run"]
                )
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path} is not {options['encoding']} text ({exc.reason} at byte "
                f"{exc.start}); save it as 'CSV UTF-8' or give --encoding, e.g. "
                "--encoding cp1252."
            ) from None
        except LookupError:
            raise CommandError(f"“{options['encoding']}” is not a text encoding.") from None
        except csv.Error as exc:
            raise CommandError(f"{path} is not a readable CSV file: {exc}.") from None

        heading = "Dry run (nothing was written)" if options["dry_run"] else "Import finished"
        would = "would be " if options["dry_run"] else ""
        self.stdout.write(f"{heading}: {path.name}, {report.rows} row(s)")
        self.stdout.write(f"  {would}new leads:                     {report.created}")
        self.stdout.write(f"  {would}joined to a contact's open lead: {report.joined}")
        self.stdout.write(f"  already imported (skipped):       {report.already_imported}")
        if report.blank:
            self.stdout.write(f"  blank rows (skipped):             {report.blank}")
        self.stdout.write(f"  rejected:                         {len(report.rejected)}")
        for rejection in report.rejected:
            self.stdout.write(self.style.WARNING(f"  row {rejection.row}: {rejection.reason}"))
        if options["rejects"] and report.rejected:
            with Path(options["rejects"]).open("w", newline="", encoding="utf-8") as out:
                writer = csv.DictWriter(
                    out, fieldnames=["row", "reason", *IMPORT_COLUMNS], extrasaction="ignore"
                )
                writer.writeheader()
                for rejection in report.rejected:
                    writer.writerow(
                        {**rejection.values, "row": rejection.row, "reason": rejection.reason}
                    )
            self.stdout.write(f"Rejected rows written to {options['rejects']}.")
