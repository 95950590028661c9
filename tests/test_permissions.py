"""Permissions on the server, for every view and every method (issue 4, item 2).

The matrix: every named URL of the register, for each role (signed out, councillor, a lead
officer who owns the Merton 2016 actions, a lead officer who owns nothing, a scrutiny
officer, an administrator, and an account signed in but in no role) and each method:

- ``GET``;
- ``POST``: the form sent with every box left empty (what a browser sends when nothing is
  filled in: the hidden version and step stay, everything typed is blank);
- ``POST-valid``: a submission that succeeds for someone allowed to make it.

Signed out, everything goes to sign-in. In no role, everything is refused (403) with a page
that says why. A councillor gets 403 on every write URL and nothing
changes. A lead officer gets 403 everywhere except editing, re-targeting and posting updates on
an action they own. Scrutiny officers and administrators may do everything. Read pages answer
GET with 200 for every role and refuse POST with 405.

Speed: the demonstration data takes about two seconds to load and the matrix has some five
hundred cases, so the tests are methods of a Django ``TestCase`` whose ``setUpTestData`` loads
the data once for the class; each test runs in a savepoint rolled back after it. Each
(role, URL, method) is its own generated method, so its own test id, such as
``TestMatrix::test_councillor__review_edit__POST_valid``.
"""

import datetime
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from recommendations import services
from recommendations.demo.loader import load_demo
from recommendations.documents.models import DocumentFile, PublishedDocument
from recommendations.models import ActionPlanItem, Recommendation
from reviews.models import (
    AgendaItem,
    Committee,
    Councillor,
    Meeting,
    Officer,
    PartnerOrganisation,
    Review,
)
from scrutiny import roles
from scrutiny.audit import acting_as

# --- shared helpers (also imported by the other form test modules) -----------------------------


