"""The people the register names: officers (who may sign in), partner organisations and their
contacts, and councillors."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from scrutiny.models import AuditedModel


class PartnerKind(models.TextChoices):
    HEALTH = "health", "NHS or health body"
    COUNCIL = "council", "Another council"
    SHARED_SERVICE = "shared_service", "Shared service or council company"
    POLICE_FIRE = "police_fire", "Police or fire service"
    HOUSING = "housing", "Housing association"
    VOLUNTARY = "voluntary", "Voluntary or community organisation"
    BUSINESS = "business", "Business or contractor"
    OTHER = "other", "Other"


class PartnerOrganisation(AuditedModel):
    """An organisation outside the council that owns actions or reports progress: an NHS
    trust, a shared service, the police. Its contacts are officers (``Officer.partner``)."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=PartnerKind.choices, default=PartnerKind.OTHER)
    description = models.CharField(
        max_length=300,
        blank=True,
        help_text='For example "A shared service between Richmond and Kingston Councils".',
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "partner organisation"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partner_list") + f"#partner-{self.pk}"


class Officer(AuditedModel):
    """A council officer, or a partner organisation's contact: scrutiny officers, lead
    officers, action owners, the authors of updates.

    Linked to a user account where the officer signs in; many never do, and partners' contacts
    usually have none.
    """

    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    department = models.CharField(
        max_length=200,
        blank=True,
        help_text='The council department, for example "Corporate Services".',
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name="partner organisation",
        help_text="Only for a partner's contact; leave it blank for the council's own officers.",
    )
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

    @property
    def signs_in(self) -> bool:
        """Whether the officer has an account to sign in with (an active one: reads the user
        unless it was loaded with the officer)."""
        return self.user_id is not None and self.user.is_active

    def name_as_author(self) -> str:
        """The name printed under an update: a partner's contact with the organisation
        ("Jane Doe, Achieving for Children"). Reads the partner unless it was loaded."""
        return f"{self.name}, {self.partner.name}" if self.partner_id else self.name


class Councillor(AuditedModel):
    """An elected member: chairs and members of reviews, lead Cabinet Members.

    Linked to a user account where the councillor signs in, and to the committees they sit
    on: their dashboard shows what changed since those committees last met.
    """

    name = models.CharField(max_length=200, help_text='Without the title: "Peter Southgate".')
    role = models.CharField(
        max_length=200, blank=True, help_text='For example "Cabinet Member for Finance".'
    )
    party = models.CharField(max_length=200, blank=True)
    ward = models.CharField(max_length=200, blank=True)
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
