"""Keeping derived values in step when a record they depend on changes."""

from django.core.exceptions import ValidationError
from django.db.models.signals import post_save
from django.dispatch import receiver

from reviews.models import Review

from .models import Recommendation


@receiver(post_save, sender=Review, dispatch_uid="recommendations.references_follow_review")
def references_follow_review(sender, instance: Review, created: bool, raw: bool = False, **kwargs):
    """Generated references ("2016/17 R3") follow the review's report date and prefix: when
    either changes, each recommendation whose reference is generated is saved again, with
    history, in the same transaction as the review. References an officer typed stay.

    A new reference already used by another recommendation is refused with a
    ``ValidationError`` naming it (the review's save is then rolled back with it)."""
    if created or raw:
        return
    changing = []
    for recommendation in Recommendation.objects.filter(
        review=instance, reference_is_generated=True
    ).select_related("response_meeting"):
        recommendation.review = instance
        generated = recommendation.generated_reference()
        if generated != recommendation.reference:
            changing.append((recommendation, generated))
    if not changing:
        return
    taken = (
        Recommendation.objects.filter(reference__in=[new for _, new in changing if new])
        .exclude(pk__in=[rec.pk for rec, _ in changing])
        .select_related("review")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            f"The recommendations' references would change to ones already in use: "
            f"{taken.reference} is a recommendation of “{taken.review.title}”. Give this review "
            f"a reference prefix, so its references are told apart."
        )
    for recommendation, generated in changing:
        old = recommendation.reference or "none"
        recommendation.save(
            reason=f"Reference follows the review's report date: {old} to {generated or 'none'}"
        )
