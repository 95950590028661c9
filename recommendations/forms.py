"""Forms officers use to keep the register: recommendations (typed or pasted), executive
responses, the action plan, updates and closure."""

from django import forms
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.utils import timezone

from reviews import meeting_rules
from reviews.models import Meeting, Officer, Review
from scrutiny.formats import british_date
from scrutiny.forms import (
    TEXT_LIMIT,
    AuditedForm,
    GovukDateField,
    guard_choice_fields,
    offer_only,
)
from scrutiny.govuk import GovukForm

from .models import ActionPlanItem, Recommendation, ReferenceScheme, status_key
from .paste import MAX_PASTE_CHARS
from .statuses import Decision


def _text_limit(limit: int) -> MaxLengthValidator:
    return MaxLengthValidator(limit, message=f"Keep this to {limit:,} characters or fewer.")


def _at_least_one(field) -> None:
    """Numbers in the register start at 1 (setting ``min_value`` after the field is built
    would add no validator)."""
    field.min_value = 1
    field.widget.attrs["min"] = 1
    field.validators.append(MinValueValidator(1, message="The number must be 1 or more."))


def _status_choices(form, name: str, *, label: str, blank: str | None, keep: str = "") -> None:
    """Make ``name`` a choice of the progress statuses of the council's key, in words (the
    status the record has stays offered even if the key no longer offers it); a status that
    is not one is refused by the field, in words."""
    old = form.fields.get(name)
    choices = status_key().choices(progress_only=True, keep=keep)
    form.fields[name] = forms.ChoiceField(
        label=label,
        required=blank is None,
        choices=([("", blank)] if blank is not None else []) + choices,
        help_text=old.help_text if old is not None else "",
        error_messages={"invalid_choice": "Choose a status from the list."},
    )


def _reason_field(help_text: str) -> forms.CharField:
    return forms.CharField(
        label="Reason for this status",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[_text_limit(TEXT_LIMIT)],
        help_text=help_text,
    )


REASON_HELP = "Required for a status the council's key asks a reason for, such as Paused."


def _any_meeting():
    """Where a meeting field looks a submitted id up: every meeting, so that one which does not
    fit is refused by its rule (``reviews.meeting_rules``) in words. What the field offers is
    set with ``offer_only``."""
    return Meeting.objects.select_related("committee")


