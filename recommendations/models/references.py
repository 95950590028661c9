"""The council's scheme for recommendation references, chosen by an administrator.

Two schemes, as councils write them:

``per review`` (the default, and the only scheme before there was a choice)
    "2016/17 R3": the municipal year of the meeting that agreed the review's report, the
    review's own prefix if it has one ("2016/17 SOS R3"), then R and the recommendation's
    number. It follows the review: a corrected report date or a new prefix moves it, with
    history (``services.references_follow_review``).

``through the municipal year``
    "OS 24-25/07": the council's prefix, optionally the commissioning committee's code (its
    short name: "OS OSC 24-25/07"), the municipal year, then a number counted through that
    year across every review of the council. The number is given once, when the
    recommendation gets its reference (the next free number of the year), and stays: adding
    another review never moves it. Two officers adding recommendations at once cannot get the
    same number: the scheme's row is locked while a number is given, and the database holds
    one recommendation per number and year.

A reference keeps the scheme that gave it: changing the scheme (or its prefix) changes no
reference already given, only those given from then on.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Max

from reviews.dates import municipal_year
from scrutiny.models import AuditedModel

MAX_NUMBERS_SKIPPED = 50  # references typed over the next numbers that are stepped over


class ReferenceSchemeKind(models.TextChoices):
    PER_REVIEW = "per_review", "Per review, such as 2016/17 R3"
    THROUGH_YEAR = "through_year", "Numbered through the municipal year, such as OS 24-25/07"


class ReferenceScheme(AuditedModel):
    """The council's reference scheme: one row, edited by an administrator (with history).
    :meth:`current` reads it; until it is saved, the default (per review) is in force."""

    kind = models.CharField(
        "scheme",
        max_length=20,
        choices=ReferenceSchemeKind.choices,
        default=ReferenceSchemeKind.PER_REVIEW,
        help_text="References already given keep the scheme that gave them.",
    )
    prefix = models.CharField(
        max_length=12,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9&./-]*$",
                "Use letters and figures, such as OS (no spaces).",
            )
        ],
        help_text='Numbered through the year: goes before the year, "OS" gives "OS 24-25/07".',
    )
    committee_code = models.BooleanField(
        "add the committee's code",
        default=False,
        help_text="Numbered through the year: put the commissioning committee's short name "
        'after the prefix, "OS OSC 24-25/07". The numbers still run across the council.',
    )
    digits = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text='Numbered through the year: the least number of figures, 2 gives "07".',
    )

    class Meta:
        verbose_name = "reference scheme"

    def __str__(self) -> str:
        return f"Reference scheme: {self.get_kind_display()}"

    @classmethod
    def current(cls) -> "ReferenceScheme":
        """The scheme in force (one query): the saved one, else the default, unsaved."""
        return cls.objects.order_by("pk").first() or cls()

    @classmethod
    def locked(cls) -> "ReferenceScheme":
        """The scheme in force, its row held until the transaction ends, so that one number
        of a year is given at a time. Call inside ``transaction.atomic()``. The row is made
        (with history) if it does not exist yet."""
        scheme = cls.objects.select_for_update().order_by("pk").first()
        if scheme is None:
            scheme = cls()
            scheme.save(reason="The default reference scheme, per review")
        return scheme

    @property
    def through_year(self) -> bool:
        return self.kind == ReferenceSchemeKind.THROUGH_YEAR

    def per_review_reference(self, review, number: int) -> str | None:
        """ "2016/17 R3", with the review's prefix when it has one: "2016/17 SOS R3". None
        until the report has been agreed."""
        agreed = review.report_agreed_on
        if agreed is None:
            return None
        prefix = f"{review.reference_prefix} " if review.reference_prefix else ""
        return f"{municipal_year(agreed)} {prefix}R{number}"

    def year_reference(self, review, year: str, number: int) -> str:
        """ "OS 24-25/07": the prefix, the committee's code if the scheme adds it, the
        municipal year ``year`` ("2024/25") written "24-25", and the number."""
        start = int(year[:4])
        parts = [self.prefix]
        if self.committee_code:
            parts.append(_code(review.commissioning_committee.short_name))
        parts.append(f"{start % 100:02d}-{(start + 1) % 100:02d}/{number:0{self.digits}d}")
        return " ".join(part for part in parts if part)

    def free_references(self, review, count: int, *, exclude_pk=None) -> list[tuple[str, int, str]]:
        """The next ``count`` free numbers of the municipal year in which ``review``'s report
        was agreed, with their references: [("2024/25", 7, "OS 24-25/07"), ...]. A number is
        free when no recommendation has it in that year and its reference is not held (typed)
        by another. Two queries. Numbers are only *given* by ``Recommendation.save()``, with
        the scheme's row locked (:meth:`locked`)."""
        from .recommendation import Recommendation

        year = municipal_year(review.report_agreed_on)
        others = Recommendation.objects.exclude(pk=exclude_pk)
        top = others.filter(reference_year=year).aggregate(top=Max("reference_number"))["top"]
        start = (top or 0) + 1
        candidates = [
            (year, n, self.year_reference(review, year, n))
            for n in range(start, start + count + MAX_NUMBERS_SKIPPED)
        ]
        held = set(
            others.filter(reference__in=[c[2] for c in candidates]).values_list(
                "reference", flat=True
            )
        )
        free = [c for c in candidates if c[2] not in held][:count]
        if len(free) < count:
            raise ValidationError(
                f"The next numbers of {year} are held by references typed by hand: change "
                "those references, or type this one."
            )
        return free

    def example(self) -> str:
        """A reference of this scheme, for hints: "2016/17 R3" or "OS 24-25/07"."""
        if not self.through_year:
            return "2016/17 R3"
        parts = [self.prefix, "OSC" if self.committee_code else ""]
        return " ".join(p for p in [*parts, f"24-25/{7:0{self.digits}d}"] if p)


