"""The full backup and its restore (issue 14, point 4): the demonstration data (with a
withdrawn update, a closure, a published document and an update round) backed up, the
database emptied, the backup restored, and the pages compared byte for byte (less the CSRF
token of the request); a database with records, and files that are not backups, refused."""

import io
import json
import re
import zipfile

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from recommendations.backup import (
    FORMAT,
    MANIFEST,
    BackupRefused,
    backup_chunks,
    backup_models,
    restore,
)
from recommendations.models import Recommendation, StatusKeyEntry, Update
from recommendations.services import update_withdraw
from reviews.models import Meeting, Review

from .test_permissions import build_world, snapshot

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
NONCE = re.compile(rb'nonce="[^"]+"')  # the Content-Security-Policy's, new on each request


@pytest.fixture
def world(db):
    world = build_world()
    update = Update.objects.filter(recommendation__reference="2016/17 R2").first()
    update_withdraw(update=update, reason="Posted in error.", user=world.user("officer"))
    return world


def backup_bytes() -> bytes:
    return b"".join(backup_chunks())


def pages(world) -> dict[str, bytes]:
    """Every page type a councillor and a scrutiny officer read, and the registers' CSVs."""
    urls = ["/", "/reviews/", "/recommendations/", "/recommendations/?sort=-updated"]
    urls += ["/meetings/", "/committees/", "/officers/", "/partners/", "/councillors/"]
    urls += ["/recommendations/export.csv?list=updates", "/reviews/export.csv"]
    for review in Review.objects.all():
        urls += [review.get_absolute_url(), f"/reviews/{review.pk}/history/"]
        urls.append(review.get_absolute_url() + "?as_at=2017-07-06")
    for rec in Recommendation.objects.filter(review_id=world.merton):
        urls += [rec.get_absolute_url(), f"/recommendations/{rec.pk}/history/"]
    urls += [reverse("meeting_detail", args=[world.july_2017])]
    urls += [reverse("round_detail", args=[world.update_round])]
    from django.test import Client

    found = {}
    for role in ("councillor", "officer"):
        client = Client()
        client.force_login(User.objects.get(pk=world.users[role]))
        for url in urls:
            if role == "councillor" and url.startswith("/rounds/"):
                continue
            response = client.get(url)
            assert response.status_code == 200, url
            body = b"".join(response.streaming_content) if response.streaming else response.content
            found[f"{role} {url}"] = NONCE.sub(b"", CSRF.sub(b"", body))
    return found


def empty_the_database() -> None:
    """Flush every table, within the test's transaction. PostgreSQL refuses to truncate a
    table with foreign key checks still deferred in the transaction: they are run first."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert not Review.objects.exists() and not User.objects.exists()


def test_a_restore_into_an_empty_database_gives_the_same_pages(world, tmp_path):
    before = pages(world)
    counts = snapshot()
    path = tmp_path / "backup.zip"
    call_command("export_backup", output=str(path), stdout=io.StringIO())
    empty_the_database()
    out = io.StringIO()
    call_command("restore_backup", str(path), stdout=out)
    assert "Restored" in out.getvalue()
    assert snapshot() == counts, "every record and history row, with its version"
    after = pages(world)
    assert after.keys() == before.keys()
    differ = [url for url in before if before[url] != after[url]]
    assert not differ, f"pages that differ after the restore: {differ}"
    # the restored database carries on: new records get new keys
    meeting = Meeting(committee_id=world.osc, date="2030-01-01")
    meeting.save(reason="After the restore")
    assert meeting.pk > world.july_2017


def test_a_restore_replaces_what_migrate_wrote(world):
    """A new database holds the roles and the default status key, which migrate writes: the
    backup's own (with their history) replace them."""
    data = backup_bytes()
    wanted = {e.code: e.label for e in StatusKeyEntry.objects.all()}
    empty_the_database()
    Group.objects.create(name="Councillors")
    StatusKeyEntry(
        code="complete", label="Complete", category="achieved", colour="green", meaning="Done"
    ).save(reason="As a new database might have it")
    restore(io.BytesIO(data))
    assert {e.code: e.label for e in StatusKeyEntry.objects.all()} == wanted
    assert Group.objects.filter(name="Councillors").count() == 1


