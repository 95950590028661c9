"""Settings come from the environment and refuse what they cannot use."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from scrutiny.settings import env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent


def run_django(args, **env):
    unset = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django(["check"], DEBUG="false", ALLOWED_HOSTS="scrutiny.example.gov.uk")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-value-1234567890",
        ALLOWED_HOSTS="scrutiny.example.gov.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_url_chooses_the_database():
    result = run_django(
        [
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        ],
        DATABASE_URL="postgres://u:p@127.0.0.1:5/x",
        DEBUG="true",
    )
    assert result.stdout.strip().endswith("django.db.backends.postgresql")


@pytest.mark.parametrize(
    ("raw", "value"), [("true", True), ("False", False), ("1", True), ("off", False)]
)
def test_env_bool_reads_yes_and_no(monkeypatch, raw, value):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not value) is value


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="not a yes/no value"):
        env_bool("X_FLAG", True)


def test_env_int_refuses_text_and_negatives(monkeypatch):
    monkeypatch.setenv("X_NUM", "eight")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 2)
    monkeypatch.setenv("X_NUM", "-1")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 2)
    monkeypatch.setenv("X_NUM", "8")
    assert env_int("X_NUM", 2) == 8


def test_every_folder_the_app_writes_is_under_the_one_setting(tmp_path):
    """With the database elsewhere, the documents cache, the static files and the emails
    written by the default (file) delivery still go under VAR_DIR, and nothing is made under
    the checkout."""
    folder = tmp_path / "data"
    result = run_django(
        [
            "shell",
            "-c",
            "import json; from django.conf import settings as s; print(json.dumps("
            "[str(s.VAR_DIR), str(s.STATIC_ROOT), s.CACHES['documents']['LOCATION'],"
            " s.EMAIL_FILE_PATH]))",
        ],
        VAR_DIR=str(folder),
        CACHE_URL=f"file://{folder / 'cache'}",
        DATABASE_URL="postgres://u:p@127.0.0.1:5/x",
        EMAIL_DELIVERY="file",
        DEBUG="true",
    )
    assert result.returncode == 0, result.stderr
    paths = [Path(p) for p in json.loads(result.stdout.strip().splitlines()[-1])]
    assert paths[0] == folder.resolve()
    assert all(p.is_relative_to(folder.resolve()) for p in paths), paths


def test_a_server_says_where_it_writes_its_files(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import scrutiny.wsgi"],
        cwd=ROOT,
        env={**os.environ, "VAR_DIR": str(tmp_path), "EMAIL_DELIVERY": "file", "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"files are written under {tmp_path.resolve()}" in result.stderr
    assert f"email is written to files in {tmp_path.resolve() / 'mail'}" in result.stderr


def test_the_tests_write_under_a_temporary_folder():
    from django.conf import settings

    assert not Path(settings.VAR_DIR).is_relative_to(ROOT)
