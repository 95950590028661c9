"""A pytest plugin (``-p tests.temporary_files`` in pyproject.toml), loaded before Django's
settings: the app writes its files (``VAR_DIR``) under a temporary folder during the tests,
never under the checkout's ``var/``. Each test process has its own, removed at the end."""

import atexit
import os
import shutil
import tempfile

if not os.environ.get("VAR_DIR"):
    _folder = tempfile.mkdtemp(prefix="scrutiny-tests-")
    os.environ["VAR_DIR"] = _folder
    atexit.register(shutil.rmtree, _folder, ignore_errors=True)

# The suite runs the development configuration (pytest-django still turns DEBUG off while a
# test runs), with a key generated under the temporary VAR_DIR; tests/test_production.py
# starts production servers with their own environment.
os.environ.setdefault("DEBUG", "true")
