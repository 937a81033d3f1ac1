"""Benchmark: capture throughput through ``manage.py import_leads`` on SQLite.

Run from the project folder:  DEBUG=1 .venv/bin/python bench/capture_import.py [rows]
It uses a throw-away SQLite database under a temporary folder, imports a generated CSV
(each row a new contact, so every row is a new lead), then imports it again (every row
already imported), and prints rows per second for a dry run, the import and the re-import.
"""

import os
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
TMP = Path(tempfile.mkdtemp(prefix="leadtrack-bench-"))
os.environ.update(
    {
        "DATABASE_URL": f"sqlite:///{TMP / 'bench.sqlite3'}",
        "LEADTRACK_VAR_DIR": str(TMP / "var"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BROKER_URL": "memory://",
        "EMAIL_URL": "memorymail://",
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
    }
)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadtrack.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from leads.models import Lead  # noqa: E402

call_command("migrate", verbosity=0)
path = TMP / "enquiries.csv"
with path.open("w") as out:
    out.write("name,email,phone,organisation,message,arrived_at\n")
    for n in range(ROWS):
        out.write(
            f"Person {n},person{n}@example.com,07912 {n:06d},Org {n},"
            f"Enquiry number {n} about a lease,{1 + n % 28:02d}/10/2026 {n % 24:02d}:15\n"
        )


def timed(*args) -> float:
    start = time.perf_counter()
    call_command("import_leads", str(path), *args, stdout=StringIO())
    return time.perf_counter() - start


dry = timed("--dry-run")
real = timed()
again = timed()
assert Lead.objects.count() == ROWS, Lead.objects.count()
print(f"rows: {ROWS}")
print(f"dry run:   {dry:6.2f} s  {ROWS / dry:7.0f} rows/s")
per_capture = real / ROWS * 1000
print(f"import:    {real:6.2f} s  {ROWS / real:7.0f} rows/s  ({per_capture:.2f} ms per capture)")
print(f"re-import: {again:6.2f} s  {ROWS / again:7.0f} rows/s  (all already imported)")
