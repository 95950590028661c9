"""Email: the one send_email, the delivery the environment chooses (file, console, SMTP,
GOV.UK Notify) and a real SMTP conversation on loopback."""

import email
import email.policy
import smtplib
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import BadHeaderError, EmailMessage, get_connection
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from scrutiny import notify
from scrutiny.mail import delivery_description, send_email
from scrutiny.settings import email_settings

from .test_settings import run_django

EMAIL_VARIABLES = [
    "EMAIL_DELIVERY",
    "DEFAULT_FROM_EMAIL",
    "EMAIL_TIMEOUT",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "NOTIFY_API_KEY",
    "NOTIFY_TEMPLATE_ID",
]
NOTIFY_KEY = (
    "scrutiny_live-2d1b7d8e-7f4a-4a61-9c0e-3a5b8f1c2d3e-5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"
)
NOTIFY_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
SENDER = {"DEFAULT_FROM_EMAIL": "scrutiny@merton.example.gov.uk"}

REQUEST = {
    "to": "sophie.ellis@merton.example.gov.uk",
    "subject": "Update requested for the Overview and Scrutiny Commission, 6 July 2017",
    "text": "Please give your update on 3 actions by 22 June 2017.\n\nhttps://example/r/abc",
    "html": '<p>Please give your update on 3 actions by 22 June 2017.</p><p><a href="'
    'https://example/r/abc">Give your update</a></p>',
}


@pytest.fixture
def environment(monkeypatch):
    """No email variable from the machine running the tests; the test sets its own."""
    for name in EMAIL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def use(settings, values):
    for name, value in values.items():
        setattr(settings, name, value)


# --- send_email --------------------------------------------------------------------------


