"""Forms of the update round: opening it, the officer's choices, and the owner's reply."""

from django import forms

from recommendations.forms import REASON_HELP, _reason_field, _status_choices, _text_limit
from recommendations.models import Recommendation
from reviews.models import Officer
from scrutiny.forms import REASON_LIMIT, GovukDateField, guard_choice_fields, limit_text
from scrutiny.govuk import GovukForm

TEXT_LIMIT = 10000


def _text(
    label: str, *, required: bool = False, rows: int = 4, help_text: str = "", limit=TEXT_LIMIT
):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        validators=[_text_limit(limit)],
    )


class RoundForm(GovukForm):
    """The deadline for returns and the covering message of a round."""

    deadline = GovukDateField(
        label="Deadline for returns",
        help_text="Set from the committee's number of working days before the meeting (bank "
        "holidays not counted). You can change it.",
    )
    covering_text = _text(
        "Covering message",
        help_text="Optional. It appears in every email, above the owner's list of items.",
    )


class AddItemForm(GovukForm):
    """A recommendation (or one of its actions) to add to a round, and whom to ask."""

    recommendation = forms.ModelChoiceField(
        label="Recommendation", queryset=Recommendation.objects.none()
    )
    action_number = forms.IntegerField(
        label="Action number (optional)",
        required=False,
        min_value=1,
        max_value=999,
        help_text="Leave blank to ask about the recommendation as a whole.",
    )
    owner = forms.ModelChoiceField(label="Who to ask", queryset=Officer.objects.none())

    def __init__(self, *args, recommendations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].queryset = recommendations
        self.fields["recommendation"].label_from_instance = lambda r: (
            f"{r.reference or r.number}: {r.text[:80]}"
        )
        self.fields["owner"].queryset = Officer.objects.order_by("name", "pk")
        guard_choice_fields(self)


class ReplyItemForm(GovukForm):
    """An owner's reply on one item (one per item on the page, each with its prefix)."""

    text = _text("Progress update", rows=5)
    reported_status = forms.ChoiceField(label="Status", required=False)
    status_reason = _reason_field(REASON_HELP)
    proposed_target_date = GovukDateField(
        label="Proposed new target date (if the date will slip)", required=False
    )
    proposed_date_reason = _text("Why the target date has to move", rows=2, limit=REASON_LIMIT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, has_action: bool, keep: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        _status_choices(self, "reported_status", label="Status", blank="Not stated", keep=keep)
        self.fields["reported_status"].help_text = "From the council's status key."
        if not has_action:
            del self.fields["proposed_target_date"]
            del self.fields["proposed_date_reason"]


class ForwardForm(GovukForm):
    """Forward a request to a colleague."""

    name = forms.CharField(label="Colleague's name", max_length=200)
    email = forms.EmailField(label="Colleague's email address", max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text(self.fields["name"], 200)


class ReviewReturnForm(GovukForm):
    """The officer's decision on a submitted return: accept, accept with edits, send back."""

    decision = forms.ChoiceField(
        label="What do you want to do?",
        widget=forms.RadioSelect,
        choices=[
            ("accept", "Accept it as written"),
            ("edit", "Edit it, then accept"),
            ("send_back", "Send it back to the owner"),
        ],
    )
    text = _text("Progress update (edited)", rows=5)
    reported_status = forms.ChoiceField(label="Status", required=False)
    status_reason = _reason_field(REASON_HELP)
    proposed_target_date = GovukDateField(label="New target date", required=False)
    proposed_date_reason = _text("Why the target date has to move", rows=2, limit=REASON_LIMIT)
    edit_reason = _text(
        "Reason for the edit",
        rows=2,
        limit=REASON_LIMIT,
        help_text=("Required when you edit: kept in the history beside the owner's words."),
    )
    returned_comment = _text(
        "Comment for the owner",
        rows=3,
        limit=REASON_LIMIT,
        help_text="Required when you send it back: the owner is emailed with it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, keep: str = "", has_action: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        _status_choices(self, "reported_status", label="Status", blank="Not stated", keep=keep)
        if not has_action:
            del self.fields["proposed_target_date"]
            del self.fields["proposed_date_reason"]

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == "edit":
            if not (cleaned.get("edit_reason") or "").strip():
                self.add_error("edit_reason", "Give the reason for the edit.")
            if not (cleaned.get("text") or "").strip():
                self.add_error("text", "Write the progress update.")
        if decision == "send_back" and not (cleaned.get("returned_comment") or "").strip():
            self.add_error("returned_comment", "Say what the owner should change.")
        return cleaned
