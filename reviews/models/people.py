"""The people the register names: officers (who may sign in) and councillors."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from scrutiny.models import AuditedModel


class Officer(AuditedModel):
    """A council officer (or a partner's): scrutiny officers, lead officers, action owners.

    Linked to a user account where the officer signs in; partners may have none.
    """

    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officer",
    )

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.job_title}" if self.job_title else self.name

    def get_absolute_url(self) -> str:
        return reverse("recommendation_list") + f"?lead_officer={self.pk}"


class Councillor(AuditedModel):
    """An elected member: chairs and members of reviews, lead Cabinet Members.

    Linked to a user account where the councillor signs in, and to the committees they sit
    on: their dashboard shows what changed since those committees last met.
    """

    name = models.CharField(max_length=200, help_text='Without the title: "Peter Southgate".')
    role = models.CharField(
        max_length=200, blank=True, help_text='For example "Cabinet Member for Finance".'
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="councillor",
        verbose_name="user account",
        help_text="The account the councillor signs in with, if any.",
    )
    committees = models.ManyToManyField(
        "reviews.Committee",
        blank=True,
        related_name="councillors",
        verbose_name="committees the councillor sits on",
    )

    # The history keeps the committees with each row (as a review's monitoring committees).
    _history_m2m_fields = ["committees"]

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"Councillor {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("review_list") + f"?q={self.name}"