def test_send_email_sends_plain_text_and_html_from_the_council(mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Merton scrutiny <scrutiny@merton.example.gov.uk>"
    send_email(**REQUEST)

    (message,) = mailoutbox
    assert message.to == [REQUEST["to"]]
    assert message.from_email == "Merton scrutiny <scrutiny@merton.example.gov.uk>"
    assert message.subject == REQUEST["subject"]
    assert message.body == REQUEST["text"]
    assert message.alternatives == [(REQUEST["html"], "text/html")]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_send_email_refuses_what_is_not_an_address(mailoutbox):
    with pytest.raises(ValidationError):
        send_email(**{**REQUEST, "to": "Sophie Ellis"})
    with pytest.raises(ValidationError):
        send_email(**{**REQUEST, "to": "a@example.gov.uk, b@example.gov.uk"})
    assert mailoutbox == []


def test_send_email_refuses_a_subject_with_a_line_break(mailoutbox):
    with pytest.raises(BadHeaderError):
        send_email(**{**REQUEST, "subject": "Update\nBcc: everyone@example.com"})
    assert mailoutbox == []


# --- the delivery the environment chooses ---------------------------------------------------


def test_by_default_email_is_written_to_files_under_var_dir(environment, settings, tmp_path):
    values = email_settings(tmp_path, "Merton Council")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["EMAIL_FILE_PATH"] == str(tmp_path / "mail")
    assert values["DEFAULT_FROM_EMAIL"] == "Merton Council <scrutiny@localhost>"

    use(settings, values)
    send_email(**REQUEST)
    (written,) = (tmp_path / "mail").iterdir()
    message = email.message_from_string(written.read_text(), policy=email.policy.default)
    assert message["Subject"] == REQUEST["subject"]
    assert message.get_body(preferencelist=("html",)).get_content().strip() == REQUEST["html"]
    assert delivery_description() == (
        f"email is written to files in {tmp_path / 'mail'} (none is sent)"
    )


def test_a_council_name_with_punctuation_makes_a_valid_sender(environment, tmp_path):
    values = email_settings(tmp_path, "St. Helens Council, Merseyside")
    assert values["DEFAULT_FROM_EMAIL"] == '"St. Helens Council, Merseyside" <scrutiny@localhost>'


def test_console_prints_the_message(environment, settings, tmp_path, capsys):
    environment.setenv("EMAIL_DELIVERY", "Console")
    use(settings, email_settings(tmp_path, "Merton Council"))
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"

    send_email(**REQUEST)
    assert f"To: {REQUEST['to']}" in capsys.readouterr().out
    assert delivery_description() == "email is printed here (none is sent)"


def test_smtp_reads_the_relay_from_the_environment(environment, tmp_path):
    environment.setenv("EMAIL_DELIVERY", "smtp")
    environment.setenv("DEFAULT_FROM_EMAIL", "scrutiny@merton.example.gov.uk")
    environment.setenv("EMAIL_HOST", "relay.merton.example.gov.uk")
    environment.setenv("EMAIL_USE_TLS", "true")
    environment.setenv("EMAIL_HOST_USER", "scrutiny")
    environment.setenv("EMAIL_HOST_PASSWORD", "s3cret")
    environment.setenv("EMAIL_TIMEOUT", "10")

    values = email_settings(tmp_path, "Merton Council")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["DEFAULT_FROM_EMAIL"] == "scrutiny@merton.example.gov.uk"
    assert values["EMAIL_HOST"] == "relay.merton.example.gov.uk"
    assert values["EMAIL_PORT"] == 587  # STARTTLS's port unless EMAIL_PORT says otherwise
    assert (values["EMAIL_USE_TLS"], values["EMAIL_USE_SSL"]) == (True, False)
    assert (values["EMAIL_HOST_USER"], values["EMAIL_HOST_PASSWORD"]) == ("scrutiny", "s3cret")
    assert values["EMAIL_TIMEOUT"] == 10


@pytest.mark.parametrize(
    ("extra", "port"),
    [
        ({}, 25),
        ({"EMAIL_USE_SSL": "yes"}, 465),
        ({"EMAIL_USE_SSL": "yes", "EMAIL_PORT": "2465"}, 2465),
    ],
)
def test_smtp_port_follows_the_encryption(environment, tmp_path, extra, port):
    for name, value in {**SENDER, "EMAIL_DELIVERY": "smtp", **extra}.items():
        environment.setenv(name, value)
    values = email_settings(tmp_path, "Merton Council")
    assert values["EMAIL_PORT"] == port
    assert values["EMAIL_HOST"] == "localhost"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"EMAIL_DELIVERY": "pigeon"}, "EMAIL_DELIVERY='pigeon' is not one of file, console"),
        ({"EMAIL_DELIVERY": "smtp"}, "set DEFAULT_FROM_EMAIL"),
        ({"DEFAULT_FROM_EMAIL": "the scrutiny team"}, "DEFAULT_FROM_EMAIL='the scrutiny team'"),
        (
            {**SENDER, "EMAIL_DELIVERY": "smtp", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
            "EMAIL_USE_TLS .* and EMAIL_USE_SSL .* are alternatives",
        ),
        (
            {**SENDER, "EMAIL_DELIVERY": "smtp", "EMAIL_HOST_USER": "scrutiny"},
            "EMAIL_HOST_USER and EMAIL_HOST_PASSWORD go together",
        ),
        (
            {**SENDER, "EMAIL_DELIVERY": "smtp", "EMAIL_PORT": "submission"},
            "EMAIL_PORT='submission'",
        ),
        (
            {**SENDER, "EMAIL_DELIVERY": "smtp", "EMAIL_USE_TLS": "perhaps"},
            "EMAIL_USE_TLS='perhaps'",
        ),
        ({"EMAIL_TIMEOUT": "0"}, "EMAIL_TIMEOUT must be at least 1"),
        ({"EMAIL_DELIVERY": "notify"}, "EMAIL_DELIVERY=notify needs NOTIFY_API_KEY"),
        (
            {"EMAIL_DELIVERY": "notify", "NOTIFY_API_KEY": NOTIFY_KEY[:40]},
            "NOTIFY_API_KEY is not a GOV.UK Notify API key",
        ),
        (
            {"EMAIL_DELIVERY": "notify", "NOTIFY_API_KEY": NOTIFY_KEY},
            "EMAIL_DELIVERY=notify needs NOTIFY_TEMPLATE_ID",
        ),
        (
            {
                "EMAIL_DELIVERY": "notify",
                "NOTIFY_API_KEY": NOTIFY_KEY,
                "NOTIFY_TEMPLATE_ID": "Update request",
            },
            "needs NOTIFY_TEMPLATE_ID",
        ),
    ],
)
def test_an_incomplete_choice_is_refused_naming_the_variable(
    environment, tmp_path, variables, message
):
    for name, value in variables.items():
        environment.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        email_settings(tmp_path, "Merton Council")


