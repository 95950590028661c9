"""The forms for committees, meetings and reviews."""

from django import forms

from scrutiny.formats import british_date
from scrutiny.forms import AuditedForm, offer_only
from scrutiny.govuk import GovukForm

from . import calendar, meeting_rules
from .models import (
    AgendaItem,
    Committee,
    Councillor,
    Meeting,
    MemberRole,
    Officer,
    PartnerOrganisation,
    Review,
)


class CommitteeForm(AuditedForm):
    """A committee or body, and for a scrutiny committee the settings of its update round
    (counted in working days: weekdays less the bank holidays of England and Wales)."""

    class Meta:
        model = Committee
        fields = [
            "name",
            "short_name",
            "kind",
            "returns_deadline_working_days",
            "reminder_working_days",
            "round_opens_working_days",
        ]


class MeetingForm(AuditedForm):
    date_fields = ("date",)

    class Meta:
        model = Meeting
        fields = ["committee", "date", "start_time", "location"]
        error_messages = {
            "start_time": {"invalid": "Enter the start time on the 24-hour clock, like 19:15."}
        }


class AgendaItemForm(AuditedForm):
    """An item on a meeting's agenda; the meeting is the page's."""

    always_validate = ("meeting",)

    class Meta:
        model = AgendaItem
        fields = ["reference", "title"]
        labels = {"reference": "Agenda item number", "title": "Title"}


