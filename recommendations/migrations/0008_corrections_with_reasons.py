"""Corrections with reasons: a recommendation keeps its last reopening (when, by whom, why);
an update keeps its last edit's date and reason, and its withdrawal (when, by whom, why).
Every field is new and empty for today's records, so no page changes; reversible."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0007_reference_schemes"),
        ("reviews", "0003_review_monitoring_committees"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalrecommendation",
            name="reopen_reason",
            field=models.TextField(blank=True, editable=False, verbose_name="reason for reopening"),
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="reopened_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="reopened on"
            ),
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="reopened_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="reopened by",
            ),
        ),
        migrations.AddField(
            model_name="historicalupdate",
            name="edit_reason",
            field=models.TextField(blank=True, editable=False, verbose_name="reason for the edit"),
        ),
        migrations.AddField(
            model_name="historicalupdate",
            name="edited_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="edited on"
            ),
        ),
        migrations.AddField(
            model_name="historicalupdate",
            name="withdrawal_reason",
            field=models.TextField(
                blank=True, editable=False, verbose_name="reason for withdrawal"
            ),
        ),
        migrations.AddField(
            model_name="historicalupdate",
            name="withdrawn_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="withdrawn on"
            ),
        ),
        migrations.AddField(
            model_name="historicalupdate",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="withdrawn by",
            ),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="reopen_reason",
            field=models.TextField(blank=True, editable=False, verbose_name="reason for reopening"),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="reopened_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="reopened on"
            ),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="reopened_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="reopened by",
            ),
        ),
        migrations.AddField(
            model_name="update",
            name="edit_reason",
            field=models.TextField(blank=True, editable=False, verbose_name="reason for the edit"),
        ),
        migrations.AddField(
            model_name="update",
            name="edited_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="edited on"
            ),
        ),
        migrations.AddField(
            model_name="update",
            name="withdrawal_reason",
            field=models.TextField(
                blank=True, editable=False, verbose_name="reason for withdrawal"
            ),
        ),
        migrations.AddField(
            model_name="update",
            name="withdrawn_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="withdrawn on"
            ),
        ),
        migrations.AddField(
            model_name="update",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="withdrawn by",
            ),
        ),
        migrations.AddConstraint(
            model_name="recommendation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reopened_at__isnull", True),
                    models.Q(("reopen_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="recommendation_reopening_needs_reason",
                violation_error_message="Reopening a recommendation needs a reason.",
            ),
        ),
        migrations.AddConstraint(
            model_name="update",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("edited_at__isnull", True),
                    models.Q(("edit_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="update_edit_needs_reason",
                violation_error_message="Editing an update needs a reason.",
            ),
        ),
        migrations.AddConstraint(
            model_name="update",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("withdrawn_at__isnull", True),
                    models.Q(("withdrawal_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="update_withdrawal_needs_reason",
                violation_error_message="Withdrawing an update needs a reason.",
            ),
        ),
    ]