class RecommendationForm(AuditedForm):
    """Add or edit one recommendation. A blank reference means "generate it"."""

    always_validate = ("review", "reference")
    error_field_map = {"reference": "reference_typed"}

    reference_typed = forms.CharField(
        label="Reference",
        required=False,
        max_length=40,
        help_text="Leave blank to generate it from the municipal year, such as 2016/17 R3.",
    )

    class Meta:
        model = Recommendation
        fields = [
            "number",
            "text",
            "paragraph_reference",
            "responsible_body",
            "responsible_body_note",
            "lead_officer",
            "lead_member",
            "service_area",
            "status_set_by_officer",
            "status_reason",
        ]
        labels = {
            "text": "Recommendation",
            "status_set_by_officer": "Status (held by an officer)",
            "status_reason": "Reason for the status held",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _status_choices(
            self,
            "status_set_by_officer",
            label="Status (held by an officer)",
            blank="Not held: derived from the record",
            keep=self.instance.status_set_by_officer,
        )
        self.fields["status_reason"].help_text = REASON_HELP
        self.fields["text"].widget.attrs["rows"] = 6
        _at_least_one(self.fields["number"])
        if self.instance.pk and not self.instance.reference_is_generated:
            self.fields["reference_typed"].initial = self.instance.reference
        self.fields["reference_typed"].help_text = _reference_hint(self.instance)
        self.order_fields(["number", "reference_typed"])

    def _post_clean(self):
        reference = (self.cleaned_data or {}).get("reference_typed", "")
        if hasattr(self.instance, "review_id") and self.instance.review_id:
            self.instance.set_reference(reference or "")
        super()._post_clean()


def _reference_hint(recommendation: Recommendation) -> str:
    """What a blank reference gives: the generated reference it has, or the scheme's."""
    if recommendation.pk and recommendation.reference_is_generated and recommendation.reference:
        return (
            "Leave blank for the reference the council's scheme gives: now "
            f"{recommendation.reference}."
        )
    scheme = ReferenceScheme.current()
    if scheme.through_year:
        return (
            "Leave blank to give it the next number of the municipal year, such as "
            f"{scheme.example()}."
        )
    return "Leave blank to generate it from the municipal year, such as 2016/17 R3."


class PasteForm(GovukForm):
    """Step 1 of pasting: the list as it stands in the report."""

    text = forms.CharField(
        label="Paste the recommendations from the report",
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Numbered lists, “Recommendation 1 (paragraph 14)” headings and tables copied "
        "from Word all work. You will see what was understood before anything is saved.",
        validators=[
            MaxLengthValidator(
                MAX_PASTE_CHARS, message=f"Paste at most {MAX_PASTE_CHARS:,} characters."
            )
        ],
    )


class PreviewItemForm(GovukForm):
    """Step 2: one recommendation as understood, for the officer to correct."""

    include = forms.BooleanField(label="Add this recommendation", required=False, initial=True)
    number = forms.IntegerField(label="Number", min_value=1, max_value=999)
    text = forms.CharField(
        label="Recommendation",
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[_text_limit(TEXT_LIMIT)],
    )
    paragraph_reference = forms.CharField(
        label="Paragraph reference", required=False, max_length=50, validators=[_text_limit(50)]
    )
    responsible_body = forms.TypedChoiceField(
        label="Responsible body", required=False, choices=[], empty_value=None
    )
    reference = forms.CharField(
        label="Reference",
        required=False,
        max_length=40,
        validators=[_text_limit(40)],
        help_text="Leave blank to give it the reference the council's scheme gives.",
    )

    def __init__(self, *args, committees=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The committees are read once for the whole preview, not once per item.
        self.committees = {str(c.pk): c for c in committees}
        self.fields["responsible_body"].choices = [("", "Not recorded")] + [
            (str(c.pk), c.name) for c in committees
        ]

    def clean_responsible_body(self):
        value = self.cleaned_data.get("responsible_body")
        return self.committees.get(str(value)) if value else None


class BasePreviewFormSet(forms.BaseFormSet):
    def __init__(self, *args, committees=(), existing_numbers=(), **kwargs):
        self.committees = list(committees)
        self.existing_numbers = set(existing_numbers)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"committees": self.committees}

    def clean(self):
        seen = set()
        references = set()
        for form in self.forms:
            if not form.is_valid() or not form.cleaned_data.get("include"):
                continue
            number = form.cleaned_data["number"]
            if number in self.existing_numbers:
                form.add_error("number", f"The review already has a recommendation {number}.")
            elif number in seen:
                form.add_error("number", f"Number {number} is used twice.")
            seen.add(number)
            reference = form.cleaned_data.get("reference", "").strip()
            if reference in references:
                form.add_error(
                    "reference",
                    f"The reference {reference} is typed twice: references are unique across "
                    "the council. Type another, or leave it blank.",
                )
            elif reference:
                references.add(reference)
        if not seen and not any(f.errors for f in self.forms):
            raise forms.ValidationError("Choose at least one recommendation to add.")


class ReferencePrefixForm(GovukForm):
    """On the paste preview (references per review): the review's reference prefix, the way to
    tell its references from another review's of the same municipal year."""

    reference_prefix = forms.CharField(
        label="Reference prefix for this review",
        required=False,
        max_length=12,
        validators=[_text_limit(12)],
        help_text="Goes into the references of this review's recommendations, so that two "
        "reviews reporting in the same municipal year are told apart: “SOS” gives "
        "“2016/17 SOS R3”. Changing it changes the references of the recommendations the "
        "review already has.",
    )
    review_version = forms.IntegerField(widget=forms.HiddenInput)


PreviewFormSet = forms.formset_factory(
    PreviewItemForm, formset=BasePreviewFormSet, extra=0, max_num=300, validate_max=True
)


class ResponseMeetingForm(GovukForm):
    """The meeting (or date) at which the executive gave its response to the recommendations
    of ``review``: it offers the meetings of an executive body or of a body one of them is
    addressed to, on or after receipt (``reviews.meeting_rules.response_meetings``)."""

    meeting = forms.ModelChoiceField(
        label="Meeting at which the executive responded",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Not at a meeting (give the date)",
    )
    date = GovukDateField(label="Date of the response", required=False)

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        field.queryset = _any_meeting()
        bodies = (
            Recommendation.objects.filter(review=review, responsible_body__isnull=False)
            .order_by()
            .values("responsible_body")
        )
        offer_only(field, meeting_rules.response_meetings(review, responsible_bodies=bodies))
        since, what = meeting_rules.response_since(review)
        field.help_text = (
            f"Meetings of {meeting_rules.EXECUTIVE_BODIES} or of a body the recommendations "
            "are addressed to"
            + (f", held on or after {british_date(since)}, when {what}." if since else ".")
        )
        guard_choice_fields(self)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("meeting") and not cleaned.get("date") and not self.errors:
            self.add_error("meeting", "Choose the meeting, or give the date of the response.")
        return cleaned


class ResponseForm(GovukForm):
    """The executive's decision on one recommendation, on the all-recommendations page."""

    DECISIONS = [("", "No response yet"), *Decision.choices]

    decision = forms.ChoiceField(
        label="Decision", choices=DECISIONS, required=False, widget=forms.RadioSelect
    )
    response_text = forms.CharField(
        label="Response, and the reason if not fully accepted",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[_text_limit(TEXT_LIMIT)],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if (
            decision
            and decision != Decision.ACCEPTED
            and not cleaned.get("response_text", "").strip()
        ):
            label = dict(Decision.choices)[decision].lower()
            self.add_error("response_text", f"Give the executive's reason: “{label}” needs one.")
        return cleaned


class ActionForm(AuditedForm):
    """Add or edit an action plan item. A target date already set changes only through a
    revision with its reason."""

    date_fields = ("target_date",)
    always_validate = ("recommendation",)

    class Meta:
        model = ActionPlanItem
        fields = [
            "number",
            "action",
            "timeline",
            "target_date",
            "owner",
            "status",
            "status_reason",
        ]
        labels = {
            "action": "Action agreed",
            "timeline": "Timeline (as the council wrote it)",
            "status_reason": "Reason for this status",
        }

    def __init__(self, *args, lead_officer_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if lead_officer_only and self.instance.pk and self.instance.recommendation.decision:
            # services.action_save refuses a change of wording without it.
            self.fields["change_reason"].help_text = (
                "Needed if you change the wording of the action: the action plan was agreed "
                "with the executive's response. Kept in the history of changes."
            )
        _status_choices(self, "status", label="Status", blank=None, keep=self.instance.status)
        self.fields["status_reason"].help_text = REASON_HELP
        self.fields["action"].required = True
        self.fields["action"].widget.attrs["rows"] = 4
        self.fields["owner"].queryset = Officer.objects.all()
        _at_least_one(self.fields["number"])
        if self.instance.pk and self.instance.target_date is not None:
            del self.fields["target_date"]
        if lead_officer_only:
            del self.fields["owner"]
            del self.fields["number"]


def timeline_for(day) -> str:
    """The timeline a target date suggests, as a council writes it: "By 31 March 2027"."""
    return f"By {british_date(day)}"


class ReviseTargetForm(GovukForm):
    """A new target date for an action, with the reason, and the timeline the plan prints:
    offered as "By" and the new date, which the officer may keep or change (the page's script
    fills it in as the date is typed; left empty, it is filled in on saving). It starts as
    the timeline now in force."""

    new_date = GovukDateField(label="New target date")
    reason = forms.CharField(
        label="Reason the target date has to change",
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[_text_limit(2000)],
    )
    timeline = forms.CharField(
        label="Timeline (as the action plan will print it)",
        required=False,
        max_length=200,
        validators=[_text_limit(200)],
        widget=forms.TextInput(attrs={"data-module": "app-timeline-from-date"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, first_target=False, timeline: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # The script offers "By" and the date only while the box still holds this (or its own
        # offer), never over words the officer typed.
        self.fields["timeline"].widget.attrs["data-timeline-now"] = timeline
        self.fields["timeline"].help_text = (
            (f"Now “{timeline}”. " if timeline else "")
            + "Change it to match the new date, for example “By 31 March 2027”, or leave it "
            "empty to print “By” and the new date."
        )
        if first_target:  # setting the first target needs no reason
            self.fields["new_date"].label = "Target date"
            self.fields["reason"].required = False
            self.fields["reason"].label = "Note (optional)"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_date") and not cleaned.get("timeline", "").strip():
            cleaned["timeline"] = timeline_for(cleaned["new_date"])
        return cleaned


def _author_choice(officer: Officer) -> str:
    """An author as the update form offers them: a partner's contact with the organisation."""
    return f"{officer} ({officer.partner.name})" if officer.partner_id else str(officer)


class UpdateForm(GovukForm):
    """A progress update on an action, or on the recommendation as a whole."""

    action = forms.ModelChoiceField(
        label="Action",
        queryset=ActionPlanItem.objects.none(),
        required=False,
        empty_label="The recommendation as a whole",
    )
    date = GovukDateField(label="Date of the update")
    text = forms.CharField(
        label="Update",
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[_text_limit(TEXT_LIMIT)],
    )
    reported_status = forms.ChoiceField(label="Progress", required=False)
    status_reason = _reason_field(REASON_HELP)
    reported_to = forms.ModelChoiceField(
        label="Meeting it is reported to",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Not yet reported",
    )
    author = forms.ModelChoiceField(
        label="Who wrote the update",
        queryset=Officer.objects.none(),
        required=False,
        empty_label="Not recorded",
        help_text="The officer or partner whose update this is: it is printed in the committee "
        "documents. You are recorded as the person who entered it.",
    )

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day and day > timezone.localdate():
            raise forms.ValidationError("The date of the update cannot be in the future.")
        return day

    def __init__(
        self,
        *args,
        review: Review,
        actions=None,
        action_required=False,
        choose_author=True,
        **kwargs,
    ):
        """``choose_author``: whoever keeps the register names the author; a lead officer
        posts as themselves, and is not offered the field."""
        super().__init__(*args, **kwargs)
        if choose_author:
            self.fields["author"].queryset = Officer.objects.select_related("partner")
            self.fields["author"].label_from_instance = _author_choice
        else:
            del self.fields["author"]
        _status_choices(self, "reported_status", label="Progress", blank="Not stated")
        self.fields["reported_status"].help_text = (
            "On an action, this becomes the action's status. On the recommendation as a "
            "whole, it becomes the recommendation's status while it has no actions."
        )
        self.fields["action"].queryset = (
            actions if actions is not None else ActionPlanItem.objects.none()
        )
        self.fields["action"].label_from_instance = lambda a: f"Action {a.number}: {a.action[:80]}"
        if action_required:
            self.fields["action"].required = True
            self.fields["action"].empty_label = None
        reported_to = self.fields["reported_to"]
        reported_to.queryset = _any_meeting()
        offer_only(reported_to, meeting_rules.update_meetings(review))
        reported_to.help_text = (
            "Meetings of the committees that monitor this review. The meeting must be held on "
            "or after the date of the update."
        )
        guard_choice_fields(self)


class UpdateEditForm(UpdateForm):
    """A correction of an update: its date, text, reported status and meeting, with the
    reason, which is kept on the record and in the history."""

    reason = forms.CharField(
        label="Reason for the correction",
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[_text_limit(2000)],
        help_text="Shown with the update (“Edited on …”) and kept in the history of changes.",
        error_messages={"required": "Give the reason for the correction."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, review: Review, choose_author: bool = False, **kwargs):
        """``choose_author``: whoever keeps the register may correct who wrote it."""
        super().__init__(*args, review=review, choose_author=choose_author, **kwargs)
        del self.fields["action"]


class CloseForm(GovukForm):
    """The committee agreed to close ``recommendation``: it offers the meetings of a committee
    monitoring the review, held by today and after the executive's response
    (``reviews.meeting_rules.closure_meetings``)."""

    meeting = forms.ModelChoiceField(
        label="Meeting at which the committee agreed to close it", queryset=Meeting.objects.none()
    )
    minute_reference = forms.CharField(
        label="Minute reference", max_length=50, validators=[_text_limit(50)]
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        field.queryset = _any_meeting()
        review, responded_on = recommendation.review, recommendation.responded_on
        offer_only(field, meeting_rules.closure_meetings(review, responded_on=responded_on))
        after, what = meeting_rules.closure_after(review, responded_on)
        field.help_text = (
            "Meetings of the committees that monitor this review, held "
            + (f"after {what} ({british_date(after)}) and " if after else "")
            + "no later than today."
        )
        guard_choice_fields(self)


class ArchiveForm(GovukForm):
    reason = forms.CharField(
        label="Why is this recommendation being archived?",
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[_text_limit(2000)],
        help_text="For example: entered twice by mistake, or withdrawn by the committee.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class RemoveActionForm(GovukForm):
    reason = forms.CharField(
        label="Why is this action being removed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[_text_limit(2000)],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


__all__ = [
    "ActionForm",
    "ArchiveForm",
    "CloseForm",
    "PasteForm",
    "PreviewFormSet",
    "RecommendationForm",
    "RemoveActionForm",
    "ResponseForm",
    "ResponseMeetingForm",
    "ReviseTargetForm",
    "UpdateEditForm",
    "UpdateForm",
]
