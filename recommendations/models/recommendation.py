"""A recommendation of a review's report, with the executive's response to it, its
implementation status and its closure."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q

from reviews import meeting_rules
from reviews.dates import municipal_year
from reviews.models import Committee, Councillor, Meeting, Officer, Review
from scrutiny.links import pk_url
from scrutiny.models import AuditedModel

from ..querysets import RecommendationQuerySet
from ..statuses import Decision, RecommendationStatus, derived_status
from .key import progress_status_field_check, status_key
from .references import ReferenceScheme, clash_message


class Recommendation(AuditedModel):
    """A numbered recommendation of a review's report, with the executive's response to it,
    its implementation status and, in the end, its closure by the committee."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    paragraph_reference = models.CharField(
        max_length=50, blank=True, help_text='Where it stands in the report: "paragraph 14".'
    )
    responsible_body = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        help_text="The decision-making body the recommendation is addressed to.",
    )
    responsible_body_note = models.CharField(
        max_length=200, blank=True, help_text='Any qualification: "delegated to CMT".'
    )
    reference = models.CharField(  # noqa: DJ001 - NULL until known, so uniqueness ignores it
        max_length=40,
        null=True,
        blank=True,
        help_text='Unique across the council, such as "2016/17 R3" or "OS 24-25/07". Given by '
        "the council's reference scheme unless typed.",
    )
    reference_is_generated = models.BooleanField(default=True, editable=False)
    # Given by the scheme numbered through the municipal year: the year ("2024/25") and the
    # number the reference carries, which stay. Blank for a reference per review or typed.
    reference_year = models.CharField(max_length=7, blank=True, default="", editable=False)
    reference_number = models.PositiveIntegerField(null=True, blank=True, editable=False)

    # The executive response.
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    response_text = models.TextField(
        blank=True, help_text="The executive's response; required unless fully accepted."
    )
    response_date = models.DateField(null=True, blank=True)
    response_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    lead_officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations"
    )
    lead_member = models.ForeignKey(
        Councillor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        help_text="The lead Cabinet Member.",
    )
    service_area = models.CharField(max_length=200, blank=True)

    # Statuses are codes of the council's key (``StatusKeyEntry``), shown through it.
    status = models.CharField(
        max_length=20,
        default=RecommendationStatus.NOT_STARTED,
        editable=False,
        help_text="The status in force: derived, see Recommendation.derive_status.",
    )
    status_set_by_officer = models.CharField(
        max_length=20,
        blank=True,
        validators=[progress_status_field_check],
        help_text="Leave blank to derive the status from the actions and updates. Only a "
        "progress status can be held: closed and not accepted come from the record.",
    )
    status_reason = models.TextField(
        blank=True, help_text="Why the status is held: required for a status such as Paused."
    )

    # Closure, agreed by the committee.
    closed_on = models.DateField(null=True, blank=True)
    closed_at_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closure_minute_reference = models.CharField(max_length=50, blank=True)

    # The last reopening of a closed recommendation (a correction): when, by whom and why.
    # The closure it undid stays in the history.
    reopened_at = models.DateTimeField("reopened on", null=True, blank=True, editable=False)
    reopened_by = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="reopened by",
    )
    reopen_reason = models.TextField("reason for reopening", blank=True, editable=False)

    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Archived recommendations leave the registers; the history keeps them.",
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["review_id", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"],
                name="recommendation_number_unique_in_review",
                violation_error_message="This review already has a recommendation with that "
                "number.",
            ),
            models.UniqueConstraint(
                fields=["reference"],
                name="recommendation_reference_unique",
                violation_error_message="That reference is already used by another "
                "recommendation: references are unique across the council.",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["", Decision.ACCEPTED]) | ~Q(response_text=""),
                name="recommendation_response_reason_unless_accepted",
                violation_error_message="A response other than full acceptance needs its reason.",
            ),
            models.CheckConstraint(
                condition=Q(closed_at_meeting__isnull=True)
                | (~Q(closure_minute_reference="") & Q(closed_on__isnull=False)),
                name="recommendation_closure_needs_minute",
                violation_error_message="A closure records the meeting, its date and the minute "
                "reference.",
            ),
            models.UniqueConstraint(
                fields=["reference_year", "reference_number"],
                name="recommendation_reference_number_unique_in_year",
                violation_error_message="That number of the municipal year has been given to "
                "another recommendation.",
            ),
            models.CheckConstraint(
                condition=Q(reference_number__isnull=True, reference_year="")
                | (Q(reference_number__gte=1) & ~Q(reference_year="")),
                name="recommendation_reference_number_has_its_year",
                violation_error_message="A number of the municipal year needs its year.",
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                name="recommendation_reopening_needs_reason",
                violation_error_message="Reopening a recommendation needs a reason.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="recommendation_number_positive",
                violation_error_message="Recommendations are numbered from 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference or self.review.title}: recommendation {self.number}"

    def get_absolute_url(self) -> str:
        return pk_url("recommendation_detail", self.pk)

    @property
    def label(self) -> str:
        return f"Recommendation {self.number}"

    def clean(self) -> None:
        errors = {}
        if self.decision and self.decision != Decision.ACCEPTED and not self.response_text.strip():
            errors["response_text"] = (
                f"Give the executive's reason: a response of "
                f"“{self.get_decision_display().lower()}” needs one."
            )
        if self.decision and self.response_date is None and self.response_meeting is None:
            errors["response_date"] = "Give the date of the response."
        if self.status_set_by_officer:
            key = status_key()
            if key.requires_reason(self.status_set_by_officer) and not self.status_reason.strip():
                errors["status_reason"] = (
                    f"Give the reason the status is "
                    f"“{key.label(self.status_set_by_officer)}”: the council's key asks for one."
                )
        if self.closed_at_meeting_id and not self.closure_minute_reference.strip():
            errors["closure_minute_reference"] = "Give the minute reference of the closure."
        if self.review_id:
            self._check_meetings(errors)
        if errors:
            raise ValidationError(errors)

    @property
    def responded_on(self) -> datetime.date | None:
        """The day of the executive's response (None until it is recorded)."""
        if self.response_date is not None:
            return self.response_date
        return self.response_meeting.date if self.response_meeting_id else None

    def _check_meetings(self, errors: dict) -> None:
        """Hold the meetings of the response and the closure to the rules of
        ``reviews.meeting_rules``: add to ``errors`` which rule each breaks, and what to
        choose."""
        checks = []
        if self.response_meeting_id or self.response_date:
            checks.append(
                lambda: meeting_rules.check_response(
                    self.response_meeting if self.response_meeting_id else None,
                    self.response_date,
                    review=self.review,
                    responsible_bodies=[self.responsible_body_id],
                )
            )
        if self.closed_at_meeting_id:
            checks.append(
                lambda: meeting_rules.check_closure_meeting(
                    self.closed_at_meeting, review=self.review, responded_on=self.responded_on
                )
            )
        for check in checks:
            try:
                check()
            except ValidationError as refused:
                meeting_rules.add_refusal(errors, refused)

    def save(self, *args, **kwargs):
        if self.response_meeting is not None and self.response_date is None:
            self.response_date = self.response_meeting.date
        self.status = self.derive_status()
        with transaction.atomic():
            self.refresh_reference()
            super().save(*args, **kwargs)

    def refresh_reference(self) -> None:
        """Give it the reference its scheme gives now (``generated_reference``), taking the
        next free number of the year when it is to have one. A typed reference stays. Call
        inside ``transaction.atomic()`` (``save()`` does)."""
        if not self.reference_is_generated:
            return
        if self.needs_number():
            self._take_number()
        else:
            self.reference = self.generated_reference()

    def renumber(self) -> None:
        """Give up its number of the year (its review's report moved to another municipal
        year): ``refresh_reference`` gives it the reference the scheme in force gives."""
        self.reference, self.reference_year, self.reference_number = None, "", None

    def number_outside_its_year(self) -> bool:
        """Whether it carries a number of a municipal year other than its report's."""
        agreed = self.review.report_agreed_on
        return (
            self.reference_is_generated
            and self.reference_number is not None
            and agreed is not None
            and municipal_year(agreed) != self.reference_year
        )

    def validate_constraints(self, exclude=None):
        """The constraints, with a reference already held named, with the recommendation
        holding it and what to do (``references.clash_message``)."""
        exclude = set(exclude or ())
        errors = {}
        try:
            super().validate_constraints(exclude=exclude | {"reference"})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.reference and "reference" not in exclude:
            holder = (
                type(self)
                ._default_manager.filter(reference=self.reference)
                .exclude(pk=self.pk)
                .select_related("review")
                .first()
            )
            if holder is not None:
                errors.setdefault("reference", []).append(
                    clash_message(
                        self.reference,
                        holder,
                        typed=not self.reference_is_generated,
                        review=self.review,
                    )
                )
        if errors:
            raise ValidationError(errors)

    def set_reference(self, reference: str) -> None:
        """Use a reference an officer typed; a blank one goes back to the generated reference
        (a number of the year given before is given up: a new one is given on saving)."""
        reference = reference.strip()
        if not reference and self.reference_is_generated:
            self.reference = self.generated_reference()  # a number of the year stays
            return
        if reference == self.reference:
            return  # the reference it has, typed or given, stays as it is
        self.reference_is_generated = not reference
        self.reference_year, self.reference_number = "", None
        self.reference = reference or None
        if not reference:
            self.reference = self.generated_reference()

    @property
    def reference_scheme(self) -> ReferenceScheme:
        """The scheme in force, read once per instance (only while a reference is to be
        given: one given keeps the scheme that gave it)."""
        if not hasattr(self, "_reference_scheme"):
            self._reference_scheme = ReferenceScheme.current()
        return self._reference_scheme

    def _to_be_numbered(self) -> bool:
        """Whether its reference, not given yet, is to be a number of the year."""
        return (
            self.reference_is_generated
            and self.reference_number is None
            and self.reference is None
            and self.reference_scheme.through_year
        )

    def needs_number(self) -> bool:
        """Whether saving gives it the next free number of its review's municipal year."""
        return self._to_be_numbered() and self.review.report_agreed_on is not None

    def generated_reference(self) -> str | None:
        """The reference its scheme gives it now, without giving a number. Per review (the
        default): "2016/17 R3", the municipal year (May to April) of the meeting that agreed
        the report, the review's prefix if any, R and the number; it follows the review. A
        number of the year, once given, stays: the reference given. None until the report has
        been agreed, or while a number is still to be given (``save()`` gives it). (Reads the
        review: a query unless it is loaded.)"""
        if self.reference_number is not None:
            return self.reference
        if self._to_be_numbered():
            return None
        return ReferenceScheme().per_review_reference(self.review, self.number)

    def _take_number(self) -> None:
        """Give it the next free number of its review's municipal year, holding the scheme's
        row so that no one else is given a number meanwhile."""
        scheme = ReferenceScheme.locked()
        self._reference_scheme = scheme
        if not scheme.through_year:  # the scheme changed since it was read
            self.reference = self.generated_reference()
            return
        ((year, number, reference),) = scheme.free_references(self.review, 1, exclude_pk=self.pk)
        self.reference_year, self.reference_number, self.reference = year, number, reference

    def derive_status(self, action_statuses: list[str] | None = None) -> str:
        """The implementation status in force (``statuses.derived_status`` says the rule).
        Reads the actions (one query) unless ``action_statuses`` is given, and with no
        actions the latest status reported on the recommendation as a whole (one query, saved
        by ``latest_reported_status`` on the instance, as ``load_plan`` sets it)."""
        return derived_status(
            closed=bool(self.closed_at_meeting_id),
            decision=self.decision,
            set_by_officer=self.status_set_by_officer,
            action_statuses=lambda: (
                action_statuses
                if action_statuses is not None
                else (list(self.actions.values_list("status", flat=True)) if self.pk else [])
            ),
            reported_status=self._reported_status,
            key=status_key(),
        )

    def _reported_status(self) -> str:
        """The status given by the latest update (not withdrawn) on the recommendation as a
        whole that gave one ("" if none)."""
        if hasattr(self, "latest_reported_status"):
            return self.latest_reported_status
        if not self.pk:
            return ""
        return (
            self.updates.current()
            .filter(action__isnull=True)
            .exclude(reported_status="")
            .order_by("-date", "-pk")
            .values_list("reported_status", flat=True)
            .first()
            or ""
        )

    def refresh_status(self, because: str = "Status derived from its actions") -> bool:
        """Re-derive the status and save (with history) if it changed, the reason being
        ``because`` and the new status in words. Returns True if saved."""
        new_status = self.derive_status()
        if new_status == self.status:
            return False
        self.save(reason=f"{because}: {status_key().label(new_status)}")
        return True

    @property
    def status_reason_shown(self) -> str:
        """The reason given for the status in force, where it has one: the held status's, or
        (with no actions) that of the update on the recommendation as a whole that gave it.
        Reads ``action_list`` and ``update_list`` as ``load_plan`` sets them ("" without)."""
        if self.is_closed or self.decision == Decision.REJECTED:
            return ""
        if self.status_set_by_officer:
            return self.status_reason
        actions, updates = getattr(self, "action_list", None), getattr(self, "update_list", None)
        if actions or updates is None:
            return ""
        for update in updates:  # latest first
            if update.reported_status and not update.action_id:
                return update.status_reason
        return ""

    @property
    def needs_reason(self) -> bool:
        return bool(self.decision) and self.decision != Decision.ACCEPTED

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_closed(self) -> bool:
        return self.closed_at_meeting_id is not None

    def accepted_without_action(self, action_count: int | None = None) -> bool:
        """True when the executive accepted it but the plan has no action for it (counts the
        actions with a query unless ``action_count`` is given)."""
        if self.decision not in Decision.needing_action():
            return False
        if action_count is None:
            action_count = self.actions.count()
        return action_count == 0