def test_the_backup_is_a_zip_of_csv_files_with_a_manifest(world):
    archive = zipfile.ZipFile(io.BytesIO(backup_bytes()))
    manifest = json.loads(archive.read(MANIFEST))
    assert manifest["format"] == FORMAT and manifest["schema"]["recommendations"]
    files = {f["model"]: f for f in manifest["files"]}
    assert set(files) == {m._meta.label for m in backup_models()}
    history = files["recommendations.HistoricalRecommendation"]
    assert history["history_of"] == "recommendations.Recommendation"
    assert history["rows"] == Recommendation.history.count()
    rec = files["recommendations.Recommendation"]
    assert {"name": "review_id", "refers_to": "reviews.Review"}.items() <= next(
        c for c in rec["columns"] if c["name"] == "review_id"
    ).items()
    text = archive.read(rec["file"]).decode()
    assert text.splitlines()[0].startswith("id,")
    assert "2016/17 R1" in text
    pdf = next(n for n in archive.namelist() if n.startswith("files/"))
    assert archive.read(pdf).startswith(b"%PDF")
    assert "password hashes" in archive.read("README.txt").decode()


def test_a_database_with_records_is_refused_and_left_as_it_was(world, tmp_path):
    path = tmp_path / "backup.zip"
    path.write_bytes(backup_bytes())
    before = snapshot()
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore_backup", str(path))
    assert snapshot() == before


def damaged(data: bytes, name: str, change) -> bytes:
    """The backup ``data`` with its member ``name`` changed by ``change`` (bytes -> bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.namelist():
            content = source.read(item)
            if item == name:
                content = change(content)
            if content is not None:
                target.writestr(item, content)
    return out.getvalue()


def test_a_file_that_is_not_a_good_backup_is_refused_with_its_reason(world, tmp_path):
    data = backup_bytes()
    empty_the_database()
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read(MANIFEST))
    recs = next(f["file"] for f in manifest["files"] if f["model"].endswith(".Recommendation"))

    def foreign(raw):
        return json.dumps({**json.loads(raw), "format": "someone-elses-backup"}).encode()

    def other_schema(raw):
        found = json.loads(raw)
        found["schema"]["recommendations"].append("0099_from_the_future")
        return json.dumps(found).encode()

    def truncated(raw):
        return b"\n".join(raw.splitlines()[:-2]) + b"\n"

    def bad_date(raw):
        return raw.replace(b"2016-", b"2016/", 1)

    cases = {
        "not a zip": (b"%PDF-1.7 not a backup at all", "not a zip file"),
        "no manifest": (damaged(data, MANIFEST, lambda raw: None), "no manifest.json"),
        "foreign": (damaged(data, MANIFEST, foreign), "is not a backup of the scrutiny"),
        "other schema": (damaged(data, MANIFEST, other_schema), "another version"),
        "truncated": (damaged(data, recs, truncated), "its manifest says"),
        "bad date": (damaged(data, recs, bad_date), "cannot be read"),
        "no table": (damaged(data, recs, lambda raw: None), "has no"),
    }
    for case, (content, message) in cases.items():
        path = tmp_path / f"{case.replace(' ', '-')}.zip"
        path.write_bytes(content)
        with pytest.raises(CommandError, match=message):
            call_command("restore_backup", str(path))
        assert not Review.objects.exists() and not User.objects.exists(), case
    with pytest.raises(CommandError, match="There is no file"):
        call_command("restore_backup", str(tmp_path / "missing.zip"))
    with pytest.raises(BackupRefused):
        restore(io.BytesIO(b""))


def test_administrators_download_the_backup_and_no_one_else(world, client):
    client.force_login(world.user("admin"))
    page = client.get("/backup/")
    assert page.status_code == 200
    assert b"Download the backup (.zip)" in page.content
    assert b"/backup/" in client.get("/").content  # linked from the dashboard
    response = client.get("/backup/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(archive.read(MANIFEST))["format"] == FORMAT
    for role in ("councillor", "officer", "lead_owner"):
        client.force_login(world.user(role))
        assert client.get("/backup/download/").status_code == 403
        assert client.get("/backup/").status_code == 403
        assert b"/backup/" not in client.get("/").content
