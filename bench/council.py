"""A large council for the page benchmark (``bench/pages.py``).

``build_council()`` writes ten municipal years of a council's scrutiny: committees and their
meetings, officers (some with accounts), councillors, reviews with their members and key
meetings, recommendations with the executive's responses, action plans with target-date
revisions, and progress updates reported to meetings.

Every record goes through ``save()`` (or a service function), so django-simple-history writes
the history rows the pages read: the dashboard's recent changes, the history pages and the
"as at" views. The history rows are dated when the event happened (the day the report was
agreed, the update was written, ...), not when the benchmark ran, and each record's
``created_at`` / ``updated_at`` are set from its history at the end.

A benchmark fixture, not production code: it writes in one transaction, deterministically for a
given ``seed``. Sizes with the defaults: 200 reviews, 2,000 recommendations, 6,000 actions and
20,000 updates.
"""

import bisect
import datetime
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

from recommendations.models import ActionPlanItem, Recommendation, TargetDateRevision, Update
from recommendations.services import action_revise_target_date
from recommendations.statuses import Decision, ProgressStatus, RecommendationStatus
from reviews.dates import municipal_year, municipal_year_start, response_deadline
from reviews.models import (
    AgendaItem,
    Committee,
    CommitteeKind,
    Councillor,
    Meeting,
    MemberRole,
    Officer,
    PartnerKind,
    PartnerOrganisation,
    Review,
    ReviewMember,
    ReviewStatus,
    ReviewType,
)
from scrutiny.audit import acting_as
from scrutiny.formats import minute_text

YEARS = 10
DAY = datetime.timedelta(days=1)


# --- dating history rows ----------------------------------------------------------------------


class _Clock:
    """The day the builder is writing "on". Each history row written takes the next tick of
    that day (09:00, 09:00:02, ...), so one record's rows on one day keep their order."""

    def __init__(self):
        self.day: datetime.date | None = None
        self.ticks: Counter = Counter()
        self.tz = ZoneInfo(settings.TIME_ZONE)

    def moment(self, day: datetime.date | None = None) -> datetime.datetime:
        day = day or self.day
        tick = self.ticks[day]
        self.ticks[day] += 1
        seconds = min(9 * 3600 + 2 * tick, 23 * 3600 + 3599)
        return datetime.datetime.combine(day, datetime.time(), tzinfo=self.tz) + datetime.timedelta(
            seconds=seconds
        )


_clock = _Clock()


def _date_history_row(sender, history_instance, **kwargs):
    if _clock.day is None:
        return
    when = _clock.moment()
    history_instance.history_date = when
    history_instance.updated_at = when
    if history_instance.history_type == "+":
        history_instance.created_at = when


# --- words ------------------------------------------------------------------------------------

FIRST_NAMES = [
    "Aisha",
    "Alan",
    "Amara",
    "Andrew",
    "Angela",
    "Anil",
    "Barbara",
    "Ben",
    "Carol",
    "Chloe",
    "Daniel",
    "David",
    "Deborah",
    "Dev",
    "Edward",
    "Elena",
    "Fatima",
    "Fiona",
    "George",
    "Grace",
    "Hannah",
    "Harjit",
    "Ian",
    "Imran",
    "Jane",
    "Jasmine",
    "John",
    "Julia",
    "Kate",
    "Kwame",
    "Laura",
    "Liam",
    "Lucy",
    "Mark",
    "Mary",
    "Michael",
    "Mohammed",
    "Nadia",
    "Neil",
    "Nicola",
    "Olu",
    "Owen",
    "Paul",
    "Priya",
    "Rachel",
    "Rajesh",
    "Rebecca",
    "Richard",
    "Rosa",
    "Sam",
    "Sarah",
    "Simon",
    "Sophie",
    "Stephen",
    "Tariq",
    "Tom",
    "Una",
    "Victoria",
    "William",
    "Yusuf",
    "Zara",
]
LAST_NAMES = [
    "Adams",
    "Ahmed",
    "Baker",
    "Bennett",
    "Bhatt",
    "Brown",
    "Campbell",
    "Carter",
    "Chen",
    "Clarke",
    "Cole",
    "Davies",
    "Edwards",
    "Evans",
    "Fisher",
    "Foster",
    "Green",
    "Griffiths",
    "Hall",
    "Harris",
    "Hughes",
    "Hussain",
    "Jackson",
    "James",
    "Jones",
    "Khan",
    "King",
    "Lewis",
    "Martin",
    "Mensah",
    "Mitchell",
    "Moore",
    "Morgan",
    "Murphy",
    "Nelson",
    "Okafor",
    "Owen",
    "Patel",
    "Phillips",
    "Price",
    "Roberts",
    "Robinson",
    "Rogers",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]
