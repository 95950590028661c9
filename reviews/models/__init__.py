"""The register's framework: committees, their meetings, the people, and scrutiny reviews
(one module each: ``framework``, ``people``, ``review``), imported here so Django finds them.

Every model here is audited (django-simple-history) and carries a version number that goes
up on every save, so an edit form can refuse a stale submission.
"""

from .framework import EXECUTIVE_KINDS, AgendaItem, Committee, CommitteeKind, Meeting
from .people import Councillor, Officer, PartnerKind, PartnerOrganisation
from .review import (
    MemberRole,
    Review,
    ReviewMember,
    ReviewQuerySet,
    ReviewStatus,
    ReviewType,
    attach_meetings,
)

__all__ = [
    "EXECUTIVE_KINDS",
    "AgendaItem",
    "Committee",
    "CommitteeKind",
    "Councillor",
    "Meeting",
    "MemberRole",
    "Officer",
    "PartnerKind",
    "PartnerOrganisation",
    "Review",
    "ReviewMember",
    "ReviewQuerySet",
    "ReviewStatus",
    "ReviewType",
    "attach_meetings",
]
