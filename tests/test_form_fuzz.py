"""Bad input never breaks anything (issue 4, item 5): Hypothesis sends generated input to every
write form as a scrutiny officer.

Each example starts from a submission that would succeed (the form as its page shows it, with
the boxes filled in: ``valid_submission`` in tests/test_permissions.py) and changes some of its
fields: text (unicode, control characters, very long, HTML, template syntax), numbers as text
(negative, huge, superscript and other scripts' digits), date parts, choice values that are not
choices, ids that do not exist, and missing fields. The answer is never a 500, only 200 (a form
with its messages), 302 (saved) or 409 (a stale version); when the submission is refused,
nothing in the database changed (every audited table and its history, and the record's version).

The tests are methods of a Hypothesis Django test case: the demonstration data is loaded once
for the class, and every example runs in its own savepoint, rolled back after it, so each starts
from the same data. ``derandomize`` keeps the examples the same from run to run (a failure here
is a bug, not bad luck); ``database=None`` keeps Hypothesis from writing into the repository.
"""

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisDjangoTestCase

from recommendations.documents.models import PublishedDocument
from recommendations.models import ActionPlanItem, Recommendation, Update
from recommendations.rounds.models import Return, UpdateRequest
from recommendations.statuses import Decision, ProgressStatus
from reviews.models import (
    AgendaItem,
    Committee,
    CommitteeKind,
    Councillor,
    Meeting,
    Officer,
    PartnerKind,
    PartnerOrganisation,
    Review,
    ReviewStatus,
    ReviewType,
)

from .test_permissions import (
    WRITE_URLS,
    build_world,
    changed,
    client_for,
    snapshot,
    url_for,
    valid_submission,
)

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,
    # No "explain" phase: it runs failing examples again under a tracer, which takes minutes
    # here; the failure message already names the exception and the submission.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)

MISSING = object()  # leave the field out of the submission

ODD_TEXT = [
    '<script>alert("x")</script><b>bold</b>',
    "Gwasanaethau a rennir ŵ ŷ 🙂",
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\t\x0b\x0c",
    "\u202eevil\u202c",
    "{{ 7|add:7 }}{% now 'Y' %}",
    "' OR 1=1 --",
    "%s%n%x",
    "x" * 20_001,
    "y" * 301,
    "z" * 51,
]
ODD_NUMBERS = ["", " 3 ", "1e3", "1.5", "²", "٣", "३", "0x10", "NaN", "-0", "+7", "1_000", "Ⅻ"]

texts = st.one_of(
    st.text(max_size=60),
    st.sampled_from(ODD_TEXT),
    st.text(st.characters(codec="utf-8"), min_size=290, max_size=310),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=3), st.integers(6_000, 7_000)),
)
numbers = st.one_of(
    st.integers(-5, 40).map(str),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(ODD_NUMBERS),
    st.text(max_size=8),
)
date_parts = st.one_of(
    st.integers(-2, 40).map(str),
    st.integers(1890, 2110).map(str),
    numbers,
)
ids = st.one_of(st.integers(0, 12).map(str), numbers)  # mostly ids that exist


def choices(values) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(list(values)), texts)


def date(name):
    return {f"{name}_{i}": date_parts for i in range(3)}


REASON = {"change_reason": texts}
VERSION = {"version": numbers}