OFFICER_TITLES = [
    "Head of Housing Needs",
    "Head of Commissioning",
    "Assistant Director, Adult Social Care",
    "Head of Revenues and Benefits",
    "Head of Public Health",
    "Head of Parks and Green Spaces",
    "Head of Transport Planning",
    "Head of Waste Services",
    "Head of Procurement",
    "Head of Digital Services",
    "Head of Human Resources",
    "Head of Legal Services",
    "Head of Finance",
    "Head of Children's Social Care",
    "Head of School Improvement",
    "Head of Community Safety",
    "Head of Regeneration",
    "Head of Libraries and Heritage",
    "Environmental Health Manager",
    "Policy and Partnerships Manager",
    "Customer Services Manager",
    "Strategic Lead, Climate Emergency",
    "Youth Services Manager",
    "Head of Planning",
]
PARTNERS = [
    ("Clinical Commissioning Group", PartnerKind.HEALTH),
    ("Metropolitan Police", PartnerKind.POLICE_FIRE),
    ("Fire and Rescue Service", PartnerKind.POLICE_FIRE),
    ("Housing Association", PartnerKind.HOUSING),
    ("Voluntary Sector Council", PartnerKind.VOLUNTARY),
]
OFFICER_DEPARTMENTS = [
    "Corporate Services",
    "Children, Schools and Families",
    "Community and Housing",
    "Environment and Regeneration",
]
TOPICS = [
    ("Shared and outsourced services", "contracts procurement partnership savings"),
    ("Air quality", "pollution transport schools monitoring"),
    ("Youth services", "young people youth centres mentoring"),
    ("Housing supply", "housing homes temporary accommodation"),
    ("Homelessness prevention", "housing homelessness advice tenancy"),
    ("Adult social care charging", "care charging residents assessments"),
    ("School exclusions", "schools exclusions pupils attendance"),
    ("Street cleanliness", "waste fly-tipping cleansing enforcement"),
    ("Recycling and waste", "waste recycling collection contract"),
    ("Libraries of the future", "libraries volunteers digital heritage"),
    ("Parking enforcement", "parking enforcement permits transport"),
    ("Digital inclusion", "digital residents online access"),
    ("Climate emergency action plan", "climate carbon energy buildings"),
    ("Community safety partnership", "crime safety police partnership"),
    ("Mental health of young people", "mental health young people schools"),
    ("Loneliness in older people", "older people loneliness volunteers care"),
    ("Private rented sector", "housing landlords licensing enforcement"),
    ("Town centre regeneration", "regeneration businesses high street planning"),
    ("Road safety around schools", "road safety schools transport"),
    ("Council tax collection", "council tax collection debt residents"),
    ("Flood risk management", "flooding drainage planning resilience"),
    ("Apprenticeships", "apprenticeships employment skills businesses"),
    ("Budget scrutiny", "budget savings finance efficiency"),
    ("Customer contact", "customer contact complaints digital"),
    ("Special educational needs transport", "transport children schools budget"),
    ("Tree planting and green spaces", "parks trees green spaces volunteers"),
    ("Modern slavery", "procurement contracts safeguarding partnership"),
    ("Domestic abuse", "domestic abuse safeguarding police housing"),
    ("Childhood obesity", "public health schools children sport"),
    ("Workforce and agency staff", "staff recruitment agency workforce"),
]
REVIEW_KINDS = [
    (ReviewType.TASK_GROUP, "task group"),
    (ReviewType.TASK_AND_FINISH, "task and finish group"),
    (ReviewType.REVIEW_GROUP, "review group"),
    (ReviewType.CHALLENGE_PANEL, "challenge panel"),
    (ReviewType.IN_DEPTH, "review"),
]
STOPWORDS = {"and", "of", "the", "for", "in", "on", "to", "a", "around", "older"}
REC_OPENINGS = [
    "That the Cabinet",
    "That officers",
    "That the council",
    "That the Cabinet Member",
    "That the Corporate Management Team",
    "That the service",
]
REC_VERBS = [
    "review the arrangements for",
    "develop a strategy for",
    "report back to the panel on",
    "consult residents and partners about",
    "set clear targets for",
    "publish performance information on",
    "work with partners to improve",
    "commission an independent assessment of",
    "bring forward proposals to strengthen",
    "allocate funding to pilot improvements in",
]
REC_TAILS = [
    "within twelve months, reporting progress to the panel every six months",
    "so that residents can see what difference it makes",
    "taking account of the evidence the task group heard from residents",
    "and that the results are shared with ward councillors",
    "including the cost and the savings expected",
    "working with the voluntary sector and health partners",
    "and set out the options in a report to Cabinet",
    "making use of the learning from neighbouring boroughs",
]
ACTION_TAILS = [
    "with partners",
    "and report to the panel",
    "across the council",
    "in two pilot wards",
    "within existing budgets",
    "and publish the results",
]
ACTION_VERBS = [
    "Draft and consult on",
    "Carry out a review of",
    "Set up a working group on",
    "Report to CMT on",
    "Commission a pilot of",
    "Publish quarterly figures on",
    "Agree a protocol with partners on",
    "Train front-line staff on",
    "Procure a new contract for",
    "Update the council's policy on",
]
UPDATE_OPENINGS = [
    "Work has continued on",
    "The working group met twice to discuss",
    "Officers have completed the first phase of",
    "There has been a delay to",
    "Consultation closed on",
    "Funding has been agreed for",
    "A report went to CMT about",
    "Partners have agreed a joint approach to",
    "Recruitment is under way for the post leading",
    "The pilot is now running for",
]
UPDATE_TAILS = [
    "The next milestone is the report to Cabinet in the spring.",
    "Figures for the last quarter show an improvement on the previous year.",
    "The delay was caused by vacancies in the team, which have now been filled.",
    "Residents' feedback has been positive and will shape the next stage.",
    "The budget pressure means the timetable has been reviewed with the Cabinet Member.",
    "A fuller report will come to the panel at its next meeting.",
    "The contract variation was signed last month.",
    "Ward councillors have been briefed on the changes.",
    "The action is complete and the panel is asked to agree it can be closed.",
    "Officers will bring the evaluation to the panel when it is finished.",
]
REJECTION_REASONS = [
    "The Cabinet does not accept this recommendation: the cost could not be met within the "
    "medium-term financial strategy.",
    "Not accepted: the statutory guidance already sets the approach and a local policy would "
    "duplicate it.",
    "The Cabinet considers that the existing partnership board is the right place for this "
    "work and does not agree to a separate group.",
    "Not accepted: the service is being recommissioned and the new contract will cover this.",
]
PARTIAL_REASONS = [
    "Accepted in principle, subject to funding being identified in next year's budget.",
    "Partially accepted: the review of the arrangements will go ahead, but not the "
    "additional post.",
    "Accepted in principle; officers will report on the options before a final decision.",
]
NOTED_REASONS = [
    "Noted and referred to the Health and Wellbeing Board, which leads on this work.",
    "Noted: this is a matter for the police, to whom the recommendation has been passed.",
]
PAUSE_REASON = "Waiting for the new contract to be let."
REVISION_REASONS = [
    "Vacancies in the team delayed the work.",
    "The consultation period was extended at the request of partners.",
    "The timetable now follows the budget-setting cycle.",
    "Waiting for the government's revised guidance.",
    "The contractor asked for more time to mobilise.",
    "Agreed by the Cabinet Member so the pilot can run a full year.",
]
SERVICE_AREAS = [
    "Housing",
    "Adult Social Care",
    "Children, Schools and Families",
    "Environment and Regeneration",
    "Corporate Services",
    "Public Health",
    "Community and Housing",
]
CABINET_PORTFOLIOS = [
    "Leader of the Council",
    "Cabinet Member for Finance",
    "Cabinet Member for Housing",
    "Cabinet Member for Adult Social Care and Health",
    "Cabinet Member for Children and Education",
    "Cabinet Member for the Environment and Transport",
    "Cabinet Member for Community Safety",
    "Cabinet Member for Regeneration",
]


