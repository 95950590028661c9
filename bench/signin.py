"""What signing in costs: the queries and time of a sign-in (right password, wrong password,
locked out) and of a page read by a councillor and by an administrator who gave their code,
in a temporary SQLite database (nothing under the checkout).

    python bench/signin.py [--repeat 20]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["VAR_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.contrib.auth.models import Group, User
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from scrutiny import roles

        settings.ALLOWED_HOSTS = ["*"]
        call_command("migrate", verbosity=0)
        password = "lantern-orchard-biscuit"
        users = {}
        for name, role in (("cllr", roles.COUNCILLOR), ("adm", roles.ADMINISTRATOR)):
            users[name] = User.objects.create_user(name, password=password, is_staff=name == "adm")
            users[name].groups.add(Group.objects.get_or_create(name=role)[0])
        device = TOTPDevice.objects.create(user=users["adm"], name="app", confirmed=True)

        def measure(label, action):
            queries, started = [], time.perf_counter()
            for n in range(args.repeat):
                with CaptureQueriesContext(connection) as ctx:
                    status = action(n)
                queries.append(len(ctx.captured_queries))
            ms = (time.perf_counter() - started) * 1000 / args.repeat
            print(f"{label:<42} {status}  {max(queries):>3} queries  {ms:7.1f} ms")

        def sign_in(username, pw, address):
            return lambda n: (
                Client()
                .post(
                    "/accounts/login/",
                    {"username": username, "password": pw},
                    REMOTE_ADDR=address(n),
                )
                .status_code
            )

        measure("sign-in, right password", sign_in("cllr", password, lambda n: "10.0.0.1"))
        measure(
            "sign-in, wrong password (locked at the 5th)",
            sign_in("nobody", "x", lambda n: f"10.1.{n // 4}.{n}"),
        )
        for _ in range(5):
            Client().post(
                "/accounts/login/", {"username": "cllr", "password": "x"}, REMOTE_ADDR="10.2.0.1"
            )
        measure("sign-in while locked out", sign_in("cllr", password, lambda n: "10.2.0.1"))
        councillor = Client()
        councillor.force_login(users["cllr"])
        measure("a page (/reviews/), councillor", lambda n: councillor.get("/reviews/").status_code)
        admin = Client()
        admin.force_login(users["adm"])
        session = admin.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        measure(
            "a page (/reviews/), administrator with code",
            lambda n: admin.get("/reviews/").status_code,
        )


if __name__ == "__main__":
    main()