REVIEW = {
    "title": texts,
    "review_type": choices(ReviewType.values),
    "commissioning_committee": ids,
    "monitoring_committees": st.lists(ids, max_size=4),
    "scrutiny_officer": ids,
    "contact_officer": ids,
    "status": choices(ReviewStatus.values),
    "status_held": st.sampled_from(["on", "", "true", "false", "x"]),
    "municipal_year": st.one_of(texts, st.sampled_from(["2016/17", "2016/18", "16/17"])),
    "reference_prefix": texts,
    "scope": texts,
    "objectives": texts,
    **date("scope_agreed_on"),
    "report_agreed_meeting": ids,
    **date("report_agreed_on"),
    "members": st.lists(ids, max_size=4),
    "chair": ids,
    **REASON,
}
COMMITTEE = {
    "name": texts,
    "short_name": texts,
    "kind": choices(CommitteeKind.values),
    "returns_deadline_working_days": numbers,
    "reminder_working_days": st.one_of(texts, st.sampled_from(["5,1", "1,,5", "0", "5;1"])),
    "round_opens_working_days": numbers,
    **REASON,
}
MEETING = {"committee": ids, **date("date"), "start_time": texts, "location": texts, **REASON}
RECOMMENDATION = {
    "number": numbers,
    "reference_typed": st.one_of(texts, st.sampled_from(["2016/17 R2", "2015/16 R1"])),
    "text": texts,
    "paragraph_reference": texts,
    "responsible_body": ids,
    "responsible_body_note": texts,
    "lead_officer": ids,
    "lead_member": ids,
    "service_area": texts,
    "status_set_by_officer": choices(["", "closed", "not_accepted", *ProgressStatus.values]),
    "status_reason": texts,
    **REASON,
}
ACTION = {
    "number": numbers,
    "action": texts,
    "timeline": texts,
    **date("target_date"),
    "owner": ids,
    "status": choices(["closed", "not_accepted", *ProgressStatus.values]),
    "status_reason": texts,
    **REASON,
}
PASTE_ITEMS = {
    "form-TOTAL_FORMS": st.one_of(st.integers(0, 3).map(str), numbers),
    "form-INITIAL_FORMS": numbers,
    "form-0-include": st.sampled_from(["on", "", "off", "false"]),
    "form-0-number": numbers,
    "form-0-text": texts,
    "form-0-paragraph_reference": texts,
    "form-0-responsible_body": ids,
    "form-0-reference": st.one_of(texts, st.sampled_from(["2016/17 R2", "2015/16 R1"])),
    "review-reference_prefix": st.one_of(texts, st.sampled_from(["SOS", "", "X" * 13])),
    "review-review_version": numbers,
    "form-1-include": st.sampled_from(["on", ""]),
    "form-1-reference": st.one_of(texts, st.just("2016/17 R2")),
    "form-1-number": numbers,
    "form-1-text": texts,
    "step": st.sampled_from(["confirm", "paste", "", "other"]),
}
RESPONSES = {
    "meeting": ids,
    **date("date"),
    **{
        f"rec{i}-{name}": strategy
        for i in range(3)
        for name, strategy in [
            ("decision", choices(["", *Decision.values])),
            ("response_text", texts),
            ("version", numbers),
        ]
    },
}

OFFICER = {
    "name": texts,
    "job_title": texts,
    "department": texts,
    "partner": ids,
    "email": st.one_of(texts, st.sampled_from(["a@b.example", "no-at-sign", "a@@b"])),
    "phone": texts,
    **REASON,
}
PARTNER = {"name": texts, "kind": choices(PartnerKind.values), "description": texts, **REASON}
COUNCILLOR = {
    "name": texts,
    "role": texts,
    "party": texts,
    "ward": texts,
    "committees": st.lists(ids, max_size=4),
    **REASON,
}
AGENDA_ITEM = {
    "reference": st.one_of(texts, st.sampled_from(["4", "7a", ""])),
    "title": texts,
    **REASON,
}