@dataclass
class Council:
    """What was built: the row counts, the time it took, and the accounts to sign in as."""

    counts: dict[str, int] = field(default_factory=dict)
    history_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    councillor_user: User | None = None
    officer_user: User | None = None


def _initials(title: str) -> str:
    words = [w for w in title.replace(",", " ").split() if w.lower() not in STOPWORDS]
    return "".join(w[0].upper() for w in words if w[0].isalpha())[:4] or "R"


class _Builder:
    def __init__(
        self,
        *,
        reviews,
        recommendations_per_review,
        actions_per_recommendation,
        updates_per_recommendation,
        seed,
    ):
        self.rng = random.Random(seed)
        self.n_reviews = reviews
        self.rec_per_review = recommendations_per_review
        self.actions_per_rec = actions_per_recommendation
        self.updates_per_rec = updates_per_recommendation
        self.today = timezone.localdate()
        self.last_day = self.today - DAY  # nothing is written on or after today
        first_year = municipal_year_start(self.today) - (YEARS - 1)
        self.start = datetime.date(first_year, 5, 1)
        self.meetings: dict[int, list[Meeting]] = {}  # committee pk -> meetings by date
        self.meeting_dates: dict[int, list[datetime.date]] = {}

    # -- helpers --

    def on(self, day: datetime.date) -> None:
        _clock.day = min(day, self.last_day)

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def next_meeting(self, committee: Committee, day: datetime.date, *, before=None):
        """The first meeting of ``committee`` on or after ``day`` (and before ``before``)."""
        dates = self.meeting_dates[committee.pk]
        i = bisect.bisect_left(dates, day)
        if i == len(dates):
            return None
        meeting = self.meetings[committee.pk][i]
        if before is not None and meeting.date >= before:
            return None
        return meeting

    def acting(self, officer: Officer | None):
        user = officer.user if officer is not None and officer.user_id else self.clerk
        return acting_as(user)

    # -- people and bodies --

    def build_people(self) -> None:
        rng = self.rng
        groups = {g.name: g for g in Group.objects.all()}

        def account(username, first, last, role):
            user = User(username=username, first_name=first, last_name=last)
            user.set_unusable_password()
            user.save()
            if role in groups:
                user.groups.add(groups[role])
            return user

        self.on(self.start - datetime.timedelta(days=60))
        self.clerk = account("bench-officer", "Democratic", "Services", "Scrutiny officers")
        with acting_as(self.clerk):
            self.councillor_user = account("bench-councillor", "Pat", "Member", "Councillors")
            account("bench-admin", "Ada", "Admin", "Administrators")

            self.officers: list[Officer] = []
            self.scrutiny_officers: list[Officer] = []
            for i in range(4):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                user = account(f"scrutiny{i + 1}", first, last, "Scrutiny officers")
                officer = Officer(
                    name=f"{first} {last}",
                    job_title="Scrutiny Officer" if i else "Head of Democracy Services",
                    department="Democracy Services",
                    email=f"{first}.{last}@council.example".lower(),
                    user=user,
                    created_at=_clock.moment(),
                )
                officer.save()
                self.scrutiny_officers.append(officer)
            partners = []
            for name, kind in PARTNERS:
                partner = PartnerOrganisation(name=name, kind=kind, created_at=_clock.moment())
                partner.save()
                partners.append(partner)
            for i in range(56):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                partner = i >= 50
                user = None
                if i < 20:
                    user = account(f"lead{i + 1}", first, last, "Lead officers")
                officer = Officer(
                    name=f"{first} {last}",
                    job_title=(
                        "Partnership Manager"
                        if partner
                        else OFFICER_TITLES[i % len(OFFICER_TITLES)]
                    ),
                    department="" if partner else OFFICER_DEPARTMENTS[i % len(OFFICER_DEPARTMENTS)],
                    partner=partners[i % len(partners)] if partner else None,
                    email=f"{first}.{last}{i}@council.example".lower(),
                    phone=f"020 8545 {3000 + i}",
                    user=user,
                    created_at=_clock.moment(),
                )
                officer.save()
                self.officers.append(officer)

            self.councillors: list[Councillor] = []
            self.cabinet: list[Councillor] = []
            for i in range(60):
                role = CABINET_PORTFOLIOS[i] if i < len(CABINET_PORTFOLIOS) else ""
                councillor = Councillor(name=self.person(), role=role, created_at=_clock.moment())
                councillor.save()
                (self.cabinet if role else self.councillors).append(councillor)

            scrutiny = [
                ("Overview and Scrutiny Commission", "OSC"),
                ("Children and Young People Overview and Scrutiny Panel", "CYP"),
                ("Healthier Communities and Older People Overview and Scrutiny Panel", "HCOP"),
                ("Sustainable Communities Overview and Scrutiny Panel", "SC"),
                ("Financial Monitoring Task Group", "FMTG"),
            ]
            self.scrutiny = [
                self._committee(name, short, CommitteeKind.SCRUTINY) for name, short in scrutiny
            ]
            self.cabinet_body = self._committee("Cabinet", "Cabinet", CommitteeKind.EXECUTIVE)
            self.cmt = self._committee("Corporate Management Team", "CMT", CommitteeKind.OFFICER)
            self.council_body = self._committee("Council", "Council", CommitteeKind.FULL_COUNCIL)
            self.members = [
                self._committee(p, "", CommitteeKind.EXECUTIVE_MEMBER)
                for p in CABINET_PORTFOLIOS[1:5]
            ]

    def _committee(self, name, short, kind) -> Committee:
        committee = Committee(name=name, short_name=short, kind=kind, created_at=_clock.moment())
        committee.save()
        return committee

    # -- meetings --

    def build_meetings(self) -> None:
        rng = self.rng
        end = self.today + datetime.timedelta(days=200)
        plan = [(c, 11, 2 + i) for i, c in enumerate(self.scrutiny)]  # (body, per year, weekday)
        plan += [(self.cabinet_body, 11, 0), (self.cmt, 12, 1), (self.council_body, 5, 2)]
        for committee, per_year, weekday in plan:
            meetings = []
            month = datetime.date(self.start.year, self.start.month, 1)
            while month < end:
                skip = (per_year == 11 and month.month == 8) or (
                    per_year == 5 and month.month not in (5, 7, 11, 2, 3)
                )
                if not skip:
                    day = month + datetime.timedelta(days=7 + rng.randrange(14))
                    day += datetime.timedelta(days=(weekday % 4 - day.weekday()) % 7)
                    meetings.append(day)
                month = (month + datetime.timedelta(days=32)).replace(day=1)
            built = []
            for day in sorted(set(meetings)):
                self.on(min(day - datetime.timedelta(days=90), self.last_day))
                with acting_as(self.clerk):
                    meeting = Meeting(
                        committee=committee,
                        date=day,
                        location=rng.choice(["Committee Room B", "Council Chamber", "Online"]),
                        created_at=_clock.moment(_clock.day),
                    )
                    meeting.save()
                    if committee.kind in (CommitteeKind.SCRUTINY, CommitteeKind.EXECUTIVE):
                        titles = [
                            "Apologies for absence",
                            "Declarations of interest",
                            "Minutes of the previous meeting",
                            "Recommendations tracker: progress report",
                            "Work programme",
                        ]
                        for n, title in enumerate(titles[: rng.randint(3, 5)], start=1):
                            AgendaItem(
                                meeting=meeting,
                                reference=str(n),
                                title=title,
                                created_at=meeting.created_at,
                            ).save()
                built.append(meeting)
            self.meetings[committee.pk] = built
            self.meeting_dates[committee.pk] = [m.date for m in built]

    # -- reviews --

    def plan_reviews(self) -> list[dict]:
        """Dates and status of every review, in date order; no writes."""
        rng = self.rng
        plans = []
        per_year = [
            self.n_reviews // YEARS + (1 if i < self.n_reviews % YEARS else 0) for i in range(YEARS)
        ]
        for year_index, count in enumerate(per_year):
            year = self.start.year + year_index
            first = datetime.date(year, 5, 15)
            last = min(datetime.date(year + 1, 1, 31), self.today - datetime.timedelta(days=30))
            for _ in range(count):
                scope = first + datetime.timedelta(days=rng.randrange(max(1, (last - first).days)))
                committee = rng.choice(self.scrutiny)
                topic, words = rng.choice(TOPICS)
                review_type, kind = rng.choice(REVIEW_KINDS)
                p = {
                    "title": f"{topic} {kind}",
                    "words": words,
                    "type": review_type,
                    "committee": committee,
                    "scope": scope,
                    "agreed": None,
                    "received": None,
                    "response": None,
                    "extended": None,
                }
                agreed = self.next_meeting(
                    committee,
                    scope + datetime.timedelta(days=rng.randint(120, 240)),
                    before=self.today,
                )
                if agreed is not None:
                    p["agreed"] = agreed
                    received = self.next_meeting(
                        self.cabinet_body,
                        agreed.date + datetime.timedelta(days=14),
                        before=self.today,
                    )
                    if received is not None:
                        p["received"] = received
                        deadline = response_deadline(received.date)
                        wait = rng.choice([30, 35, 40, 45, 50, 55, 75])
                        response = self.next_meeting(
                            self.cabinet_body,
                            received.date + datetime.timedelta(days=wait),
                            before=self.today,
                        )
                        recent = (self.today - received.date).days < 150
                        if response is not None and recent and rng.random() < 0.3:
                            response = None  # still waiting: due, or overdue
                        late = (response is not None and response.date > deadline) or (
                            response is None and rng.random() < 0.3
                        )
                        if late and rng.random() < 0.3:
                            p["extended"] = deadline + datetime.timedelta(
                                days=rng.choice([28, 42, 56])
                            )
                        p["response"] = response
                plans.append(p)
        plans.sort(key=lambda p: p["scope"])
        # Reference prefixes: unique within the municipal year that makes the references.
        used = set()
        for p in plans:
            year = municipal_year(p["agreed"].date if p["agreed"] else p["scope"])
            base = _initials(p["title"])
            prefix, n = base, 1
            while (year, prefix) in used:
                n += 1
                prefix = f"{base}{n}"
            used.add((year, prefix))
            p["prefix"] = prefix
        return plans

    def build(self) -> None:
        self.build_people()
        self.build_meetings()
        plans = self.plan_reviews()
        rng = self.rng

        # How many recommendations each review has: about the mean, exactly the total.
        with_recs = [
            p for p in plans if p["agreed"] is not None or (self.today - p["scope"]).days > 150
        ]
        total = self.n_reviews * self.rec_per_review
        low = min(3, self.rec_per_review)
        counts = [max(low, min(20, round(rng.gauss(self.rec_per_review, 3)))) for _ in with_recs]
        diff = total - sum(counts)
        while diff and with_recs:
            i = rng.randrange(len(counts))
            if diff > 0 and counts[i] < 25:
                counts[i] += 1
                diff -= 1
            elif diff < 0 and counts[i] > low:
                counts[i] -= 1
                diff += 1
        for p, n in zip(with_recs, counts, strict=True):
            p["n_recs"] = n

        self.reviews = []
        for p in plans:
            review = self.build_review(p)
            p["review"] = review
            p["recs"] = [
                self.build_recommendation(p, number) for number in range(1, p.get("n_recs", 0) + 1)
            ]

        # Actions: one at least for each recommendation the executive agreed to act on.
        acting_recs = [
            (p, rec)
            for p in plans
            for rec in p["recs"]
            if rec.decision in Decision.needing_action()
        ]
        total_actions = self.n_reviews * self.rec_per_review * self.actions_per_rec
        action_counts = [1] * len(acting_recs)
        for i in (
            rng.randrange(len(acting_recs)) for _ in range(max(0, total_actions - len(acting_recs)))
        ):
            action_counts[i] += 1

        # Updates: spread over the recommendations being monitored, more for the longer ones.
        spans = []
        for _p, rec in acting_recs:
            start = rec.response_date + datetime.timedelta(days=21)
            end = min(
                self.last_day, rec.response_date + datetime.timedelta(days=rng.randint(365, 1100))
            )
            spans.append((start, end))
        weights = [max(0, (end - start).days) for start, end in spans]
        update_counts = [0] * len(acting_recs)
        if sum(weights):
            total_updates = self.n_reviews * self.rec_per_review * self.updates_per_rec
            for i in rng.choices(range(len(acting_recs)), weights=weights, k=total_updates):
                update_counts[i] += 1

        by_review: dict[int, list] = {}
        for (p, rec), n_actions, n_updates, span in zip(
            acting_recs, action_counts, update_counts, spans, strict=True
        ):
            ended = self.monitor(p, rec, n_actions, n_updates, span)
            by_review.setdefault(p["review"].pk, []).append(ended)
        for p in plans:
            self.finish_review(p, by_review.get(p["review"].pk, []))

    def build_review(self, p) -> Review:
        rng = self.rng
        officer = rng.choice(self.scrutiny_officers)
        words = p["words"].split()
        review = Review(
            title=p["title"],
            review_type=p["type"],
            commissioning_committee=p["committee"],
            scrutiny_officer=officer,
            reference_prefix=p["prefix"],
            scope=(
                f"The {p['title'].lower()} looked at {words[0]} and {words[1]} in the borough: "
                f"what the council and its partners do now, what residents told us, and what "
                f"could change.\nIt heard evidence from officers, partners and residents."
            ),
            objectives=(
                f"To understand the council's approach to {words[-1]}.\n"
                f"To compare it with other boroughs.\nTo make practical recommendations."
            ),
            status=ReviewStatus.SCOPING,
            scope_agreed_on=p["scope"],
        )
        with self.acting(officer):
            self.on(p["scope"])
            review.created_at = _clock.moment(_clock.day)
            review.save(reason="Scope agreed")
            for i, councillor in enumerate(rng.sample(self.councillors, rng.randint(4, 7))):
                role = [MemberRole.CHAIR, MemberRole.VICE_CHAIR][i] if i < 2 else MemberRole.MEMBER
                ReviewMember(
                    review=review,
                    councillor=councillor,
                    role=role,
                    created_at=_clock.moment(_clock.day),
                ).save()
            evidence = p["scope"] + datetime.timedelta(days=30)
            if evidence < self.today:
                self.on(evidence)
                review.status = ReviewStatus.EVIDENCE_GATHERING
                review.save()
            if p["agreed"] is None:
                if p.get("n_recs") is not None:
                    self.on(p["scope"] + datetime.timedelta(days=120))
                    review.status = ReviewStatus.REPORTING
                    review.save(reason="Drafting the report")
                return review
            self.on(p["agreed"].date)
            review.report_agreed_meeting = p["agreed"]
            review.status = ReviewStatus.REPORTING
            review.save(reason="Report agreed by the committee")
            if p["received"] is None:
                return review
            self.on(p["received"].date)
            review.report_received_meeting = p["received"]
            review.status = ReviewStatus.AWAITING_RESPONSE
            review.save(reason="Report received by Cabinet")
            if p["extended"]:
                review.extended_deadline = p["extended"]
                review.extension_reason = (
                    "The committee agreed more time so the response can follow the budget "
                    "decisions."
                )
                review.save(reason="Deadline extended")
            if p["response"] is not None:
                self.on(p["response"].date)
                review.response_meeting = p["response"]
                review.status = ReviewStatus.MONITORING
                review.save(reason="Executive response given")
        return review

    def build_recommendation(self, p, number: int) -> Recommendation:
        rng = self.rng
        review = p["review"]
        word = rng.choice(p["words"].split())
        officer = rng.choice(self.officers)
        body = rng.choices(
            [self.cabinet_body, self.cmt, rng.choice(self.members)], weights=[6, 3, 2]
        )[0]
        rec = Recommendation(
            review=review,
            number=number,
            text=(
                f"{rng.choice(REC_OPENINGS)} {rng.choice(REC_VERBS)} {word} "
                f"{rng.choice(REC_TAILS)}."
            ),
            paragraph_reference=f"paragraph {number * 3 + rng.randint(0, 2)}",
            responsible_body=body,
            responsible_body_note="delegated to CMT" if rng.random() < 0.05 else "",
            lead_officer=officer,
            lead_member=rng.choice(self.cabinet),
            service_area=rng.choice(SERVICE_AREAS),
        )
        created = p["agreed"].date if p["agreed"] else p["scope"] + datetime.timedelta(days=120)
        with self.acting(review.scrutiny_officer):
            self.on(created)
            rec.created_at = _clock.moment(_clock.day)
            rec.save()
            if p["response"] is not None:
                self.on(p["response"].date)
                roll = rng.random()
                if roll < 0.72:
                    rec.decision = Decision.ACCEPTED
                    rec.response_text = (
                        "Agreed. The action plan sets out how." if rng.random() < 0.4 else ""
                    )
                elif roll < 0.86:
                    rec.decision = rng.choice(
                        [Decision.ACCEPTED_IN_PRINCIPLE, Decision.PARTIALLY_ACCEPTED]
                    )
                    rec.response_text = rng.choice(PARTIAL_REASONS)
                elif roll < 0.95:
                    rec.decision = Decision.REJECTED
                    rec.response_text = rng.choice(REJECTION_REASONS)
                else:
                    rec.decision = Decision.NOTED
                    rec.response_text = rng.choice(NOTED_REASONS)
                rec.response_meeting = p["response"]
                rec.response_date = p["response"].date
                rec.save(reason=f"Executive response: {rec.get_decision_display()}")
        return rec

    def monitor(self, p, rec, n_actions, n_updates, span) -> datetime.date | None:
        """The action plan and its life: updates, status changes, revised targets, closure.
        Returns the day monitoring ended (the closure, or the last day of a finished plan), or
        None while the recommendation is still being monitored."""
        rng = self.rng
        review = p["review"]
        start, end = span
        words = p["words"].split()
        actions = []
        with self.acting(rec.lead_officer):
            self.on(rec.response_date)
            for number in range(1, n_actions + 1):
                target = rec.response_date + datetime.timedelta(days=rng.randint(60, 540))
                timeline = rng.choice(
                    [
                        f"{target:%B %Y}",
                        f"By {target:%B %Y}",
                        "Ongoing",
                        f"Q{(target.month - 1) // 3 + 1} {target.year}",
                    ]
                )
                owner = rec.lead_officer if rng.random() < 0.6 else rng.choice(self.officers)
                action = ActionPlanItem(
                    recommendation=rec,
                    number=number,
                    action=(
                        f"{rng.choice(ACTION_VERBS)} {rng.choice(words)} "
                        f"{rng.choice(ACTION_TAILS)}."
                    ),
                    timeline=timeline,
                    target_date=None if timeline == "Ongoing" and rng.random() < 0.5 else target,
                    owner=owner,
                    created_at=_clock.moment(_clock.day),
                )
                # A new action is "not started": the recommendation's status cannot change.
                action.save(update_recommendation=False)
                actions.append(action)

        # Each action's story: its updates and the status each reports.
        finished = end < self.last_day
        events = []  # (day, order, kind, payload)
        if n_updates:
            days = sorted(
                start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
                for _ in range(n_updates)
            )
        else:
            days = []
        per_action = {a.pk: [] for a in actions}
        for day in days:
            action = rng.choice(actions) if rng.random() < 0.85 else None
            if action is not None:
                per_action[action.pk].append(day)
            events.append([day, 1, "update", action, ""])
        finals = {}
        for action in actions:
            if finished:
                final = (
                    ProgressStatus.ACHIEVED
                    if rng.random() < 0.88
                    else rng.choice([ProgressStatus.OFF_TRACK, ProgressStatus.PAUSED])
                )
            else:
                elapsed = (self.today - rec.response_date).days
                if rng.random() < min(0.6, elapsed / 900):
                    final = ProgressStatus.ACHIEVED
                else:
                    final = rng.choices(
                        [
                            ProgressStatus.ON_TRACK,
                            ProgressStatus.OFF_TRACK,
                            ProgressStatus.PAUSED,
                            ProgressStatus.NOT_STARTED,
                        ],
                        weights=[55, 25, 5, 15],
                    )[0]
            finals[action.pk] = final
        statuses = {}
        for action in actions:
            story = []
            for i in range(len(per_action[action.pk])):
                if i == len(per_action[action.pk]) - 1:
                    story.append(finals[action.pk])
                elif i == 0 and rng.random() < 0.2:
                    story.append(ProgressStatus.NOT_STARTED)
                else:
                    story.append(
                        rng.choices(
                            [
                                ProgressStatus.ON_TRACK,
                                ProgressStatus.OFF_TRACK,
                                ProgressStatus.PAUSED,
                            ],
                            weights=[75, 20, 5],
                        )[0]
                    )
            statuses[action.pk] = iter(story)
        for event in events:
            if event[3] is not None:
                event[4] = next(statuses[event[3].pk])
        # Target revisions, made shortly before the target date passed.
        for action in actions:
            if action.target_date is None or rng.random() > 0.15:
                continue
            target = action.target_date
            for _ in range(2 if rng.random() < 0.2 else 1):
                day = target - datetime.timedelta(days=rng.randint(0, 30))
                day = max(day, rec.response_date + DAY)
                if day >= self.last_day:
                    break
                new = target + datetime.timedelta(days=rng.randint(60, 240))
                events.append([day, 0, "revision", action, new])
                target = new
        events.sort(key=lambda e: (e[0], e[1]))

        for day, _order, kind, action, value in events:
            self.on(day)
            if kind == "revision":
                if value == action.target_date:
                    continue
                action_revise_target_date(
                    action=action,
                    new_date=value,
                    reason=rng.choice(REVISION_REASONS),
                    user=(
                        action.owner.user if action.owner and action.owner.user_id else self.clerk
                    ),
                )
                continue
            author = action.owner if action is not None and rng.random() < 0.8 else rec.lead_officer
            with self.acting(author):
                what = (
                    action.action.rstrip(".").lower() if action is not None else rng.choice(words)
                )
                update = Update(
                    recommendation=rec,
                    action=action,
                    date=day,
                    text=(
                        f"{rng.choice(UPDATE_OPENINGS)} {what}. "
                        + " ".join(rng.sample(UPDATE_TAILS, 2))
                    ),
                    author=author,
                    entered_by=author.user if author is not None and author.user_id else self.clerk,
                    reported_status=value,
                    status_reason=PAUSE_REASON if value == ProgressStatus.PAUSED else "",
                    reported_to=self.next_meeting(review.commissioning_committee, day),
                    created_at=_clock.moment(_clock.day),
                )
                update.save()
                if action is not None and value and action.status != value:
                    action.status = value
                    # The council's key asks why a status such as Paused is given.
                    action.status_reason = update.status_reason
                    action.save(
                        reason=f"Status reported in the update of {day:%d/%m/%Y}",
                        update_recommendation=False,
                    )
                    # Recommendation.refresh_status, without reading the actions back.
                    status = rec.derive_status([a.status for a in actions])
                    if status != rec.status:
                        rec.save(reason=f"Status derived from its actions: {status}")

        # Closure by the committee, once every action is achieved and reported.
        if rec.status == RecommendationStatus.ACHIEVED and finished:
            last = days[-1] if days else rec.response_date
            meeting = self.next_meeting(
                review.commissioning_committee, last + DAY, before=self.today
            )
            if meeting is not None and rng.random() < 0.8:
                self.close(rec, meeting)
                return meeting.date
        return end if finished else None

    def close(self, rec, meeting) -> None:
        with self.acting(rec.review.scrutiny_officer):
            self.on(meeting.date)
            rec.closed_at_meeting = meeting
            rec.closed_on = meeting.date
            rec.closure_minute_reference = f"Minute {self.rng.randint(10, 120)}"
            rec.save(reason=f"Closed at {meeting}, {minute_text(rec.closure_minute_reference)}")

    def finish_review(self, p, ended: list) -> None:
        """Close a review three years after its response once monitoring of every
        recommendation has ended: the committee closes what is still open at the meeting after
        the last of them."""
        review = p["review"]
        if not p["recs"] or p["response"] is None or not ended or None in ended:
            return
        if (self.today - p["response"].date).days < 3 * 365:
            return
        meeting = self.next_meeting(
            review.commissioning_committee, max(ended) + DAY, before=self.today
        )
        if meeting is None:
            return
        for rec in p["recs"]:
            if rec.closed_at_meeting_id is None:
                self.close(rec, meeting)
        with self.acting(review.scrutiny_officer):
            self.on(meeting.date)
            review.status = ReviewStatus.CLOSED
            review.save(reason="Monitoring ended: every recommendation closed")