def _code(short_name: str) -> str:
    """A committee's short name as a code inside a reference: no spaces."""
    return re.sub(r"\s+", "", short_name or "")


def suggested_prefix(title: str) -> str:
    """A reference prefix to suggest for a review: the initials of its title's words,
    "Shared and outsourced services" giving "SOS"."""
    small = {"a", "an", "and", "for", "in", "of", "on", "the", "to", "with", "by", "at"}
    words = [w for w in re.findall(r"[A-Za-z]+", title or "") if w.lower() not in small]
    initials = "".join(w[0] for w in words).upper()[:6]
    if len(initials) < 2:
        return (words[0][:3] if words else "TG").upper()
    return initials


def clash_message(reference: str, holder, *, typed: bool, review, can_type: bool = True) -> str:
    """A reference already held, named with the record holding it and the way out: "2016/17
    R3 is already the reference of recommendation 3 of “Shared services in Merton”. ...".
    ``can_type`` when the page asking has the recommendation's reference to type."""
    where = (
        f"{reference} is already the reference of recommendation {holder.number} of "
        f"“{holder.review.title}”."
    )
    if typed:
        return f"{where} Type another reference, or leave it blank to give it the generated one."
    prefix = suggested_prefix(review.title)
    words = reference.split()
    return (
        f"{where} Give this review a reference prefix, such as “{prefix}”, so that its "
        f"references are told apart (“{words[0]} {prefix} {words[-1]}”)"
        + (", or type another reference." if can_type else ".")
    )


@dataclass
class PlannedReference:
    """The reference a recommendation about to be added will have, and, if another
    recommendation already holds it, what to say."""

    reference: str | None
    typed: bool = False
    clash: str = ""


def planned_references(
    review, entries: list[tuple[int | None, str, bool]], *, scheme: ReferenceScheme
) -> list[PlannedReference]:
    """The references recommendations about to be added to ``review`` will have, for
    ``entries`` of (number, reference typed or "", whether it is to be added): typed ones as
    typed; per review, "2016/17 R3" (by the review's prefix as given); numbered through the
    year, the next free numbers, in order, for those to be added. Each reference another
    recommendation holds is named, with the way out. At most three queries, however many."""
    from .recommendation import Recommendation

    planned = [PlannedReference(None) for _ in entries]
    to_number = []
    for plan, (number, typed, added) in zip(planned, entries, strict=True):
        if typed:
            plan.reference, plan.typed = typed, True
        elif scheme.through_year:
            if added and review.report_agreed_on is not None:
                to_number.append(plan)
        elif number is not None:
            plan.reference = scheme.per_review_reference(review, number)
    if to_number:
        try:
            free = scheme.free_references(review, len(to_number))
        except ValidationError:
            free = []
        for plan, (_, _, reference) in zip(to_number, free, strict=False):
            plan.reference = reference
    wanted = [p.reference for p in planned if p.reference]
    if wanted:
        holders = {
            r.reference: r
            for r in Recommendation.objects.filter(reference__in=wanted).select_related("review")
        }
        for plan in planned:
            holder = holders.get(plan.reference)
            if holder is not None:
                plan.clash = clash_message(plan.reference, holder, typed=plan.typed, review=review)
    return planned
