"""Load the demonstration data (``seeds.json``, transcribed from the council papers).

Loading is idempotent: each record is found by its natural key and saved only when a value
differs, so a second run writes no rows and no history. Records are written through the same
service as the forms (``scrutiny.services.record_save``): validated, with history and reason.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.db import transaction

from reviews.dates import municipal_year
from reviews.models import (
    AgendaItem,
    Committee,
    Councillor,
    Meeting,
    Officer,
    PartnerOrganisation,
    Review,
    ReviewMember,
)
from reviews.services import councillor_set_committees
from scrutiny.accounts.services import account_create, account_roles_set
from scrutiny.audit import acting_as, system_user
from scrutiny.services import record_save

from ..models import ActionPlanItem, Recommendation, Update

DATA_FILE = Path(__file__).with_name("seeds.json")
REASON = "Demonstration data"


@dataclass
class LoadReport:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    accounts: list[dict] = field(default_factory=list)


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


class DemoLoader:
    def __init__(self, data: dict, *, user):
        self.data = data
        self.user = user
        self.report = LoadReport()
        self.users: dict[str, User] = {}
        self.keys: dict[str, dict[str, object]] = {
            "partner": {},
            "officer": {},
            "councillor": {},
            "committee": {},
            "meeting": {},
            "review": {},
        }

    def sync(self, model, lookup: dict, values: dict):
        """Find by ``lookup``; create, or save only the values that differ."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = record_save(record=model(**lookup, **values), user=self.user, reason=REASON)
            self.report.created += 1
            return obj
        differs = [name for name, value in values.items() if getattr(obj, name) != value]
        if differs:
            for name in differs:
                setattr(obj, name, values[name])
            record_save(record=obj, user=self.user, reason=REASON)
            self.report.changed += 1
        else:
            self.report.unchanged += 1
        return obj

    def ref(self, kind: str, key: str | None):
        return self.keys[kind][key] if key else None

    def load(self) -> LoadReport:
        d = self.data
        for p in d.get("partners", []):
            values = {"kind": p["kind"], "description": p.get("description", "")}
            self.keys["partner"][p["key"]] = self.sync(
                PartnerOrganisation, {"name": p["name"]}, values
            )
        for o in d["officers"]:
            values = {k: o.get(k, "") for k in ("job_title", "department", "email", "phone")}
            values["partner"] = self.ref("partner", o.get("partner"))
            self.keys["officer"][o["key"]] = self.sync(Officer, {"name": o["name"]}, values)
        for c in d["councillors"]:
            self.keys["councillor"][c["key"]] = self.sync(
                Councillor, {"name": c["name"]}, {"role": c["role"]}
            )
        # The accounts before the records that name who entered them (an update's).
        self.load_accounts()
        for c in d["committees"]:
            values = {"short_name": c["short_name"], "kind": c["kind"]}
            self.keys["committee"][c["key"]] = self.sync(Committee, {"name": c["name"]}, values)
        for c in d["councillors"]:
            self.seat_councillor(c)
        for m in d["meetings"]:
            meeting = self.sync(
                Meeting,
                {"committee": self.ref("committee", m["committee"]), "date": _date(m["date"])},
                {},
            )
            self.keys["meeting"][m["key"]] = meeting
            for item in m["agenda_items"]:
                self.sync(
                    AgendaItem,
                    {"meeting": meeting, "title": item["title"]},
                    {"reference": item["reference"]},
                )
        # Reviews first without the link between them, then the links.
        for r in d["reviews"]:
            self.keys["review"][r["key"]] = self.load_review(r)
        for r in d["reviews"]:
            if r.get("combined_into"):
                self.sync(
                    Review,
                    {"pk": self.keys["review"][r["key"]].pk},
                    {"combined_into": self.keys["review"][r["combined_into"]]},
                )
        for r in d["reviews"]:
            review = self.keys["review"][r["key"]]
            for member in r["members"]:
                self.sync(
                    ReviewMember,
                    {"review": review, "councillor": self.ref("councillor", member["councillor"])},
                    {"role": member["role"]},
                )
            for rec in r["recommendations"]:
                self.load_recommendation(review, rec)
        return self.report

    def seat_councillor(self, c: dict) -> None:
        """The committees a councillor sits on, set only when they differ."""
        councillor = self.keys["councillor"][c["key"]]
        wanted = {self.ref("committee", key) for key in c.get("committees", [])}
        if wanted != set(councillor.committees.all()):
            councillor_set_committees(
                councillor=councillor, committees=list(wanted), user=self.user, reason=REASON
            )

    def load_review(self, r: dict) -> Review:
        meeting = lambda name: self.ref("meeting", r.get(name))  # noqa: E731
        values = {
            "review_type": r["review_type"],
            "commissioning_committee": self.ref("committee", r["commissioning_committee"]),
            "scrutiny_officer": self.ref("officer", r.get("scrutiny_officer")),
            "contact_officer": self.ref("officer", r.get("contact_officer")),
            "status": r["status"],
            "scope": r["scope"],
            "objectives": r["objectives"],
            "report_agreed_meeting": meeting("report_agreed_meeting"),
            "report_received_meeting": meeting("report_received_meeting"),
            "response_meeting": meeting("response_meeting"),
            "extended_deadline": _date(r.get("extended_deadline")),
            "extension_reason": r.get("extension_reason", ""),
            "municipal_year": r.get("municipal_year", ""),
        }
        for date_field, meeting_field in (
            ("report_agreed_on", "report_agreed_meeting"),
            ("report_received_on", "report_received_meeting"),
            ("response_given_on", "response_meeting"),
        ):
            values[date_field] = values[meeting_field].date if values[meeting_field] else None
        if values["report_agreed_on"]:
            values["municipal_year"] = municipal_year(values["report_agreed_on"])
        return self.sync(Review, {"title": r["title"]}, values)

    def load_recommendation(self, review: Review, rec: dict) -> None:
        values = {
            "text": rec["text"],
            "paragraph_reference": rec.get("paragraph_reference", ""),
            "responsible_body": self.ref("committee", rec.get("responsible_body")),
            "responsible_body_note": rec.get("responsible_body_note", ""),
            "decision": rec.get("decision", ""),
            "response_text": rec.get("response_text", ""),
            "response_meeting": self.ref("meeting", rec.get("response_meeting")),
            "lead_officer": self.ref("officer", rec.get("lead_officer")),
            "lead_member": self.ref("councillor", rec.get("lead_member")),
        }
        if values["response_meeting"]:
            values["response_date"] = values["response_meeting"].date
        if rec.get("reference"):
            values["reference"] = rec["reference"]
            values["reference_is_generated"] = False
        recommendation = self.sync(
            Recommendation, {"review": review, "number": rec["number"]}, values
        )
        for number, a in enumerate(rec.get("actions", []), start=1):
            action = self.sync(
                ActionPlanItem,
                {"recommendation": recommendation, "number": number},
                {
                    "action": a["action"],
                    "timeline": a["timeline"],
                    "target_date": _date(a.get("target_date")),
                    "owner": self.ref("officer", a.get("owner")),
                    "status": a["status"],
                },
            )
            for u in a.get("updates", []):
                self.sync(
                    Update,
                    {
                        "recommendation": recommendation,
                        "action": action,
                        "date": _date(u["date"]),
                        "text": u["text"],
                    },
                    {
                        "author": self.ref("officer", u.get("author")),
                        "entered_by": self.users.get(u.get("entered_by")),
                        "reported_to": self.ref("meeting", u.get("reported_to")),
                    },
                )

    def load_accounts(self) -> None:
        for account in self.data["accounts"]:
            user = User.objects.filter(username=account["username"]).first()
            role = Group.objects.get_or_create(name=account["role"])[0]
            if user is None:
                user = User(
                    username=account["username"],
                    first_name=account["first_name"],
                    last_name=account["last_name"],
                    is_staff=account.get("superuser", False),
                    is_superuser=account.get("superuser", False),
                )
                user.set_password(account["password"])
                account_create(user=user, by=self.user, reason=REASON, roles=[role])
            elif not user.groups.filter(pk=role.pk).exists():
                held = list(user.groups.all())
                account_roles_set(user=user, roles=[*held, role], by=self.user, reason=REASON)
            for kind in ("officer", "councillor"):
                person = self.ref(kind, account.get(kind))
                if person is not None and person.user_id != user.pk:
                    person.user = user
                    record_save(record=person, user=self.user, reason=REASON)
            self.report.accounts.append(account)
            self.users[account["username"]] = user


def load_demo(data: dict | None = None, *, user=None) -> LoadReport:
    """Load the demonstration data in one transaction, recording ``user`` (by default the
    system user) on history rows."""
    if data is None:
        data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    user = user or system_user()
    with transaction.atomic(), acting_as(user):
        return DemoLoader(data, user=user).load()