AUDITED = [
    Committee,
    Meeting,
    AgendaItem,
    PartnerOrganisation,
    Officer,
    Councillor,
    Review,
    ReviewMember,
    Recommendation,
    ActionPlanItem,
    TargetDateRevision,
    Update,
]


def _stamp_from_history(model) -> None:
    """created_at / updated_at of the live rows from their first and last history rows."""
    rows = model.history.filter(id=OuterRef("pk"))
    model.objects.update(
        created_at=Subquery(rows.order_by("history_date", "history_id").values("history_date")[:1]),
        updated_at=Subquery(
            rows.order_by("-history_date", "-history_id").values("history_date")[:1]
        ),
    )


def build_council(
    *,
    reviews: int = 200,
    recommendations_per_review: int = 10,
    actions_per_recommendation: int = 3,
    updates_per_recommendation: int = 10,
    seed: int = 1,
) -> Council:
    """Build the council in one transaction (the database should be empty); see the module
    docstring. Returns the row counts, history row counts and build time."""
    started = time.perf_counter()
    builder = _Builder(
        reviews=reviews,
        recommendations_per_review=recommendations_per_review,
        actions_per_recommendation=actions_per_recommendation,
        updates_per_recommendation=updates_per_recommendation,
        seed=seed,
    )
    pre_create_historical_record.connect(_date_history_row, dispatch_uid="bench-council-clock")
    try:
        with transaction.atomic():
            builder.build()
            _clock.day = None
            for model in AUDITED:
                _stamp_from_history(model)
    finally:
        _clock.day = None
        _clock.ticks.clear()
        pre_create_historical_record.disconnect(dispatch_uid="bench-council-clock")
    council = Council(
        seconds=time.perf_counter() - started,
        councillor_user=builder.councillor_user,
        officer_user=builder.clerk,
    )
    council.counts, council.history_counts = count_rows()
    return council


def count_rows() -> tuple[dict[str, int], dict[str, int]]:
    """Rows and history rows of each audited model (and the users), by plural name."""
    counts, history_counts = {}, {}
    for model in AUDITED:
        counts[model._meta.verbose_name_plural] = model.objects.count()
        history_counts[model._meta.verbose_name_plural] = model.history.count()
    counts["users"] = User.objects.count()
    return counts, history_counts