def test_notify_reads_its_key_and_template(environment, tmp_path):
    environment.setenv("EMAIL_DELIVERY", "notify")
    environment.setenv("NOTIFY_API_KEY", NOTIFY_KEY)
    environment.setenv("NOTIFY_TEMPLATE_ID", NOTIFY_TEMPLATE.upper())
    values = email_settings(tmp_path, "Merton Council")
    assert values["EMAIL_BACKEND"] == "scrutiny.notify.NotifyEmailBackend"
    assert values["NOTIFY_API_KEY"] == NOTIFY_KEY
    assert values["NOTIFY_TEMPLATE_ID"] == NOTIFY_TEMPLATE


def test_a_misconfigured_server_refuses_to_start():
    result = run_django(["check"], EMAIL_DELIVERY="notify", NOTIFY_API_KEY="", DEBUG="true")
    assert result.returncode != 0
    assert "EMAIL_DELIVERY=notify needs NOTIFY_API_KEY" in result.stderr


# --- GOV.UK Notify, with the client stubbed: no test reaches the network --------------------


class FakeNotify:
    """Stands in for NotificationsAPIClient, keeping what it was asked to send."""

    made: list[dict] = []
    sent: list[dict] = []
    error: Exception | None = None

    def __init__(self, api_key, **options):
        self.made.append({"api_key": api_key, **options})

    def send_email_notification(self, **notification):
        if self.error is not None:
            raise self.error
        self.sent.append(notification)
        return {"id": "740e5834-3a29-46b4-9a6f-16142fde533a"}


class NotifyRefusal:
    """The response Notify gives a team-only key sending outside the team."""

    status_code = 400

    def json(self):
        return {
            "status_code": 400,
            "errors": [{"error": "BadRequestError", "message": "Can't send to this recipient"}],
        }


@pytest.fixture
def notify_client(environment, settings, tmp_path):
    environment.setenv("EMAIL_DELIVERY", "notify")
    environment.setenv("NOTIFY_API_KEY", NOTIFY_KEY)
    environment.setenv("NOTIFY_TEMPLATE_ID", NOTIFY_TEMPLATE)
    use(settings, email_settings(tmp_path, "Merton Council"))
    environment.setattr(notify, "NotificationsAPIClient", FakeNotify)
    environment.setattr(FakeNotify, "made", [])
    environment.setattr(FakeNotify, "sent", [])
    environment.setattr(FakeNotify, "error", None)
    return FakeNotify


def test_notify_sends_the_subject_and_plain_text_through_the_template(notify_client):
    send_email(**REQUEST)

    assert notify_client.made == [{"api_key": NOTIFY_KEY, "timeout": 30}]
    assert notify_client.sent == [
        {
            "email_address": REQUEST["to"],
            "template_id": NOTIFY_TEMPLATE,
            "personalisation": {"subject": REQUEST["subject"], "body": REQUEST["text"]},
        }
    ]
    assert delivery_description() == "email is sent through GOV.UK Notify"


def test_notify_sends_one_notification_per_recipient(notify_client):
    message = EmailMessage("Subject", "Body", to=["a@example.gov.uk"], cc=["b@example.gov.uk"])
    assert get_connection().send_messages([message, EmailMessage("No one", "Body")]) == 1
    assert [n["email_address"] for n in notify_client.sent] == [
        "a@example.gov.uk",
        "b@example.gov.uk",
    ]


def test_a_notify_refusal_is_raised(notify_client):
    notify_client.error = HTTPError(NotifyRefusal())
    with pytest.raises(HTTPError, match=r"400 - .*Can't send to this recipient"):
        send_email(**REQUEST)


def test_a_notify_refusal_is_kept_quiet_when_asked(notify_client):
    notify_client.error = HTTPError(NotifyRefusal())
    connection = get_connection(fail_silently=True)
    assert connection.send_messages([EmailMessage("S", "B", to=["a@example.gov.uk"])]) == 0