class _FormParser(HTMLParser):
    """Collect the fields of the page's edit form (a ``<form method="post">`` without an
    ``action``; the sign-out form in the header has one) as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str, str]]] = []  # (kind, name, value)
        self._in_form = False
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_form = (a.get("method") or "").lower() == "post" and "action" not in a
            if self._in_form:
                self.forms.append([])
            return
        if not self._in_form:
            return
        fields = self.forms[-1]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name")
            if not name or kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    fields.append((kind, name, a.get("value", "on")))
                else:
                    fields.append((kind + "-unchecked", name, a.get("value", "on")))
            else:
                fields.append((kind, name, a.get("value", "")))
        elif tag == "select":
            self._select = {"name": a.get("name"), "options": [], "selected": None}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
        elif tag == "textarea":
            self._textarea = {"name": a.get("name"), "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "option" and self._select is not None and self._option is not None:
            option = self._option
            if option["value"] is None:
                option["value"] = option["text"].strip()
            self._select["options"].append(option)
            if option["selected"] and self._select["selected"] is None:
                self._select["selected"] = option["value"]
            self._option = None
        elif tag == "select" and self._select is not None:
            s = self._select
            value = s["selected"]
            if value is None and s["options"]:
                value = s["options"][0]["value"]  # a browser sends the first option
            self.forms[-1].append(("select", s["name"], value or ""))
            self.forms[-1].append(("select-options", s["name"], [o["value"] for o in s["options"]]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            if text.startswith("\n"):
                text = text[1:]  # the HTML parser rule browsers follow
            self.forms[-1].append(("textarea", self._textarea["name"], text))
            self._textarea = None


@dataclass
class PageForm:
    """The edit form of a page: what a browser would send, and what it could send."""

    fields: list[tuple[str, str, object]] = field(default_factory=list)

    def data(self) -> dict:
        """The submission as the page stands (checked boxes, selected options, values)."""
        out: dict[str, object] = {}
        for kind, name, value in self.fields:
            if kind in {"select-options"} or kind.endswith("-unchecked"):
                continue
            if kind == "checkbox":
                out.setdefault(name, [])
                out[name].append(value)
            else:
                out[name] = value
        return out

    def blank(self) -> dict:
        """Every box left empty: hidden inputs (version, step, formset management) kept."""
        out = {}
        for kind, name, value in self.fields:
            if kind == "hidden":
                out[name] = value
            elif kind in {"text", "textarea", "select", "number", "email", "date"}:
                out[name] = ""
        return out

    def options(self, name: str) -> list[str]:
        for kind, n, value in self.fields:
            if kind == "select-options" and n == name:
                return list(value)
        raise KeyError(name)

    def choices(self, name: str) -> list[str]:
        """The values of a group of radios or checkboxes."""
        return [
            v
            for kind, n, v in self.fields
            if n == name and kind.split("-")[0] in {"radio", "checkbox"}
        ]

    def names(self) -> set[str]:
        return {n for kind, n, _ in self.fields if kind != "select-options"}


def page_form(html: str | bytes) -> PageForm:
    parser = _FormParser()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    assert parser.forms, "the page has no edit form"
    return PageForm(parser.forms[-1])


def audited_models() -> list:
    """Every model of the register with a history table, and the history models themselves
    (with those of the many-to-many fields whose history is kept)."""
    models = []
    for model in apps.get_models():
        if model._meta.app_label in {
            "reviews",
            "recommendations",
            "documents",
            "rounds",
        } and hasattr(model._meta, "simple_history_manager_attribute"):
            history = model.history.model
            models += [model, history]
            models += [getattr(history, f.name).model for f in history._history_m2m_fields]
    return models


def snapshot() -> dict:
    """Row counts of every audited model and its history, and the newest history id of each:
    enough to see that nothing at all was written."""
    state = {}
    for model in audited_models():
        state[model._meta.label] = model._base_manager.count()
        if model._meta.label.split(".")[1].startswith("Historical"):
            state[model._meta.label + ":last"] = (
                model._base_manager.order_by("-pk").values_list("pk", flat=True)
            ).first()
        else:
            state[model._meta.label + ":versions"] = sum(
                model._base_manager.values_list("version", flat=True)
            )
    return state


def changed(before: dict, after: dict) -> dict:
    return {k: (before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)}


def fake_published(user, meeting, **values) -> PublishedDocument:
    """A meeting tracker published to ``meeting`` by ``user``, its bytes standing for the PDF
    (no WeasyPrint): for the tests of what is done with a published copy."""
    file = DocumentFile.store(b"%PDF-1.7 the tracker as it went to the meeting")
    document = PublishedDocument(
        meeting=meeting,
        kind="meeting_tracker",
        title=f"Recommendations tracker: {meeting}",
        as_at=meeting.date,
        file=file,
        sha256=file.sha256,
        size=file.size,
        page_count=3,
        filename="tracker.pdf",
        published_by=user,
        **values,
    )
    with acting_as(user):
        document.save(reason="Published to the meeting")
    return document


MERTON_2016 = "Shared and outsourced services in Merton"
HARROW = "Shared services scrutiny review (Harrow)"


@dataclass
class World:
    """The demonstration data plus what the permission and form tests need, by primary key
    (objects are read afresh in each test: each test's changes are rolled back)."""

    users: dict[str, int]
    merton: int  # the Merton 2016 review: Sophie Ellis owns all its actions
    harrow: int  # Harrow's review: awaiting the executive's response
    r1: int  # 2016/17 R1, with Sophie Ellis's action 1
    own_action: int  # action 1 of 2016/17 R1 (owner Sophie Ellis, user leadofficer)
    others_action: int  # an action on Harrow's R1 owned by someone without an account
    harrow_r1: int
    osc: int  # Merton Overview and Scrutiny Commission
    cabinet: int  # Merton Cabinet
    harrow_cabinet: int
    harrow_cabinet_meeting: int  # 14 June 2021, after Harrow's report was agreed
    july_2017: int  # the OSC meeting of 6 July 2017
    closed: int  # 2016/17 R8, closed at the July 2017 meeting
    own_update: int  # Sophie Ellis's update on her action, not yet reported to a meeting
    reported_update: int  # her update of the demonstration data, reported in July 2017
    published: int  # a document published to the July 2017 meeting
    # The update round (issue 12): a round open for an OSC meeting to come, Sophie Ellis's
    # request in it (a reply link sent, one return submitted), Ged Curran's item, and a
    # meeting to come with no round yet.
    round_meeting: int = 0
    fresh_meeting: int = 0
    update_round: int = 0
    own_request: int = 0
    submitted_return: int = 0
    other_item: int = 0
    reply_token: str = ""

    def user(self, role: str) -> User | None:
        return User.objects.get(pk=self.users[role]) if role in self.users else None


def build_world() -> World:
    """Load the demonstration data and add the accounts and records the tests need."""
    for name in roles.ALL_ROLES:  # a transactional test elsewhere may have flushed them
        Group.objects.get_or_create(name=name)
    load_demo()

    def make(username, role, **extra):
        user = User.objects.create_user(username=username, password="correct-horse-9", **extra)
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    nobody = Officer(name="Priya Nobody", job_title="Head of Parks")
    nobody.save()
    lead_none = make("lead-none", roles.LEAD_OFFICER, first_name="Priya", last_name="Nobody")
    nobody.user = lead_none
    nobody.save()
    users = {
        "councillor": make("cllr-m", roles.COUNCILLOR, first_name="Ann", last_name="Member").pk,
        "lead_owner": User.objects.get(username="leadofficer").pk,
        "lead_none": lead_none.pk,
        "officer": make("so-m", roles.SCRUTINY_OFFICER, first_name="Sam", last_name="Officer").pk,
        # An administrator by group alone (not a superuser), so the group is what grants it.
        "admin": make("adm-m", roles.ADMINISTRATOR, is_staff=True).pk,
        # Signed in, in no role: single sign-on whose groups map to none, or roles removed.
        "no_role": User.objects.create_user(username="no-role-m", password="correct-horse-9").pk,
    }
    merton = Review.objects.get(title=MERTON_2016)
    harrow = Review.objects.get(title=HARROW)
    r1 = Recommendation.objects.get(reference="2016/17 R1")
    own = r1.actions.get(number=1)
    assert own.owner.user.username == "leadofficer"
    harrow_r1 = harrow.recommendations.get(number=1)
    others = ActionPlanItem(
        recommendation=harrow_r1,
        number=1,
        action="Publish the shared services business case template",
        timeline="Autumn 2021",
        target_date=datetime.date(2021, 10, 31),
        owner=Officer.objects.get(name="Alex Dewsnap"),
    )
    others.save(reason="Test data")
    harrow_cabinet = Committee.objects.get(name="Harrow Cabinet")
    harrow_meeting = Meeting(committee=harrow_cabinet, date=datetime.date(2021, 6, 14))
    harrow_meeting.save(reason="Test data")
    july_2017 = Meeting.objects.get(date=datetime.date(2017, 7, 6))
    system = User.objects.get(username=settings.SYSTEM_USERNAME)
    closed = services.recommendation_close(
        recommendation=merton.recommendations.get(number=8),
        meeting=july_2017,
        minute_reference="Minute 9/17",
        user=system,
    )
    reported_update = r1.updates.get()
    own_update = services.update_post(
        recommendation=r1,
        action=own,
        text="Draft progress from the owner, not yet reported.",
        date=datetime.date(2024, 5, 1),
        author=own.owner,
        user=User.objects.get(pk=users["lead_owner"]),
    )
    published = fake_published(User.objects.get(pk=users["officer"]), july_2017)
    rounds = build_round(User.objects.get(pk=users["officer"]))
    return World(
        **rounds,
        users=users,
        merton=merton.pk,
        harrow=harrow.pk,
        r1=r1.pk,
        own_action=own.pk,
        others_action=others.pk,
        harrow_r1=harrow_r1.pk,
        osc=Committee.objects.get(name="Merton Overview and Scrutiny Commission").pk,
        cabinet=Committee.objects.get(name="Merton Cabinet").pk,
        harrow_cabinet=harrow_cabinet.pk,
        harrow_cabinet_meeting=harrow_meeting.pk,
        july_2017=july_2017.pk,
        closed=closed.pk,
        own_update=own_update.pk,
        reported_update=reported_update.pk,
        published=published.pk,
    )


def build_round(officer_user) -> dict:
    """An update round for a meeting of the Merton OSC forty days ahead (see ``World``)."""
    from django.utils import timezone

    from recommendations.rounds import services as rounds
    from recommendations.rounds.models import EmailSent, UpdateRequest, new_token

    osc = Committee.objects.get(name="Merton Overview and Scrutiny Commission")
    today = timezone.localdate()
    meeting = Meeting(committee=osc, date=today + datetime.timedelta(days=40))
    meeting.save(reason="Test data")
    fresh = Meeting(committee=osc, date=today + datetime.timedelta(days=90))
    fresh.save(reason="Test data")
    for name in ("Sophie Ellis", "Ged Curran"):
        officer = Officer.objects.get(name=name)
        officer.email = name.lower().replace(" ", ".") + "@merton.example"
        officer.save(reason="Test data")
    update_round = rounds.round_open(meeting=meeting, user=officer_user)
    own = UpdateRequest.objects.get(round=update_round, owner__name="Sophie Ellis")
    token, digest = new_token()
    with acting_as(officer_user):
        EmailSent(
            request=own,
            round=update_round,
            to="sophie.ellis@merton.example",
            kind="request",
            subject="Update needed",
            token_hash=digest,
        ).save(reason="Test data")
    own.state, own.sent_at = "sent", timezone.now()
    own.save(reason="Test data")
    first, *_ = own.items.all()
    submitted = rounds.return_save(
        item=first,
        data=rounds.ReturnInput(text="Progress from Sophie."),
        written_by=own.owner,
        submit=True,
    )
    other = UpdateRequest.objects.get(round=update_round, owner__name="Ged Curran")
    return {
        "round_meeting": meeting.pk,
        "fresh_meeting": fresh.pk,
        "update_round": update_round.pk,
        "own_request": own.pk,
        "submitted_return": submitted.pk,
        "other_item": other.items.first().pk,
        "reply_token": token,
    }


class WorldTestCase(TestCase):
    """A Django test case whose class loads the world once (``setUpTestData``); each test runs
    in a savepoint rolled back after it, so the data is fresh for every test."""

    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()


# --- the matrix ------------------------------------------------------------------------------

ROLES = ["signed_out", "councillor", "lead_owner", "lead_none", "officer", "admin", "no_role"]
EDITORS = {"officer", "admin"}


def _ged_curran() -> int:
    return Officer.objects.get(name="Ged Curran").pk


def _achieving_for_children() -> int:
    return PartnerOrganisation.objects.get(name="Achieving for Children").pk


def _southgate() -> int:
    return Councillor.objects.get(name="Peter Southgate").pk


def _july_2017_item(w) -> int:
    return AgendaItem.objects.get(meeting_id=w.july_2017).pk


def tracker_workbook() -> bytes:
    """A council's tracker of two rows (issue 14): a new recommendation of Merton's OSC, with
    an action and an update, and a blank row."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Rec No", "Committee", "Date agreed", "Recommendation", "Action", "Progress"])
    sheet.append(
        [
            "MX 1",
            "Merton Overview and Scrutiny Commission",
            datetime.date(2018, 3, 7),
            "That the register is imported.",
            "Import it",
            "Under way",
        ]
    )
    sheet.append([])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _tracker_import(w) -> int:
    """An uploaded tracker waiting to be checked and imported (its file under VAR_DIR)."""
    from recommendations.imports import find_layout, guess_mapping, read_sheet
    from recommendations.models import TrackerImport

    batch = TrackerImport(filename="tracker.xlsx", uploaded_by=w.user("officer"))
    batch.directory.mkdir(parents=True, exist_ok=True)
    batch.path.write_bytes(tracker_workbook())
    batch.mapping = guess_mapping(find_layout(read_sheet(batch.path, batch.filename).rows))
    with acting_as(w.user("officer")):
        batch.save(reason="Test data")
    return batch.pk


# key -> (URL name, how to find its arguments). A key with ":" is a second object for the same
# URL name (an action, or a recommendation, that the lead officer does not own).
WRITE_URLS = {
    "review_create": ("review_create", lambda w: []),
    "review_edit": ("review_edit", lambda w: [w.merton]),
    "review_receipt": ("review_receipt", lambda w: [w.harrow]),
    "review_extension": ("review_extension", lambda w: [w.harrow]),
    "committee_create": ("committee_create", lambda w: []),
    "committee_edit": ("committee_edit", lambda w: [w.osc]),
    "committee_calendar": ("committee_calendar", lambda w: [w.osc]),
    "meeting_create": ("meeting_create", lambda w: []),
    "meeting_edit": ("meeting_edit", lambda w: [w.july_2017]),
    "recommendation_create": ("recommendation_create", lambda w: [w.harrow]),
    "recommendation_paste": ("recommendation_paste", lambda w: [w.harrow]),
    "review_responses": ("review_responses", lambda w: [w.harrow]),
    "recommendation_edit": ("recommendation_edit", lambda w: [w.r1]),
    "recommendation_close": ("recommendation_close", lambda w: [w.r1]),
    "recommendation_archive": ("recommendation_archive", lambda w: [w.r1]),
    "recommendation_reopen": ("recommendation_reopen", lambda w: [w.closed]),
    "action_create": ("action_create", lambda w: [w.r1]),
    "action_edit": ("action_edit", lambda w: [w.own_action]),
    "action_edit:others": ("action_edit", lambda w: [w.others_action]),
    "action_revise_target": ("action_revise_target", lambda w: [w.own_action]),
    "action_revise_target:others": ("action_revise_target", lambda w: [w.others_action]),
    "action_remove": ("action_remove", lambda w: [w.own_action]),
    "update_create": ("update_create", lambda w: [w.r1]),
    "update_create:others": ("update_create", lambda w: [w.harrow_r1]),
    "update_edit": ("update_edit", lambda w: [w.own_update]),
    "update_edit:reported": ("update_edit", lambda w: [w.reported_update]),
    "update_withdraw": ("update_withdraw", lambda w: [w.own_update]),
    "documents_published_withdraw": ("documents_published_withdraw", lambda w: [w.published]),
    "officer_create": ("officer_create", lambda w: []),
    "officer_edit": ("officer_edit", lambda w: [_ged_curran()]),
    "partner_create": ("partner_create", lambda w: []),
    "partner_edit": ("partner_edit", lambda w: [_achieving_for_children()]),
    "councillor_create": ("councillor_create", lambda w: []),
    "councillor_edit": ("councillor_edit", lambda w: [_southgate()]),
    "agenda_item_create": ("agenda_item_create", lambda w: [w.july_2017]),
    "agenda_item_edit": ("agenda_item_edit", lambda w: [_july_2017_item(w)]),
    "round_open": ("round_open", lambda w: [w.fresh_meeting]),
    "round_edit": ("round_edit", lambda w: [w.update_round]),
    "round_item_add": ("round_item_add", lambda w: [w.update_round]),
    "round_return_review": ("round_return_review", lambda w: [w.submitted_return]),
    "tracker_import_upload": ("tracker_import_upload", lambda w: []),
    "tracker_import_detail": ("tracker_import_detail", lambda w: [_tracker_import(w)]),
}

READ_URLS = {
    "dashboard": ("dashboard", lambda w: []),
    "my_actions": ("my_actions", lambda w: []),
    "review_list": ("review_list", lambda w: []),
    "review_detail": ("review_detail", lambda w: [w.merton]),
    "review_history": ("review_history", lambda w: [w.merton]),
    "recommendation_list": ("recommendation_list", lambda w: []),
    # The registers' exports: whoever reads a register may download it.
    "review_export_xlsx": ("review_export_xlsx", lambda w: []),
    "review_export_csv": ("review_export_csv", lambda w: []),
    "recommendation_export_xlsx": ("recommendation_export_xlsx", lambda w: []),
    "recommendation_export_csv": ("recommendation_export_csv", lambda w: []),
    "recommendation_detail": ("recommendation_detail", lambda w: [w.r1]),
    "recommendation_history": ("recommendation_history", lambda w: [w.r1]),
    "meeting_list": ("meeting_list", lambda w: []),
    "meeting_detail": ("meeting_detail", lambda w: [w.july_2017]),
    "committee_list": ("committee_list", lambda w: []),
    "committee_detail": ("committee_detail", lambda w: [w.osc]),
    "officer_list": ("officer_list", lambda w: []),
    "officer_history": ("officer_history", lambda w: [_ged_curran()]),
    "partner_list": ("partner_list", lambda w: []),
    "partner_history": ("partner_history", lambda w: [_achieving_for_children()]),
    "councillor_list": ("councillor_list", lambda w: []),
    "councillor_history": ("councillor_history", lambda w: [_southgate()]),
    "agenda_item_history": ("agenda_item_history", lambda w: [_july_2017_item(w)]),
    # The Word documents: every signed-in role reads them, as it does the PDFs.
    "documents_review_plan_docx": ("documents_review_plan_docx", lambda w: [w.merton]),
    "documents_meeting_tracker_docx": ("documents_meeting_tracker_docx", lambda w: [w.july_2017]),
    "documents_tracker_docx": ("documents_tracker_docx", lambda w: []),
}

# Pages only administrators read (a superuser, or the Administrators role): the full backup.
ADMIN_URLS = {
    "audit": ("audit", lambda w: []),
    "backup": ("backup", lambda w: []),
    "backup_download": ("backup_download", lambda w: []),
}

# What a lead officer who owns the action may do (and correct their own update before it is
# reported to a meeting).
LEAD_OWNER_MAY = {"action_edit", "action_revise_target", "update_create", "update_edit"}

# Where the walk over the URL configuration does not look: Django's admin (its own walk,
# ADMIN_SITE below). The accounts pages are in ACCOUNT_URLS, the committee documents in
# DOCUMENT_URLS (their corrections and Word downloads in the matrix above).
EXCLUDED_PREFIXES = ("admin/",)
EXCLUDED_NAMES: set[str] = set()


def url_for(key: str, w: World) -> str:
    name, args = {**WRITE_URLS, **READ_URLS, **ADMIN_URLS}[key]
    return reverse(name, args=args(w))


def client_for(role: str, w: World, **options) -> Client:
    """A client signed in as ``role`` (``enforce_csrf_checks=True`` to check the forms' token
    as a browser's requests are checked)."""
    client = Client(**options)
    if role != "signed_out":
        client.force_login(w.user(role))
    return client


def valid_submission(key: str, w: World) -> dict:
    """A submission that succeeds for a scrutiny officer: the form as a scrutiny officer sees
    it (read from the page, as a browser would send it) with the boxes filled in."""
    editor = client_for("officer", w)
    url = url_for(key, w)
    name = WRITE_URLS[key][0]
    page = editor.get(url)
    assert page.status_code == 200, (key, page.status_code)
    data = page_form(page.content).data()
    if name == "review_create":
        data.update(
            title="Matrix review of school transport",
            review_type="task_group",
            commissioning_committee=str(w.osc),
        )
    elif name == "review_edit":
        data.update(objectives="Objectives edited in the permission matrix.")
    elif name == "review_receipt":
        data.update(report_received_meeting=str(w.harrow_cabinet_meeting))
    elif name == "review_extension":
        data.update(
            extended_deadline_0="30",
            extended_deadline_1="9",
            extended_deadline_2="2021",
            extension_reason="The committee agreed more time for the response.",
        )
    elif name == "committee_create":
        data.update(name="Matrix Scrutiny Panel", kind="scrutiny")
    elif name == "committee_edit":
        data.update(short_name="OSC-M")
    elif name == "committee_calendar":
        data = calendar_submission(editor, url)
    elif name == "meeting_create":
        data.update(committee=str(w.osc), date_0="12", date_1="3", date_2="2018")
    elif name == "meeting_edit":
        data.update(location="Committee Room C, Merton Civic Centre")
    elif name == "recommendation_create":
        data.update(text="That the council publishes its shared services register.")
    elif name == "recommendation_paste":
        data = {
            "step": "confirm",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "300",
            "form-0-include": "on",
            "form-0-number": "9",
            "form-0-text": "That the council reviews every shared service each year.",
            "form-0-paragraph_reference": "paragraph 40",
            "form-0-responsible_body": "",
            "form-0-reference": "",
            "review-reference_prefix": "",
            "review-review_version": str(Review.objects.get(pk=w.harrow).version),
        }
    elif name == "review_responses":
        data.update(date_0="1", date_1="7", date_2="2021")
        for rec in Review.objects.get(pk=w.harrow).recommendations.all():
            data[f"rec-{rec.pk}-decision"] = "accepted"
    elif name == "recommendation_edit":
        data.update(service_area="Corporate Services")
    elif name == "recommendation_close":
        data.update(meeting=str(w.july_2017), minute_reference="Minute 7/17")
    elif name == "recommendation_archive":
        data.update(reason="Entered twice by mistake.")
    elif name == "action_create":
        data.update(action="Report progress on the register to the Commission.")
    elif name == "action_edit":
        data.update(timeline="By the end of 2017 (matrix)")
    elif name == "action_revise_target":
        data.update(
            new_date_0="31",
            new_date_1="3",
            new_date_2="2022",
            reason="The partner council asked for more time.",
        )
    elif name == "action_remove":
        data.update(reason="Duplicated another action.")
    elif name == "recommendation_reopen":
        data.update(reason="The closure was recorded against the wrong recommendation.")
    elif name == "update_edit":
        data.update(text="Corrected in the permission matrix.", reason="The figures were wrong.")
    elif name in {"update_withdraw", "documents_published_withdraw"}:
        data.update(reason="Posted in error.")
    elif name == "officer_create":
        data.update(name="Asha Patel", job_title="Head of Procurement", department="Finance")
    elif name == "officer_edit":
        data.update(phone="020 8545 3000")
    elif name == "partner_create":
        data.update(name="South West London Health Trust", kind="health")
    elif name == "partner_edit":
        data.update(description="A council company owned by Richmond and Kingston")
    elif name == "councillor_create":
        data.update(name="Sally Kenny", ward="Lavender Fields")
    elif name == "councillor_edit":
        data.update(party="Labour")
    elif name == "agenda_item_create":
        data.update(reference="7", title="Work programme")
    elif name == "agenda_item_edit":
        data.update(reference="5")
    elif name == "round_open":
        data.update(covering_text="Opened in the permission matrix.")
    elif name == "round_edit":
        data.update(covering_text="Changed in the permission matrix.")
    elif name == "round_item_add":
        data.update(recommendation=str(w.r1), owner=str(_ged_curran()))
    elif name == "round_return_review":
        data.update(decision="accept")
    elif name == "tracker_import_upload":
        from django.core.files.uploadedfile import SimpleUploadedFile

        data.update(file=SimpleUploadedFile("tracker.xlsx", tracker_workbook()))
    elif name == "update_create":
        data.update(text="Progress reported to the Commission.", reported_status="on_track")
        if not data.get("action"):
            data["action"] = page_form(page.content).options("action")[-1]
    return data


def calendar_submission(client: Client, url: str) -> dict:
    """The confirmation page of a committee's calendar (a Modern.gov-shaped file with one
    new meeting, read by a scrutiny officer) as a browser would send it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .fixtures.modern_gov import Event, london, modern_gov_ics

    data = modern_gov_ics([Event(4321, london(2031, 5, 14, 19, 15))])
    file = SimpleUploadedFile("osc.ics", data, content_type="text/calendar")
    page = client.post(url, {"step": "upload", "file": file})
    assert page.status_code == 200, page.status_code
    return page_form(page.content).data()


NO_ROLE_PAGE = "Your account has no role in this service yet"


def expected_status(role: str, key: str, method: str) -> int:
    if role == "signed_out":
        return 302  # to sign-in
    if role == "no_role":
        return 403  # whatever the method: the account sees nothing of the register
    if key in READ_URLS:
        return 200 if method == "GET" else 405
    if key in ADMIN_URLS:
        if method != "GET":
            return 405
        return 200 if role == "admin" else 403
    allowed = role in EDITORS or (role == "lead_owner" and key in LEAD_OWNER_MAY)
    if not allowed:
        return 403
    if method == "GET":
        return 200
    if method == "POST":
        return 200  # every box empty: refused with messages
    return 302  # a valid submission: saved, then Post/Redirect/Get


def check(w: World, role: str, key: str, method: str) -> None:
    """One cell of the matrix."""
    url = url_for(key, w)
    client = client_for(role, w)
    if method == "GET":
        data = None
    elif method == "POST-valid":
        data = valid_submission(key, w)
    elif key in WRITE_URLS:  # every box left empty, as a scrutiny officer's page has them
        data = page_form(client_for("officer", w).get(url).content).blank()
    else:
        data = {}
    before = snapshot()
    response = client.get(url) if method == "GET" else client.post(url, data)
    want = expected_status(role, key, method)
    assert response.status_code == want, (
        f"{role} {method} {url}: {response.status_code}, expected {want}"
    )
    after = snapshot()
    if role == "signed_out":
        assert response["Location"] == reverse("login") + "?next=" + quote(url, safe="/")
    if role == "no_role":
        assert NO_ROLE_PAGE in response.content.decode()
    if want != 302 or role == "signed_out":
        assert not changed(before, after), (
            f"{role} {method} {url} changed: {changed(before, after)}"
        )
    if method == "POST" and want == 200 and key in WRITE_URLS:
        assert "There is a problem" in response.content.decode(), (
            "an empty submission must say what is missing"
        )
    if method == "POST-valid" and want == 302 and role != "signed_out":
        assert changed(before, after), "a valid submission must save something"
        assert not response["Location"].startswith(reverse("login"))


def add_cells(case, keys, check, expected, methods=lambda key: ["GET", "POST"]) -> None:
    """One test method on ``case`` for each role, key and method (``methods(key)``):
    ``check(w, role, key, method)``, its docstring the answer ``expected`` gives, its name
    such as ``test_councillor__review_edit__POST_valid``."""

    def cell(role: str, key: str, method: str):
        def test(self):
            check(self.w, role, key, method)

        test.__doc__ = f"{role}: {method} {key} answers {expected(role, key, method)}"
        return test

    for role in ROLES:
        for key in keys:
            for method in methods(key):
                name = f"test_{role}__{key.replace(':', '_')}__{method.replace('-', '_')}"
                setattr(case, name, cell(role, key, method))


class TestMatrix(WorldTestCase):
    """Every (role, URL, method): one generated test method each (``add_cells``)."""


add_cells(
    TestMatrix,
    [*WRITE_URLS, *READ_URLS, *ADMIN_URLS],
    check,
    expected_status,
    lambda key: ["GET", "POST", "POST-valid"] if key in WRITE_URLS else ["GET", "POST"],
)


def named_urls(patterns=None, prefix: str = "") -> list[str]:
    """The name of every named pattern of the URL configuration (outside the Django admin),
    in the order they are configured."""
    found: list[str] = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        if isinstance(p, URLResolver):
            found += named_urls(p.url_patterns, route)
        elif isinstance(p, URLPattern) and p.name and p.name not in EXCLUDED_NAMES:
            found.append(p.name)
    return found


def test_the_matrix_covers_every_named_url():
    """New views must join the matrix: walk the URL configuration and fail on any named pattern
    (outside the Django admin) the matrix does not test."""
    found = set(named_urls())
    covered = {name for name, _ in WRITE_URLS.values()} | {name for name, _ in READ_URLS.values()}
    covered |= {name for name, _ in ROUND_URLS.values()}
    covered |= {name for name, _ in ADMIN_URLS.values()}
    covered |= set(SSO_URLS)
    covered |= set(OPEN_URLS)
    covered |= {name for name, _ in ACCOUNT_URLS.values()}
    covered |= {name for name, _ in DOCUMENT_URLS.values()}
    missing = found - covered
    assert not missing, f"named URLs missing from the permission matrix: {sorted(missing)}"
    assert covered <= found, f"the matrix names URLs that no longer exist: {covered - found}"


def test_every_documents_url_is_in_the_matrix():
    """The committee documents' URLs are all in the matrix: their downloads, export pages and
    background jobs in DOCUMENT_URLS, the withdrawal and Word downloads in WRITE_URLS and
    READ_URLS."""
    from recommendations.documents import urls as documents_urls

    names = {p.name for p in documents_urls.urlpatterns if p.name}
    in_matrix = {name for name, _ in [*DOCUMENT_URLS.values(), *WRITE_URLS.values()]}
    in_matrix |= {name for name, _ in READ_URLS.values()}
    assert names and names <= in_matrix, sorted(names - in_matrix)


# --- the update round's buttons, owner's page and reply link -----------------------------------
#
# Beyond the edit forms above, the round has pages of other shapes: one only scrutiny
# officers read; buttons that POST with nothing to fill in (the preview's "send" too); the
# reply page of the signed-in owner (anyone else: 404, as if it did not exist); and the reply
# page a link opens, which needs no account (a tampered link: 404).

ROUND_URLS = {
    "round_detail": ("round_detail", lambda w: [w.update_round]),
    "round_send": ("round_send", lambda w: [w.update_round]),
    "round_close": ("round_close", lambda w: [w.update_round]),
    "round_item_remove": ("round_item_remove", lambda w: [w.other_item]),
    "round_request_preview": ("round_request_preview", lambda w: [w.own_request]),
    "round_request_remind": ("round_request_remind", lambda w: [w.own_request]),
    "round_request_revoke": ("round_request_revoke", lambda w: [w.own_request]),
    "round_reply_mine": ("round_reply_mine", lambda w: [w.own_request]),
    "round_reply": ("round_reply", lambda w: [w.reply_token]),
    "round_reply:tampered": ("round_reply", lambda w: [w.reply_token[:-3] + "abc"]),
}
ROUND_BUTTONS = {
    "round_send",
    "round_close",
    "round_item_remove",
    "round_request_remind",
    "round_request_revoke",
}


def round_expected(role: str, key: str, method: str) -> int:
    name = ROUND_URLS[key][0]
    if key == "round_reply:tampered":
        return 404
    if name == "round_reply":  # no account needed
        return {"GET": 200, "POST": 200, "POST-valid": 302}[method]
    if role == "signed_out":
        return 302
    if role == "no_role":
        return 403
    if name == "round_reply_mine":
        if role != "lead_owner":
            return 404
        return {"GET": 200, "POST": 200, "POST-valid": 302}[method]
    if name == "round_detail" and method != "GET":
        return 405
    if name in ROUND_BUTTONS and method == "GET":
        return 405
    if role not in EDITORS:
        return 403
    return 200 if method == "GET" else 302


def round_submission(w: World, key: str, method: str) -> dict:
    """For the reply pages: the form as the page stands (empty), or with an update typed in
    the first box."""
    name = ROUND_URLS[key][0]
    if name not in {"round_reply", "round_reply_mine"} or key.endswith("tampered"):
        return {}
    from recommendations.rounds.models import UpdateRequest

    items = UpdateRequest.objects.get(pk=w.own_request).items.filter(reply__isnull=True)
    data = {"do": "submit"}
    if method == "POST-valid":
        data[f"item-{items.first().pk}-text"] = "Progress typed in the permission matrix."
    return data


def round_check(w: World, role: str, key: str, method: str) -> None:
    name, args = ROUND_URLS[key]
    url = reverse(name, args=args(w))
    client = client_for(role, w)
    before = snapshot()
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, round_submission(w, key, method))
    want = round_expected(role, key, method)
    assert response.status_code == want, f"{role} {method} {url}: {response.status_code} != {want}"
    after = snapshot()
    if want == 302 and role == "signed_out" and name != "round_reply":
        assert response["Location"].startswith(reverse("login"))
    if want in {403, 404, 405} or (role == "signed_out" and name != "round_reply"):
        assert not changed(before, after), (
            f"{role} {method} {url} changed: {changed(before, after)}"
        )
    if method == "POST" and want == 200:
        assert "There is a problem" in response.content.decode()
        assert not {k: v for k, v in changed(before, after).items() if "Return" in k}
    if want == 302 and role != "signed_out" and method != "GET":
        assert changed(before, after), "a valid submission must save something"


class TestRoundMatrix(WorldTestCase):
    """The update round's other pages, for every role and method."""


def _round_methods(key: str) -> list[str]:
    """The reply pages are also sent a valid reply (but not by a tampered link)."""
    if ROUND_URLS[key][0] in {"round_reply", "round_reply_mine"} and "tampered" not in key:
        return ["GET", "POST", "POST-valid"]
    return ["GET", "POST"]


add_cells(TestRoundMatrix, ROUND_URLS, round_check, round_expected, _round_methods)


# --- single sign-on (scrutiny/sso.py) -------------------------------------------------------
# Its pages need no account (they are how one signs in and out). Off (the default), sign-in and
# the callback answer 404 for everyone; on, sign-in goes to the provider, a callback that no
# sign-in started is refused (403, nobody signed in), and sign-out (POST only) signs out.
SSO_URLS = ["sso_login", "sso_callback", "sso_logout"]
SSO_ON = {
    "OIDC_RP_CLIENT_ID": "matrix-app",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "http://127.0.0.1:9/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "http://127.0.0.1:9/token",
    "OIDC_OP_JWKS_ENDPOINT": "http://127.0.0.1:9/jwks",
    "OIDC_OP_ISSUER": "http://127.0.0.1:9",
}


def sso_expected(name: str, method: str, on: bool) -> int:
    if name == "sso_logout":
        return 302 if method == "POST" else 405
    if not on:
        return 404
    if method == "POST":
        return 405
    return 302 if name == "sso_login" else 403


def sso_check(w: World, role: str, name: str, method: str, on: bool) -> None:
    client = client_for(role, w)
    url = reverse(name)
    before = snapshot()
    with override_settings(**(SSO_ON if on else {})):
        response = client.get(url) if method == "GET" else client.post(url, {})
    want = sso_expected(name, method, on)
    assert response.status_code == want, f"{role} {method} {url}: {response.status_code} != {want}"
    assert not changed(before, after := snapshot()), changed(before, after)
    if name == "sso_login" and want == 302:
        assert response["Location"].startswith(SSO_ON["OIDC_OP_AUTHORIZATION_ENDPOINT"])
    if name != "sso_login" and want in {302, 403}:
        assert "_auth_user_id" not in client.session  # refused or signed out


class TestSSOMatrix(WorldTestCase):
    """Single sign-on's pages, for every role and method, with it off and on."""


def _sso_test(role: str, name: str, method: str, on: bool):
    def test(self):
        sso_check(self.w, role, name, method, on)

    test.__doc__ = f"{role}: {method} {name} answers {sso_expected(name, method, on)}"
    return test


for _role in ROLES:
    for _name in SSO_URLS:
        for _method in ["GET", "POST"]:
            for _on in [False, True]:
                _test = f"test_{_role}__{_name}__{_method}__{'on' if _on else 'off'}"
                setattr(TestSSOMatrix, _test, _sso_test(_role, _name, _method, _on))


# --- beyond the matrix ---------------------------------------------------------------------


class TestLeadOfficers(WorldTestCase):
    def test_a_lead_officer_edits_their_own_action_without_owner_or_number(self):
        """A lead officer's action form has no owner or number: they cannot hand the action to
        someone else or renumber it, even by adding the fields to the submission."""
        w = self.w
        client = client_for("lead_owner", w)
        url = reverse("action_edit", args=[w.own_action])
        form = page_form(client.get(url).content)
        assert "owner" not in form.names() and "number" not in form.names()
        data = form.data()
        other = Officer.objects.get(name="Alex Dewsnap")
        data.update(action="Changed by the owner", owner=str(other.pk), number="7")
        # The plan was agreed: a change to its wording needs the reason (issue 11, point 3).
        data.update(change_reason="The service was renamed.")
        response = client.post(url, data)
        assert response.status_code == 302
        action = ActionPlanItem.objects.get(pk=w.own_action)
        assert action.action == "Changed by the owner"
        assert action.owner.name == "Sophie Ellis" and action.number == 1

    def test_a_lead_officer_cannot_post_an_update_on_someone_elses_action(self):
        """On a recommendation where they own one action, the lead officer may post only on that
        action: naming another action (or the recommendation as a whole) is refused."""
        w = self.w
        r1 = Recommendation.objects.get(pk=w.r1)
        theirs = ActionPlanItem(
            recommendation=r1,
            number=2,
            action="Someone else's action",
            owner=Officer.objects.get(name="Alex Dewsnap"),
        )
        theirs.save()
        client = client_for("lead_owner", w)
        url = reverse("update_create", args=[r1.pk])
        form = page_form(client.get(url).content)
        assert form.options("action") == [str(w.own_action)]
        before = snapshot()
        for action in [str(theirs.pk), ""]:
            data = form.data()
            data.update(action=action, text="Not mine to report", reported_status="achieved")
            response = client.post(url, data)
            assert response.status_code == 200
            assert "There is a problem" in response.content.decode()
        assert not changed(before, snapshot())


class TestEmptyBody(WorldTestCase):
    """A POST with no body at all (no fields, not even the CSRF token a browser sends) to every
    write URL, by those allowed to write there: no 500, nothing saved."""


def _empty_body_test(role: str, key: str):
    def test(self):
        url = url_for(key, self.w)  # first: an import's page needs its upload made
        before = snapshot()
        response = client_for(role, self.w).post(url, {})
        assert response.status_code == 200
        assert not changed(before, snapshot())

    return test


for _key in WRITE_URLS:
    for _role in ["officer", "lead_owner"]:
        if _role == "officer" or _key in LEAD_OWNER_MAY:
            _name = f"test_{_role}__{_key.replace(':', '_')}"
            setattr(TestEmptyBody, _name, _empty_body_test(_role, _key))


# --- the committee documents (recommendations/documents/) ------------------------------------
#
# Every signed-in role reads the documents: downloads (PDF; the Word ones are in READ_URLS),
# the export pages, a published copy, a background job's page. POST goes to the export
# page's two buttons: "download" for every role (every box empty: the defaults, so 303 to
# the document), "publish" for those who keep the register (empty: 400, saying the meeting is
# missing, or published to the meeting of a meeting's page; anyone else 403). The
# documents are made once for the class (the documents cache outlives each test's rollback,
# and the content key is the same), so the matrix renders each PDF once.

NO_SUCH_JOB = "00000000-0000-4000-8000-000000000000"

DOCUMENT_URLS = {
    "documents_review_plan": ("documents_review_plan", lambda w: [w.merton]),
    "documents_meeting_tracker": ("documents_meeting_tracker", lambda w: [w.july_2017]),
    "documents_tracker": ("documents_tracker", lambda w: []),
    "documents_review_export": ("documents_review_export", lambda w: [w.merton]),
    "documents_review_export_download": ("documents_review_export_download", lambda w: [w.merton]),
    "documents_review_export_publish": ("documents_review_export_publish", lambda w: [w.merton]),
    "documents_meeting_export": ("documents_meeting_export", lambda w: [w.july_2017]),
    "documents_meeting_export_download": (
        "documents_meeting_export_download",
        lambda w: [w.july_2017],
    ),
    "documents_meeting_export_publish": (
        "documents_meeting_export_publish",
        lambda w: [w.july_2017],
    ),
    "documents_tracker_export": ("documents_tracker_export", lambda w: []),
    "documents_tracker_export_download": ("documents_tracker_export_download", lambda w: []),
    "documents_tracker_export_publish": ("documents_tracker_export_publish", lambda w: []),
    "documents_published_download": ("documents_published_download", lambda w: [w.published]),
    "documents_job_detail": ("documents_job_detail", lambda w: [NO_SUCH_JOB]),
    "documents_job_download": ("documents_job_download", lambda w: [NO_SUCH_JOB]),
    "documents_job_download_docx": ("documents_job_download_docx", lambda w: [NO_SUCH_JOB]),
}


def document_expected(role: str, key: str, method: str) -> int:
    if role == "signed_out":
        return 302
    if role == "no_role":
        return 403
    button = key.endswith(("_download", "_publish")) and "_export_" in key
    if method == "GET":
        if button:
            return 405
        return 404 if key.startswith("documents_job_") else 200
    if not button:
        return 405
    if key.endswith("_download"):
        return 303  # See Other: the document, with the options chosen
    if role not in EDITORS:
        return 403
    if key == "documents_meeting_export_publish":
        return 302  # the meeting is the page's own: published to it, then its page
    return 400  # every box empty: the page again, saying the meeting is missing


def send_cell(w: World, role: str, table: dict, key: str, method: str, expected):
    """One cell's request (GET, or POST with nothing in it), its status held to ``expected``:
    the URL, the response and the snapshot of the register before it."""
    name, args = table[key]
    url = reverse(name, args=args(w))
    client = client_for(role, w)
    before = snapshot()
    response = client.get(url) if method == "GET" else client.post(url, {})
    want = expected(role, key, method)
    assert response.status_code == want, f"{role} {method} {url}: {response.status_code} != {want}"
    return url, response, before


def document_check(w: World, role: str, key: str, method: str) -> None:
    _, response, before = send_cell(w, role, DOCUMENT_URLS, key, method, document_expected)
    name, want = DOCUMENT_URLS[key][0], document_expected(role, key, method)
    after = snapshot()
    if want == 302 and role != "signed_out":
        assert PublishedDocument.objects.filter(meeting_id=w.july_2017).count() == 2
    else:
        assert not changed(before, after), changed(before, after)
    if role == "signed_out":
        assert response["Location"].startswith(reverse("login"))
    if want == 400:
        assert "There is a problem" in response.content.decode()
    if want == 200 and name.endswith(("_plan", "_tracker", "_download")):
        assert response.content.startswith(b"%PDF"), response["Content-Type"]


class TestDocumentsMatrix(WorldTestCase):
    """The committee documents' pages, for every role and method."""


add_cells(TestDocumentsMatrix, DOCUMENT_URLS, document_check, document_expected)


# --- open to everyone: the health check a load balancer calls ----------------------------------
#
# /health/ and /healthz need no account and give every role (and no one) the same answer: GET
# 200 (JSON naming no secrets, or "ok"); any other method 405.

OPEN_URLS = {"health": "application/json", "healthz": "text/plain"}


class TestOpenMatrix(WorldTestCase):
    """The open pages, for every role and method."""


def _open_test(role: str, name: str, method: str):
    def test(self):
        client = client_for(role, self.w)
        url = reverse(name)
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            assert response["Content-Type"].split(";")[0] == OPEN_URLS[name]
            assert self.w.user("admin").username not in response.content.decode()
        else:
            assert client.post(url).status_code == 405

    test.__doc__ = f"{role}: {method} {name} is open"
    return test


for _role in ROLES:
    for _name_open in OPEN_URLS:
        for _method in ["GET", "POST"]:
            setattr(
                TestOpenMatrix,
                f"test_{_role}__{_name_open}__{_method}",
                _open_test(_role, _name_open, _method),
            )


# --- the accounts pages: signing in and out, password reset, the second factor -----------------
#
# Signing in, password reset and signing out are for everyone (signing out only by POST). The
# code pages of the second factor are for administrators (signed out: to sign-in; anyone else:
# 403). The matrix's administrator has given their code (conftest's force_login), so the code
# page sends them on and the set-up page lets them replace their app.

ACCOUNT_URLS = {
    "login": ("login", lambda w: []),
    "logout": ("logout", lambda w: []),
    "password_reset": ("password_reset", lambda w: []),
    "password_reset_done": ("password_reset_done", lambda w: []),
    "password_reset_confirm": ("password_reset_confirm", lambda w: ["MQ", "not-a-token"]),
    "password_reset_complete": ("password_reset_complete", lambda w: []),
    "password_change": ("password_change", lambda w: []),
    "password_change_done": ("password_change_done", lambda w: []),
    "two_factor": ("two_factor", lambda w: []),
    "two_factor_setup": ("two_factor_setup", lambda w: []),
}


def account_expected(role: str, key: str, method: str) -> int:
    if key == "logout":
        return 405 if method == "GET" else 302
    if key in {"password_reset_done", "password_reset_complete"}:
        return 200 if method == "GET" else 405
    if key.startswith("password_change"):  # one's own password: signed in
        if role == "signed_out":
            return 302
        if key == "password_change_done":
            return 200 if method == "GET" else 405
        return 200
    if key.startswith("two_factor"):
        if role == "signed_out":
            return 302
        if role != "admin":
            return 403
        return 302 if key == "two_factor" else 200
    return 200  # the forms: shown, or shown again with what is missing


def account_check(w: World, role: str, key: str, method: str) -> None:
    url, response, before = send_cell(w, role, ACCOUNT_URLS, key, method, account_expected)
    want = account_expected(role, key, method)
    assert not changed(before, snapshot()), f"{role} {method} {url} changed the register"
    assert response["Cache-Control"] == "no-store"
    if want == 302 and role == "signed_out" and key.startswith(("two_factor", "password_change")):
        assert response["Location"].startswith(reverse("login"))
    if method == "POST" and want == 200 and key != "password_reset_confirm":
        assert "There is a problem" in response.content.decode()


class TestAccountMatrix(WorldTestCase):
    """The accounts pages, for every role and method."""


add_cells(TestAccountMatrix, ACCOUNT_URLS, account_check, account_expected)


# --- Django's admin: what no role may do there (the audit trail, issue 15 point 4) -------------

ADMIN_REFUSED = [
    # (what, method, the URL's pattern): refused even to a superuser.
    ("delete a review", "post", "/admin/reviews/review/{review}/delete/"),
    ("change a review", "post", "/admin/reviews/review/{review}/change/"),
    ("add a review", "get", "/admin/reviews/review/add/"),
    ("revert a review's history", "post", "/admin/reviews/review/{review}/history/{history}/"),
    ("delete a recommendation", "post", "/admin/recommendations/recommendation/{rec}/delete/"),
    ("delete an update", "post", "/admin/recommendations/update/{update}/delete/"),
    ("delete a committee", "post", "/admin/reviews/committee/{committee}/delete/"),
    ("delete an officer", "post", "/admin/reviews/officer/{officer}/delete/"),
    ("delete a user", "post", "/admin/auth/user/{user}/delete/"),
    ("delete a role", "post", "/admin/auth/group/{group}/delete/"),
    ("delete an account event", "post", "/admin/accounts/accountevent/{event}/delete/"),
]


def _admin_targets() -> dict:
    from recommendations.models import Update
    from scrutiny.accounts.models import AccountEvent
    from scrutiny.accounts.services import account_deactivate

    review = Review.objects.first()
    leaver = User.objects.create_user("leaver-admin")
    system = User.objects.get(username=settings.SYSTEM_USERNAME)
    account_deactivate(user=leaver, by=system, reason="Left")
    return {
        "review": review.pk,
        "history": review.history.order_by("history_id").first().history_id,
        "rec": Recommendation.objects.first().pk,
        "update": Update.objects.first().pk,
        "committee": Committee.objects.first().pk,
        "officer": Officer.objects.first().pk,
        "user": leaver.pk,
        "group": Group.objects.get(name=roles.COUNCILLOR).pk,
        "event": AccountEvent.objects.filter(account=leaver).first().pk,
    }


def test_the_admin_refuses_every_role_what_would_weaken_the_audit_trail(db):
    """A superuser gets 403 on each; every other role (not staff) is sent to the admin's
    sign-in; nothing changes."""
    load_demo()
    targets = _admin_targets()
    superuser = User.objects.create_superuser("root-m", password="x-long-passphrase-1")
    officer = User.objects.create_user("so-admin")
    officer.groups.add(Group.objects.get(name=roles.SCRUTINY_OFFICER))
    counts = {m: m._default_manager.count() for m in (Review, Recommendation, Committee, User)}
    failures = []
    for who, user, expected in [("superuser", superuser, 403), ("officer", officer, 302)]:
        client = Client()
        client.force_login(user)
        for what, method, pattern in ADMIN_REFUSED:
            url = pattern.format(**targets)
            response = getattr(client, method)(url, {"post": "yes"} if method == "post" else None)
            if response.status_code != expected:
                failures.append(f"{who} may {what}: {response.status_code}")
    assert not failures, failures
    assert counts == {m: m._default_manager.count() for m in counts}


# --- an account in no role (issue 15, "how it is judged") ---------------------------------------
#
# The matrix's "no_role" is signed in but in none of the four roles (single sign-on whose
# groups mapped to nothing, or an account whose roles were removed): 403 on every page of the
# register, with the page saying why. What it may still do is tested here.


class TestNoRole(WorldTestCase):
    def test_the_refusal_says_why_and_offers_no_navigation(self):
        client = client_for("no_role", self.w)
        response = client.get(reverse("dashboard"))
        assert response.status_code == 403
        html = response.content.decode()
        assert NO_ROLE_PAGE in html and settings.SIGNIN_HELP_CONTACT in html
        assert reverse("review_list") not in html  # no menu of pages it may not see
        assert reverse("password_change") in html and reverse("logout") in html

    def test_it_may_change_its_password_and_sign_out(self):
        w = self.w
        client = client_for("no_role", w)
        form = page_form(client.get(reverse("password_change")).content).data()
        form.update(
            old_password="correct-horse-9",
            new_password1="a-longer-passphrase-2026",
            new_password2="a-longer-passphrase-2026",
        )
        response = client.post(reverse("password_change"), form)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert w.user("no_role").check_password("a-longer-passphrase-2026")
        assert client.get(response["Location"]).status_code == 200
        assert client.post(reverse("logout")).status_code == 302
        assert client.get(reverse("dashboard")).status_code == 302  # signed out: to sign-in

    def test_given_a_role_it_reads_the_register(self):
        user = self.w.user("no_role")
        user.groups.add(Group.objects.get(name=roles.COUNCILLOR))
        assert client_for("no_role", self.w).get(reverse("dashboard")).status_code == 200

    def test_a_superuser_needs_no_role(self):
        user = self.w.user("no_role")
        user.is_superuser = True
        user.save()
        assert client_for("no_role", self.w).get(reverse("dashboard")).status_code == 200

    def test_the_django_admin_refuses_it_even_as_staff(self):
        user = self.w.user("no_role")
        user.is_staff = True
        user.save()
        client = client_for("no_role", self.w)
        for url in ["/admin/", "/admin/reviews/review/", "/admin/auth/user/"]:
            response = client.get(url)
            assert response.status_code == 403, (url, response.status_code)
            assert NO_ROLE_PAGE in response.content.decode()


# --- every named URL, walked: the forms' token, and the methods no page uses -----------------
#
# These walk the URL configuration itself (``named_urls``), so a new URL is in them at once;
# its arguments come from the matrix's tables (a URL missing from them fails the walk, and
# test_the_matrix_covers_every_named_url says which). One test per role walks every URL, with
# one snapshot of the register before and after: a walk is some hundred requests.

# Pages that need no account, and those an account in no role may reach besides.
NO_ACCOUNT = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "sso_login",
    "sso_callback",
    "sso_logout",
    "health",
    "healthz",
    "round_reply",
}
ROLE_FREE = NO_ACCOUNT | {"password_change", "password_change_done"}
SSO_OFF = {"sso_login", "sso_callback"}  # 404 while single sign-on is not configured


def every_url(w: World) -> dict[str, str]:
    """Each named URL (outside the admin) with the arguments the matrix gives it: the first
    of its keys in the tables. (Read before a snapshot: some arguments are records made.)"""
    tables = [WRITE_URLS, READ_URLS, ADMIN_URLS, ROUND_URLS, ACCOUNT_URLS, DOCUMENT_URLS]
    arguments = {}
    for table in tables:
        for name, args in table.values():
            arguments.setdefault(name, args)
    return {name: reverse(name, args=arguments.get(name, lambda w: [])(w)) for name in named_urls()}


CSRF_PAGE = "Your form was not sent"


class TestCSRF(WorldTestCase):
    """With the forms' token checked as a browser's requests are (``enforce_csrf_checks``):
    a POST without it is refused (403, the page saying why) on every URL, for every role, and
    changes nothing; with the token read from the form's page, a form of each app saves."""

    def test_signing_in_through_the_page_needs_the_token(self):
        client = Client(enforce_csrf_checks=True)
        login = reverse("login")
        credentials = {"username": "so-m", "password": "correct-horse-9"}
        token = page_token(client.get(login))
        response = client.post(login, credentials)
        assert response.status_code == 403 and CSRF_PAGE in response.content.decode()
        assert "_auth_user_id" not in client.session
        response = client.post(login, {**credentials, "csrfmiddlewaretoken": token})
        assert response.status_code == 302 and response["Location"] == reverse("dashboard")
        # A scrutiny officer's day: a review edited through its page (the token was renewed
        # at sign-in: the page's own is sent), then signing out from the header.
        url = reverse("review_edit", args=[self.w.merton])
        form = page_form(client.get(url).content).data()
        form["objectives"] = "Edited by an officer signed in through the sign-in page."
        response = client.post(url, form)
        assert response.status_code == 302, response.status_code
        assert Review.objects.get(pk=self.w.merton).objectives == form["objectives"]
        page = client.get(response["Location"])
        assert client.post(reverse("logout")).status_code == 403  # no token: still signed in
        assert client.get(reverse("dashboard")).status_code == 200
        response = client.post(reverse("logout"), {"csrfmiddlewaretoken": page_token(page)})
        assert response.status_code == 302
        assert client.get(reverse("dashboard")).status_code == 302  # signed out: to sign-in

    def test_an_account_in_no_role_signs_in_and_is_told_why_it_sees_nothing(self):
        client = Client(enforce_csrf_checks=True)
        login = reverse("login")
        data = {"username": "no-role-m", "password": "correct-horse-9"}
        data["csrfmiddlewaretoken"] = page_token(client.get(login))
        response = client.post(login, data, follow=True)
        assert response.status_code == 403
        assert NO_ROLE_PAGE in response.content.decode()


def page_token(response) -> str:
    """The CSRF token of a page's forms (the header's sign-out form has one on every page)."""
    import re

    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
    assert found, "the page has no form token"
    return found.group(1).decode()


def _csrf_refused_test(role: str):
    def test(self):
        urls = every_url(self.w)
        client = client_for(role, self.w, enforce_csrf_checks=True)
        before = snapshot()
        wrong = {}
        for name, url in urls.items():
            response = client.post(url, {"reason": "No token sent."})
            if response.status_code != 403 or CSRF_PAGE not in response.content.decode():
                wrong[name] = response.status_code
        assert not wrong, f"{role}: a POST without the token was not refused: {wrong}"
        assert not changed(before, after := snapshot()), changed(before, after)

    test.__doc__ = f"{role}: a POST without the token is refused on every URL"
    return test


# One form of each app, sent with the token read from its page by the same client.
CSRF_FORMS = ["review_edit", "recommendation_edit", "round_edit", "documents_published_withdraw"]


def _csrf_token_test(key: str):
    def test(self):
        w = self.w
        data = valid_submission(key, w)  # read by another client: its token is not ours
        data.pop("csrfmiddlewaretoken", None)
        client = client_for("officer", w, enforce_csrf_checks=True)
        url = url_for(key, w)
        before = snapshot()
        assert client.post(url, data).status_code == 403
        data["csrfmiddlewaretoken"] = page_form(client.get(url).content).data()[
            "csrfmiddlewaretoken"
        ]
        assert not changed(before, snapshot())
        response = client.post(url, data)
        assert response.status_code == 302, response.status_code
        assert changed(before, snapshot())

    test.__doc__ = f"{key}: refused without the token, saved with the page's own"
    return test


for _role in ROLES:
    setattr(
        TestCSRF,
        f"test_{_role}__every_url_refuses_a_post_without_the_token",
        _csrf_refused_test(_role),
    )
for _key in CSRF_FORMS:
    setattr(TestCSRF, f"test_{_key}__saves_with_the_token", _csrf_token_test(_key))


# The methods no page uses, for the least and the most privileged (signed out, a councillor,
# an administrator) and an account in no role: 405 where the role may see the page (404 for
# single sign-on's pages while it is off), else what the role gets for any page (to sign-in,
# or 403). HEAD answers as GET does (no body), or 405 on a form's page (GET and POST only).
OTHER_METHODS = ["put", "patch", "delete", "options", "head"]
OTHER_METHOD_ROLES = ["signed_out", "councillor", "admin", "no_role"]


def other_method_expected(role: str, name: str, method: str) -> int | None:
    """The status for ``method``, or None for HEAD where it is GET's (or 405)."""
    if role == "signed_out" and name not in NO_ACCOUNT:
        return 302
    if role == "no_role" and name not in ROLE_FREE:
        return 403
    if name in SSO_OFF:
        return 404
    return None if method == "head" else 405


def _other_method_test(role: str, method: str):
    def test(self):
        urls = every_url(self.w)
        client = client_for(role, self.w)
        before = snapshot()
        wrong = {}
        for name, url in urls.items():
            if method == "head":
                response = client.head(url)
            else:
                response = getattr(client, method)(url, "title=Changed", content_type="text/plain")
            want = other_method_expected(role, name, method)
            if want is None:  # HEAD: 405 on a form's page, else what GET answers
                # (Not asked after a 405: the GET of a reply link records that it was opened.)
                want = 405 if response.status_code == 405 else client.get(url).status_code
            ok = response.status_code == want
            if method == "head":
                body = response.streaming_content if response.streaming else [response.content]
                ok = ok and not b"".join(body)
            if not ok:
                wrong[name] = (response.status_code, want)
        assert not wrong, f"{role} {method.upper()}: {wrong}"
        assert not changed(before, after := snapshot()), changed(before, after)

    test.__doc__ = f"{role}: {method.upper()} on every URL changes nothing"
    return test


class TestOtherMethods(WorldTestCase):
    """PUT, PATCH, DELETE, OPTIONS and HEAD on every named URL: never a 5xx (the test client
    raises it), never a change."""


for _role in OTHER_METHOD_ROLES:
    for _method in OTHER_METHODS:
        setattr(
            TestOtherMethods,
            f"test_{_role}__{_method}_on_every_url",
            _other_method_test(_role, _method),
        )


# --- the Django admin, walked ------------------------------------------------------------------
#
# Every pattern of the admin (each model's list, add, change, delete, history and history
# entry pages, the admin's own pages, and the catch-all), filled in with a record of the
# model, by GET and by POST with nothing in it: never a 5xx, never a change to the register.
# Signed out, everything goes to sign-in (the admin's own sign-in page answers); an account in
# no role is refused (403) all but the admin's sign-in page (which sends it to the code page,
# which refuses it); a councillor (not staff) is sent
# to give a second factor, then to the admin's sign-in page; what administrators and
# superusers may see there is the admin's own business (tests/test_audit_trail.py and
# test_the_admin_refuses_every_role_what_would_weaken_the_audit_trail above).

ADMIN_ROLES = ["signed_out", "no_role", "councillor", "admin", "superuser"]


def admin_urls() -> dict[str, str]:
    """Each admin pattern's route, as an address with a record's identifiers filled in."""
    import re

    from django.contrib.contenttypes.models import ContentType

    def model_of(route):
        app_label, model_name = route.split("/")[1:3]
        return apps.get_model(app_label, model_name)

    def first(model):
        pk = model._base_manager.order_by("pk").values_list("pk", flat=True).first()
        return pk or 999_999

    def address(route: str) -> str:
        if route.startswith("admin/^"):  # an app's page: its label is the pattern
            return "/admin/reviews/"
        if route == "admin/(?P<url>.*)$":
            return "/admin/no-such-page/"
        filled = route
        if route.endswith("^([^/]+)/history/([^/]+)/$"):  # a history entry (simple_history)
            filled = route.replace("^([^/]+)/history/([^/]+)/$", "<path:object_id>/history/")
            filled += "<str:history_id>/"
        if "<path:content_type_id>" in filled:  # view on site: a review
            review_type = ContentType.objects.get_for_model(Review).pk
            filled = filled.replace("<path:content_type_id>", str(review_type))
            return "/" + filled.replace("<path:object_id>", str(first(Review)))
        if "<" in filled:
            model = model_of(route)
            pk = first(model)
            filled = re.sub(r"<(path:object_id|id|int:pk)>", str(pk), filled)
            if "<str:history_id>" in filled:
                history = model.history.filter(pk=pk).values_list("history_id", flat=True)
                filled = filled.replace("<str:history_id>", str(history.first() or 999_999))
        assert "<" not in filled and "(" not in filled, route
        return "/" + filled

    routes = []

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            else:
                routes.append(route)

    admin_site = next(p for p in get_resolver().url_patterns if str(p.pattern) == "admin/")
    walk(admin_site.url_patterns, "admin/")
    return {route: address(route) for route in routes}


def admin_expected(role: str, route: str, method: str) -> set[int]:
    login_page = route == "admin/login/"
    if role == "signed_out":
        return {200} if login_page else {302}
    if role == "no_role":  # (its sign-in page asks for the code, which refuses it)
        return {302} if login_page else {403}
    if role == "councillor":
        return {302}
    return {200, 302, 400, 403, 404, 405}  # the admin's answer; never a 5xx


def _admin_walk_test(role: str, method: str):
    def test(self):
        w = self.w
        if role == "superuser":
            user = User.objects.create_superuser("root-walk", password="x-long-passphrase-1")
            client = Client()
            client.force_login(user)
        else:
            client = client_for(role, w)
        urls = admin_urls()
        before = snapshot()
        wrong = {}
        for route, url in urls.items():
            response = client.get(url) if method == "GET" else client.post(url, {})
            if response.status_code not in admin_expected(role, route, method):
                wrong[url] = response.status_code
            elif role == "signed_out" and response.status_code == 302:
                if not response["Location"].startswith((reverse("login"), "/admin/login/")):
                    wrong[url] = response["Location"]
            elif response.status_code == 403 and role == "no_role":
                wrong.update({} if NO_ROLE_PAGE in response.content.decode() else {url: "page"})
        assert not wrong, f"{role} {method} in the admin: {wrong}"
        assert not changed(before, after := snapshot()), changed(before, after)

    test.__doc__ = f"{role}: {method} on every page of the admin changes nothing"
    return test


class TestAdminWalk(WorldTestCase):
    """Every page of the Django admin, for the roles that differ there."""

    def test_the_walk_fills_in_every_pattern(self):
        urls = admin_urls()
        assert len(urls) > 100 and all(u.startswith("/admin/") for u in urls.values())


for _role in ADMIN_ROLES:
    for _method in ["GET", "POST"]:
        setattr(
            TestAdminWalk,
            f"test_{_role}__{_method}_on_every_admin_page",
            _admin_walk_test(_role, _method),
        )