SPECS = {
    "review_create": REVIEW,
    "review_edit": {**REVIEW, **VERSION},
    "review_receipt": {"report_received_meeting": ids, **REASON, **VERSION},
    "review_extension": {
        **date("extended_deadline"),
        "extension_reason": texts,
        **REASON,
        **VERSION,
    },
    "committee_create": COMMITTEE,
    "committee_edit": {**COMMITTEE, **VERSION},
    "committee_calendar": {
        "step": choices(["upload", "fetch", "confirm", "", "something"]),
        "plan": st.one_of(texts, st.just("e30:1abc:xyz")),
        **{
            kind: st.lists(st.one_of(texts, st.just(f"{kind}:mgMeeting4321@x")), max_size=3)
            for kind in ("new", "moved", "linked", "cancel")
        },
    },
    "meeting_create": MEETING,
    "meeting_edit": {**MEETING, **VERSION},
    "recommendation_create": RECOMMENDATION,
    "recommendation_edit": {**RECOMMENDATION, **VERSION},
    "recommendation_paste": PASTE_ITEMS,
    "review_responses": RESPONSES,
    "recommendation_close": {"meeting": ids, "minute_reference": texts, **VERSION},
    "recommendation_archive": {"reason": texts, **VERSION},
    "action_create": ACTION,
    "action_edit": {**ACTION, **VERSION},
    "action_revise_target": {**date("new_date"), "reason": texts, "timeline": texts, **VERSION},
    "action_remove": {"reason": texts, **VERSION},
    "update_create": {
        "action": ids,
        **date("date"),
        "text": texts,
        "reported_status": choices(["", "closed", *ProgressStatus.values]),
        "status_reason": texts,
        "reported_to": ids,
        "author": ids,
    },
    "recommendation_reopen": {"reason": texts, **VERSION},
    "update_edit": {
        **date("date"),
        "text": texts,
        "reported_status": choices(["", *ProgressStatus.values]),
        "reported_to": ids,
        "reason": texts,
        **VERSION,
    },
    "update_withdraw": {"reason": texts, **VERSION},
    "documents_published_withdraw": {"reason": texts, **VERSION},
    "officer_create": OFFICER,
    "officer_edit": {**OFFICER, **VERSION},
    "partner_create": PARTNER,
    "partner_edit": {**PARTNER, **VERSION},
    "councillor_create": COUNCILLOR,
    "councillor_edit": {**COUNCILLOR, **VERSION},
    "agenda_item_create": AGENDA_ITEM,
    "agenda_item_edit": {**AGENDA_ITEM, **VERSION},
    "round_open": {**date("deadline"), "covering_text": texts},
    "round_edit": {**date("deadline"), "covering_text": texts},
    "round_item_add": {"recommendation": ids, "action_number": numbers, "owner": ids},
    "round_return_review": {
        "decision": choices(["accept", "edit", "send_back"]),
        "text": texts,
        "reported_status": choices(["", "closed", *ProgressStatus.values]),
        "status_reason": texts,
        **date("proposed_target_date"),
        "proposed_date_reason": texts,
        "edit_reason": texts,
        "returned_comment": texts,
        **VERSION,
    },
    "tracker_import_upload": {"file": texts},
    "tracker_import_detail": {
        **{
            f"col_{i}": choices(["", "reference", "recommendation", "status", "target_date", "x"])
            for i in range(6)
        },
        "default_committee": ids,
        "step": st.sampled_from(["import", "preview", "", "other"]),
    },
}
assert set(SPECS) == {name for name, _ in WRITE_URLS.values()}, "every write form is fuzzed"


@st.composite
def mutations(draw, spec: dict) -> dict:
    """Some of the form's fields, each given a generated value or left out."""
    names = draw(st.lists(st.sampled_from(sorted(spec)), min_size=1, max_size=6, unique=True))
    return {name: draw(st.one_of(st.just(MISSING), spec[name])) for name in names}


def target_of(key: str, w):
    """The record an edit form changes (model, pk), or None for a form that creates."""
    return {
        "review_edit": (Review, w.merton),
        "review_receipt": (Review, w.harrow),
        "review_extension": (Review, w.harrow),
        "committee_edit": (Committee, w.osc),
        "meeting_edit": (Meeting, w.july_2017),
        "recommendation_edit": (Recommendation, w.r1),
        "recommendation_close": (Recommendation, w.r1),
        "recommendation_archive": (Recommendation, w.r1),
        "action_edit": (ActionPlanItem, w.own_action),
        "action_revise_target": (ActionPlanItem, w.own_action),
        "action_remove": (ActionPlanItem, w.own_action),
        "recommendation_reopen": (Recommendation, w.closed),
        "update_edit": (Update, w.own_update),
        "update_edit:reported": (Update, w.reported_update),
        "update_withdraw": (Update, w.own_update),
        "documents_published_withdraw": (PublishedDocument, w.published),
        "officer_edit": (Officer, Officer.objects.get(name="Ged Curran").pk),
        "partner_edit": (
            PartnerOrganisation,
            PartnerOrganisation.objects.get(name="Achieving for Children").pk,
        ),
        "councillor_edit": (Councillor, Councillor.objects.get(name="Peter Southgate").pk),
        "agenda_item_edit": (AgendaItem, AgendaItem.objects.get(meeting_id=w.july_2017).pk),
        "round_return_review": (Return, w.submitted_return),
    }.get(key)