def test_notify_refuses_attachments_and_bad_headers(notify_client):
    with_file = EmailMessage("Subject", "Body", to=["a@example.gov.uk"])
    with_file.attach("plan.pdf", b"%PDF-1.7", "application/pdf")
    with pytest.raises(ValueError, match="no attachments"):
        get_connection().send_messages([with_file])
    with pytest.raises(BadHeaderError):
        send_email(**{**REQUEST, "subject": "Two\nlines"})
    assert notify_client.sent == []


def test_the_real_notify_client_is_given_what_notify_expects(environment, settings, tmp_path):
    """Through the maintained client itself, stopped at its HTTP request: the payload is the
    one Notify's API documents (email_address, template_id, personalisation)."""
    environment.setenv("EMAIL_DELIVERY", "notify")
    environment.setenv("NOTIFY_API_KEY", NOTIFY_KEY)
    environment.setenv("NOTIFY_TEMPLATE_ID", NOTIFY_TEMPLATE)
    use(settings, email_settings(tmp_path, "Merton Council"))
    posted = []
    environment.setattr(
        NotificationsAPIClient, "post", lambda self, url, data: posted.append((url, data))
    )

    send_email(**REQUEST)
    assert posted == [
        (
            "/v2/notifications/email",
            {
                "email_address": REQUEST["to"],
                "template_id": NOTIFY_TEMPLATE,
                "personalisation": {"subject": REQUEST["subject"], "body": REQUEST["text"]},
            },
        )
    ]


# --- a real SMTP server on loopback ---------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps each message it is given, and who signed in."""

    def __init__(self):
        self.envelopes = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        # handled=False: the server answers a refusal with 535 itself.
        return AuthResult(success=auth_data.password == b"relay-password", handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """An SMTP server on 127.0.0.1, on a port no other test process is using."""
    inbox = Inbox()
    for _attempt in range(5):
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=free_port(),
            authenticator=inbox.authenticate,
            auth_require_tls=False,
        )
        try:
            controller.start()
            break
        except OSError:  # another process took the port between the probe and the start
            controller.stop(no_assert=True)
    else:
        pytest.fail("no free port for the SMTP server")
    yield controller, inbox
    controller.stop()


def relay_at(controller, environment, settings, tmp_path, *, password: str) -> None:
    """The settings a council's environment gives for its relay, pointed at the test server."""
    environment.setenv("EMAIL_DELIVERY", "smtp")
    environment.setenv("EMAIL_HOST", controller.hostname)
    environment.setenv("EMAIL_PORT", str(controller.port))
    environment.setenv("EMAIL_HOST_USER", "scrutiny")
    environment.setenv("EMAIL_HOST_PASSWORD", password)
    environment.setenv("EMAIL_TIMEOUT", "10")
    environment.setenv("DEFAULT_FROM_EMAIL", "Merton scrutiny <scrutiny@merton.example.gov.uk>")
    use(settings, email_settings(tmp_path, "Merton Council"))


def test_a_message_goes_through_a_real_smtp_server(smtp_server, environment, settings, tmp_path):
    """From the environment variables a council sets, through Django's SMTP backend, to a
    server that reads both parts back."""
    controller, inbox = smtp_server
    relay_at(controller, environment, settings, tmp_path, password="relay-password")

    send_email(**REQUEST)

    assert inbox.logins == [("scrutiny", "relay-password")]
    (envelope,) = inbox.envelopes
    assert envelope.mail_from == "scrutiny@merton.example.gov.uk"
    assert envelope.rcpt_tos == [REQUEST["to"]]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Subject"] == REQUEST["subject"]
    assert message["To"] == REQUEST["to"]
    assert message["From"] == "Merton scrutiny <scrutiny@merton.example.gov.uk>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert plain.replace("\r\n", "\n").rstrip("\n") == REQUEST["text"]
    assert html.rstrip("\r\n") == REQUEST["html"]
    assert delivery_description() == f"email is sent through 127.0.0.1:{controller.port}"


def test_a_refused_sign_in_is_raised(smtp_server, environment, settings, tmp_path):
    controller, inbox = smtp_server
    relay_at(controller, environment, settings, tmp_path, password="wrong")

    with pytest.raises(smtplib.SMTPAuthenticationError):
        send_email(**REQUEST)
    assert set(inbox.logins) == {("scrutiny", "wrong")}  # each mechanism smtplib tries
    assert inbox.envelopes == []
