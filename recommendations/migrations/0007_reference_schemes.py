"""The council's reference scheme (issue 11, point 5): a scheme row, per review as before, so
every reference stays as it is; and the number of the year a reference of the scheme numbered
through the municipal year carries (none yet: every reference today is per review or typed)."""

import datetime

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def todays_scheme(apps, schema_editor):
    """The scheme in force before there was a choice: per review, with its history row."""
    Scheme = apps.get_model("recommendations", "ReferenceScheme")
    History = apps.get_model("recommendations", "HistoricalReferenceScheme")
    if Scheme.objects.exists():
        return
    now = datetime.datetime.now(datetime.UTC)
    fields = {"kind": "per_review", "prefix": "", "committee_code": False, "digits": 2}
    scheme = Scheme.objects.create(version=1, created_at=now, updated_at=now, **fields)
    History.objects.create(
        id=scheme.pk,
        version=1,
        created_at=now,
        updated_at=now,
        history_date=now,
        history_type="+",
        history_change_reason="The references in use: per review, such as 2016/17 R3",
        **fields,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0006_documents_leave_for_their_own_app"),
        ("reviews", "0003_review_monitoring_committees"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalReferenceScheme",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField(default=0, editable=False)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "updated_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("per_review", "Per review, such as 2016/17 R3"),
                            (
                                "through_year",
                                "Numbered through the municipal year, such as OS 24-25/07",
                            ),
                        ],
                        default="per_review",
                        help_text="References already given keep the scheme that gave them.",
                        max_length=20,
                        verbose_name="scheme",
                    ),
                ),
                (
                    "prefix",
                    models.CharField(
                        blank=True,
                        help_text='Numbered through the year: goes before the year, "OS" gives "OS 24-25/07".',
                        max_length=12,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Za-z0-9][A-Za-z0-9&./-]*$",
                                "Use letters and figures, such as OS (no spaces).",
                            )
                        ],
                    ),
                ),
                (
                    "committee_code",
                    models.BooleanField(
                        default=False,
                        help_text='Numbered through the year: put the commissioning committee\'s short name after the prefix, "OS OSC 24-25/07". The numbers still run across the council.',
                        verbose_name="add the committee's code",
                    ),
                ),
                (
                    "digits",
                    models.PositiveSmallIntegerField(
                        default=2,
                        help_text='Numbered through the year: the least number of figures, 2 gives "07".',
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(4),
                        ],
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical reference scheme",
                "verbose_name_plural": "historical reference schemes",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ReferenceScheme",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField(default=0, editable=False)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "updated_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("per_review", "Per review, such as 2016/17 R3"),
                            (
                                "through_year",
                                "Numbered through the municipal year, such as OS 24-25/07",
                            ),
                        ],
                        default="per_review",
                        help_text="References already given keep the scheme that gave them.",
                        max_length=20,
                        verbose_name="scheme",
                    ),
                ),
                (
                    "prefix",
                    models.CharField(
                        blank=True,
                        help_text='Numbered through the year: goes before the year, "OS" gives "OS 24-25/07".',
                        max_length=12,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Za-z0-9][A-Za-z0-9&./-]*$",
                                "Use letters and figures, such as OS (no spaces).",
                            )
                        ],
                    ),
                ),
                (
                    "committee_code",
                    models.BooleanField(
                        default=False,
                        help_text='Numbered through the year: put the commissioning committee\'s short name after the prefix, "OS OSC 24-25/07". The numbers still run across the council.',
                        verbose_name="add the committee's code",
                    ),
                ),
                (
                    "digits",
                    models.PositiveSmallIntegerField(
                        default=2,
                        help_text='Numbered through the year: the least number of figures, 2 gives "07".',
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(4),
                        ],
                    ),
                ),
            ],
            options={
                "verbose_name": "reference scheme",
            },
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="reference_number",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="reference_year",
            field=models.CharField(blank=True, default="", editable=False, max_length=7),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="reference_number",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="reference_year",
            field=models.CharField(blank=True, default="", editable=False, max_length=7),
        ),
        migrations.AlterField(
            model_name="historicalrecommendation",
            name="reference",
            field=models.CharField(
                blank=True,
                help_text='Unique across the council, such as "2016/17 R3" or "OS 24-25/07". Given by the council\'s reference scheme unless typed.',
                max_length=40,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="recommendation",
            name="reference",
            field=models.CharField(
                blank=True,
                help_text='Unique across the council, such as "2016/17 R3" or "OS 24-25/07". Given by the council\'s reference scheme unless typed.',
                max_length=40,
                null=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="recommendation",
            constraint=models.UniqueConstraint(
                fields=("reference_year", "reference_number"),
                name="recommendation_reference_number_unique_in_year",
                violation_error_message="That number of the municipal year has been given to another recommendation.",
            ),
        ),
        migrations.AddConstraint(
            model_name="recommendation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("reference_number__isnull", True), ("reference_year", "")),
                    models.Q(
                        ("reference_number__gte", 1),
                        models.Q(("reference_year", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="recommendation_reference_number_has_its_year",
                violation_error_message="A number of the municipal year needs its year.",
            ),
        ),
        migrations.AddField(
            model_name="historicalreferencescheme",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(todays_scheme, migrations.RunPython.noop),
    ]
