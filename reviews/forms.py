"""The forms for committees, meetings and reviews."""

from django import forms

from scrutiny.formats import british_date
from scrutiny.forms import AuditedForm, offer_only

from . import meeting_rules
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
        fields = ["committee", "date", "location"]


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