class OfficerForm(AuditedForm):
    """A council officer, or a partner organisation's contact. Whether they sign in (their
    account) is an administrator's to set."""

    class Meta:
        model = Officer
        fields = ["name", "job_title", "department", "partner", "email", "phone"]
        labels = {"partner": "Partner organisation (for a partner's contact)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        partner = self.fields["partner"]
        partner.queryset = PartnerOrganisation.objects.all()
        partner.empty_label = "None: one of the council's own officers"


class PartnerOrganisationForm(AuditedForm):
    class Meta:
        model = PartnerOrganisation
        fields = ["name", "kind", "description"]
        labels = {"kind": "Kind of organisation"}
        error_messages = {
            "name": {"unique": "There is already a partner organisation with this name."}
        }


class CouncillorForm(AuditedForm):
    class Meta:
        model = Councillor
        fields = ["name", "role", "party", "ward", "committees"]
        widgets = {"committees": forms.CheckboxSelectMultiple}
        help_texts = {
            "committees": "A councillor's dashboard shows what changed since these committees "
            "last met. Their user account is linked by an administrator."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committees"].queryset = Committee.objects.all()


class ReviewForm(AuditedForm):
    date_fields = ("scope_agreed_on", "report_agreed_on")
    # The receipt is not on this form: a report date after it is shown on the date.
    error_field_map = {"report_received_on": "report_agreed_on"}
    members = forms.ModelMultipleChoiceField(
        queryset=Councillor.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Members",
    )
    chair = forms.ModelChoiceField(
        queryset=Councillor.objects.all(), required=False, label="Chair", empty_label="No chair"
    )

    class Meta:
        model = Review
        fields = [
            "title",
            "review_type",
            "commissioning_committee",
            "monitoring_committees",
            "scrutiny_officer",
            "contact_officer",
            "status",
            "status_held",
            "municipal_year",
            "reference_prefix",
            "scope",
            "objectives",
            "scope_agreed_on",
            "report_agreed_meeting",
            "report_agreed_on",
        ]
        widgets = {"monitoring_committees": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scrutiny_officer"].queryset = Officer.objects.all()
        self.fields["contact_officer"].queryset = Officer.objects.all()
        self.fields["monitoring_committees"].queryset = Committee.objects.all()
        self.fields["report_agreed_meeting"].queryset = Meeting.objects.select_related("committee")
        if self.instance.pk:
            places = list(self.instance.members.all())
            self.fields["members"].initial = [p.councillor_id for p in places]
            chairs = [p.councillor_id for p in places if p.role == MemberRole.CHAIR]
            self.fields["chair"].initial = chairs[0] if chairs else None


class ReceiptForm(AuditedForm):
    """The executive received the report at a meeting."""

    error_field_map = {"report_received_on": "report_received_meeting"}

    def clean(self):
        cleaned = super().clean()
        meeting = cleaned.get("report_received_meeting")
        if meeting is not None:
            # The date follows the meeting; set it now so the model's rules check it.
            self.instance.report_received_on = meeting.date
        return cleaned

    class Meta:
        model = Review
        fields = ["report_received_meeting"]
        labels = {"report_received_meeting": "Meeting at which the executive received the report"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["report_received_meeting"]
        field.required = True
        # Any meeting is looked up, so one that does not fit is refused by the rule, in words.
        field.queryset = Meeting.objects.select_related("committee")
        offer_only(field, meeting_rules.receipt_meetings(self.instance))
        agreed = self.instance.report_agreed_on
        field.help_text = f"Meetings of {meeting_rules.EXECUTIVE_BODIES}" + (
            f" held on or after {british_date(agreed)}, the day the report was agreed."
            if agreed
            else "."
        )


class ExtensionForm(AuditedForm):
    """A longer response deadline agreed by the committee, with its reason."""

    date_fields = ("extended_deadline",)

    class Meta:
        model = Review
        fields = ["extended_deadline", "extension_reason"]
        labels = {
            "extended_deadline": "New response deadline",
            "extension_reason": "Reason the committee gave",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["extended_deadline"].required = True
        self.fields["extension_reason"].required = True


class CommitteeFeedForm(CommitteeForm):
    """The committee form as an administrator sees it: with the address of the committee's
    calendar feed, which the server fetches (so only an administrator sets it)."""

    calendar_feed_url = forms.URLField(
        label=Committee._meta.get_field("calendar_feed_url").verbose_name.capitalize(),
        help_text=Committee._meta.get_field("calendar_feed_url").help_text,
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter an address starting with https:// or http://."},
    )

    class Meta(CommitteeForm.Meta):
        fields = [*CommitteeForm.Meta.fields, "calendar_feed_url"]


class CalendarUploadForm(GovukForm):
    """An ``.ics`` file saved from the council's committee management system. Reading it is
    part of validating it: ``cleaned_data["calendar"]`` is what ``read_calendar`` gave."""

    step = forms.CharField(widget=forms.HiddenInput, initial="upload")
    file = forms.FileField(
        label="Calendar file (.ics)",
        help_text="Save the committee's calendar from the committee management system (in "
        "Modern.gov, the calendar's iCalendar or Outlook link) and choose it here.",
        error_messages={
            "required": "Choose the calendar file to read.",
            "empty": "The file is empty.",
            "invalid": "Choose the calendar file to read.",
        },
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > calendar.max_bytes():
            self.add_error("file", calendar.read_error_too_large())
            return cleaned
        try:
            cleaned["calendar"] = calendar.read_calendar(upload.read())
        except calendar.CalendarError as problem:
            self.add_error("file", str(problem))
        return cleaned


class CalendarConfirmForm(GovukForm):
    """The changes a calendar asks for, each a checkbox; ``plan`` carries what was read
    (signed: ``calendar.sign_plan``). New, moved and linked meetings come ticked; removing a
    cancelled meeting must be ticked by the officer."""

    SECTIONS = (
        (calendar.NEW, "New meetings"),
        (calendar.MOVED, "Moved or changed meetings"),
        (calendar.LINKED, "Meetings already recorded, to be linked to the calendar"),
        (calendar.CANCEL, "Cancelled in the calendar: remove the meeting"),
    )

    step = forms.CharField(widget=forms.HiddenInput, initial="confirm")
    plan = forms.CharField(widget=forms.HiddenInput)
    fields_gone_message = (
        "A change you ticked is no longer offered: the meetings changed since the page was "
        "shown. Check the changes below and save again."
    )

    def __init__(self, *args, plan: "calendar.Plan", **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        for kind, label in self.SECTIONS:
            changes = plan.of(kind)
            if not changes:
                continue
            self.fields[kind] = forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=[(c.key, c.description()) for c in changes],
                widget=forms.CheckboxSelectMultiple,
                initial=[] if kind == calendar.CANCEL else [c.key for c in changes],
                error_messages={"invalid_choice": self.fields_gone_message},
            )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        sent = self.data.getlist if hasattr(self.data, "getlist") else self.data.get
        gone = [k for k, _ in self.SECTIONS if k not in self.fields and sent(k)]
        if gone:  # ticked on the page, but the meetings have changed since
            raise forms.ValidationError(self.fields_gone_message)
        ticked = {key for kind, _ in self.SECTIONS for key in cleaned.get(kind, [])}
        if not ticked:
            raise forms.ValidationError("Tick the changes to save, or cancel.")
        cleaned["changes"] = [c for c in self.plan.changes if c.key in ticked]
        return cleaned