class FuzzTestCase(HypothesisDjangoTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.valid = {}  # the valid submission of each form: each example starts from the data

    def valid_submission(self, key: str) -> dict:
        if key not in self.valid:
            self.valid[key] = valid_submission(key, self.w)
        return self.valid[key]

    def send(self, key: str, mutation: dict, *, role: str = "officer", base: dict | None = None):
        w = self.w
        url = url_for(key, w)
        data = dict(base if base is not None else self.valid_submission(key))
        if key == "review_responses":
            recs = list(Review.objects.get(pk=w.harrow).recommendations.order_by("number"))
            mutation = {
                (f"rec-{recs[int(k[3])].pk}-{k.split('-', 1)[1]}" if k.startswith("rec") else k): v
                for k, v in mutation.items()
            }
        for name, value in mutation.items():
            if value is MISSING:
                data.pop(name, None)
            else:
                data[name] = value
        target = target_of(key, w)
        version = target[0].objects.get(pk=target[1]).version if target else None
        client = client_for(role, w)
        before = snapshot()
        try:
            response = client.post(url, data)
        except Exception as error:  # the test client raises what became a 500 in production
            raise AssertionError(
                f"500 from {key}: {type(error).__name__}: {error}\nsubmitted: {data!r}"
            ) from error
        assert response.status_code in {200, 302, 409}, (key, response.status_code, data)
        if response.status_code != 302:
            assert not changed(before, snapshot()), f"{key} refused the input but wrote: {data!r}"
            if target:
                assert target[0].objects.get(pk=target[1]).version == version


class TestFormFuzz(FuzzTestCase):
    """One test per write form; the test names say which."""


def _fuzz_test(key: str):
    @FUZZ
    @given(mutation=mutations(SPECS[key]))
    def test(self, mutation):
        self.send(key, mutation)

    test.__name__ = f"test_{key}"
    test.__doc__ = f"Generated input to {key}: never a 500; a refusal writes nothing."
    return test


for _key in SPECS:
    setattr(TestFormFuzz, f"test_{_key}", _fuzz_test(_key))


REPLY_ITEM = {
    "text": texts,
    "reported_status": choices(["", "closed", *ProgressStatus.values]),
    "status_reason": texts,
    **date("proposed_target_date"),
    "proposed_date_reason": texts,
    "version": numbers,
}
REPLY = {
    "do": choices(["submit", "draft", "forward"]),
    "forward-name": texts,
    "forward-email": st.one_of(texts, st.sampled_from(["a@b.example", "no-at-sign"])),
    **{f"first-{name}": strategy for name, strategy in REPLY_ITEM.items()},
    **{f"second-{name}": strategy for name, strategy in REPLY_ITEM.items()},
}


class TestReplyFuzz(FuzzTestCase):
    """The owner's reply page, through the link (no account) and signed in: generated input
    is answered with the form and its messages, or saved; never a 500."""

    def reply(self, mutation: dict, *, signed_in: bool):
        from django.urls import reverse

        w = self.w
        items = list(UpdateRequest.objects.get(pk=w.own_request).items.order_by("pk"))
        data = {"do": "draft", f"item-{items[1].pk}-text": "A draft."}
        for name, value in mutation.items():
            slot, _, field = name.partition("-")
            key = {"first": f"item-{items[1].pk}-", "second": f"item-{items[2].pk}-"}.get(slot)
            key = key + field if key else name
            if value is MISSING:
                data.pop(key, None)
            else:
                data[key] = value
        if signed_in:
            client = client_for("lead_owner", w)
            url = reverse("round_reply_mine", args=[w.own_request])
        else:
            client = client_for("signed_out", w)
            url = reverse("round_reply", args=[w.reply_token])
        before = snapshot()
        try:
            response = client.post(url, data)
        except Exception as error:
            raise AssertionError(
                f"500 from the reply page: {error}\nsubmitted: {data!r}"
            ) from error
        assert response.status_code in {200, 302, 409}, (response.status_code, data)
        if response.status_code != 302 and data.get("do") != "forward":
            assert not changed(before, snapshot()), f"refused but wrote: {data!r}"

    @FUZZ
    @given(mutation=mutations(REPLY))
    def test_reply_by_link(self, mutation):
        self.reply(mutation, signed_in=False)

    @FUZZ
    @given(mutation=mutations(REPLY))
    def test_reply_signed_in(self, mutation):
        self.reply(mutation, signed_in=True)


class TestMoreFuzz(FuzzTestCase):
    @FUZZ
    @given(text=texts)
    def test_paste_step_one(self, text):
        """Pasting anything shows a preview or a message, and saves nothing."""
        self.send("recommendation_paste", {}, base={"text": text})

    def test_paste_preview_with_nul_characters(self):
        """Found by the fuzzing on PostgreSQL, which cannot hold a NUL character: the preview
        looked up the references typed on it (and its prefix) before refusing them."""
        for mutation in (
            {"form-0-reference": "\x00"},
            {"review-reference_prefix": "\x00"},
            {"form-0-reference": "R\x001", "review-reference_prefix": "A\x00", "step": "preview"},
        ):
            self.send("recommendation_paste", mutation)

    @FUZZ
    @given(mutation=mutations(SPECS["action_edit"]))
    def test_action_edit_as_the_lead_officer(self, mutation):
        self.send("action_edit", mutation, role="lead_owner")

    @FUZZ
    @given(mutation=mutations(SPECS["update_create"]))
    def test_update_create_as_the_lead_officer(self, mutation):
        self.send("update_create", mutation, role="lead_owner")

    @FUZZ
    @given(mutation=mutations(SPECS["update_edit"]))
    def test_update_edit_as_the_lead_officer(self, mutation):
        self.send("update_edit", mutation, role="lead_owner")

    @FUZZ
    @given(value=st.one_of(numbers, texts))
    def test_values_in_the_address_that_pre_fill_a_form(self, value):
        """?committee= and ?action= pre-fill the meeting and update forms."""
        client = client_for("officer", self.w)
        for url, name in [
            (url_for("meeting_create", self.w), "committee"),
            (url_for("update_create", self.w), "action"),
        ]:
            try:
                response = client.get(url, {name: value})
            except Exception as error:
                raise AssertionError(
                    f"500 from {url}?{name}={value!r}: {type(error).__name__}: {error}"
                ) from error
            assert response.status_code == 200


class TestCalendarFuzz(FuzzTestCase):
    @FUZZ
    @given(
        content=st.one_of(
            st.binary(max_size=400),
            texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.builds(
                lambda head, body: (
                    f"BEGIN:VCALENDAR\r\n{head}\r\nBEGIN:VEVENT\r\n{body}"
                    "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".encode("utf-8", "surrogatepass")
                ),
                texts,
                texts,
            ),
        ),
        name=texts,
    )
    def test_calendar_upload(self, content, name):
        """Any file, of any name, read as a committee's calendar: a confirmation page or a
        message, never a 500, and nothing saved before the officer confirms."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        file = SimpleUploadedFile(name[:200] or "x.ics", content, content_type="text/calendar")
        self.send("committee_calendar", {}, base={"step": "upload", "file": file})


class TestSignInFuzz(FuzzTestCase):
    """The accounts forms (tests/test_sign_in.py has their journeys): generated input is
    answered with the form and its messages, a redirect or the lock-out page; never a 500,
    and nothing in the register changes."""

    def post(self, url: str, data: dict, *, role: str = "signed_out", allowed=(200, 302, 429)):
        client = client_for(role, self.w)
        before = snapshot()
        try:
            response = client.post(url, {k: v for k, v in data.items() if v is not MISSING})
        except Exception as error:
            raise AssertionError(f"500 from {url}: {error}\nsubmitted: {data!r}") from error
        assert response.status_code in allowed, (url, response.status_code, data)
        assert not changed(before, snapshot()), f"{url} wrote: {data!r}"
        return response

    @FUZZ
    @given(username=st.one_of(st.just(MISSING), texts), password=st.one_of(st.just(MISSING), texts))
    def test_sign_in(self, username, password):
        self.post("/accounts/login/", {"username": username, "password": password})

    @FUZZ
    @given(email=st.one_of(st.just(MISSING), texts, st.sampled_from(["a@b.example", "@", "a@"])))
    def test_password_reset_request(self, email):
        self.post("/accounts/password-reset/", {"email": email})

    @FUZZ
    @given(first=texts, second=texts)
    def test_new_password(self, first, second):
        from django.contrib.auth.models import User
        from django.contrib.auth.tokens import default_token_generator
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        user = User.objects.get(pk=self.w.users["councillor"])
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        client = client_for("signed_out", self.w)
        form_url = client.get(f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/")[
            "Location"
        ]
        try:
            response = client.post(form_url, {"new_password1": first, "new_password2": second})
        except Exception as error:
            raise AssertionError(f"500 from the new password form: {error}") from error
        assert response.status_code in {200, 302}, (response.status_code, first, second)

    @FUZZ
    @given(
        code=st.one_of(st.just(MISSING), texts, numbers, st.sampled_from(["123456", "12 34 56"]))
    )
    def test_authenticator_code(self, code):
        for url in ("/accounts/two-factor/set-up/", "/accounts/two-factor/"):
            self.post(url, {"code": code, "next": "/"}, role="admin", allowed=(200, 302))
