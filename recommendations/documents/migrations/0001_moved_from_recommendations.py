"""The committee documents become an app of their own (label ``documents``).

Their tables were made by recommendations/0003 and keep their rows: this migration only tells
Django that the models now belong here (state only, no change to the database); the next one
renames the tables to this app's names, and moves the content types (and so the permissions).
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("recommendations", "0006_documents_leave_for_their_own_app"),
        ("reviews", "0002_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="DocumentFile",
                    fields=[
                        (
                            "sha256",
                            models.CharField(max_length=64, primary_key=True, serialize=False),
                        ),
                        ("size", models.PositiveIntegerField()),
                        ("content", models.BinaryField()),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, editable=False),
                        ),
                    ],
                    options={
                        "db_table": "recommendations_documentfile",
                        "verbose_name": "published PDF file",
                        "ordering": ["created_at", "sha256"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalPublishedDocument",
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
                                    ("action_plan", "Action plan"),
                                    ("tracker", "Recommendations tracker"),
                                    ("meeting_tracker", "Meeting tracker"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("title", models.CharField(max_length=300)),
                        ("appendix_label", models.CharField(blank=True, max_length=40)),
                        (
                            "as_at",
                            models.DateField(
                                help_text='The date of the position the document gives ("as at").'
                            ),
                        ),
                        ("include_closed", models.BooleanField(default=False)),
                        (
                            "parameters",
                            models.CharField(
                                blank=True,
                                help_text="The query string that makes the same document again.",
                                max_length=2000,
                            ),
                        ),
                        ("sha256", models.CharField(max_length=64)),
                        ("size", models.PositiveIntegerField()),
                        ("page_count", models.PositiveSmallIntegerField()),
                        ("filename", models.CharField(max_length=200)),
                        ("published_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.TextField(null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "agenda_item",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="reviews.agendaitem",
                            ),
                        ),
                        (
                            "file",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="documents.documentfile",
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "meeting",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="reviews.meeting",
                            ),
                        ),
                        (
                            "published_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "review",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                help_text="The review, for an action plan.",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="reviews.review",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "recommendations_historicalpublisheddocument",
                        "verbose_name": "historical published document",
                        "verbose_name_plural": "historical published documents",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="PublishedDocument",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
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
                                    ("action_plan", "Action plan"),
                                    ("tracker", "Recommendations tracker"),
                                    ("meeting_tracker", "Meeting tracker"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("title", models.CharField(max_length=300)),
                        ("appendix_label", models.CharField(blank=True, max_length=40)),
                        (
                            "as_at",
                            models.DateField(
                                help_text='The date of the position the document gives ("as at").'
                            ),
                        ),
                        ("include_closed", models.BooleanField(default=False)),
                        (
                            "parameters",
                            models.CharField(
                                blank=True,
                                help_text="The query string that makes the same document again.",
                                max_length=2000,
                            ),
                        ),
                        ("sha256", models.CharField(max_length=64)),
                        ("size", models.PositiveIntegerField()),
                        ("page_count", models.PositiveSmallIntegerField()),
                        ("filename", models.CharField(max_length=200)),
                        ("published_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "agenda_item",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="published_documents",
                                to="reviews.agendaitem",
                            ),
                        ),
                        (
                            "file",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="documents.documentfile",
                            ),
                        ),
                        (
                            "meeting",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="published_documents",
                                to="reviews.meeting",
                            ),
                        ),
                        (
                            "published_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "review",
                            models.ForeignKey(
                                blank=True,
                                help_text="The review, for an action plan.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="published_documents",
                                to="reviews.review",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "recommendations_publisheddocument",
                        "verbose_name": "published document",
                        "ordering": ["-published_at", "-pk"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="publisheddocument",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("sha256", models.F("file_id"))),
                        name="published_document_sha256_is_its_file",
                        violation_error_message="The SHA-256 must be the digest of the stored file.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="publisheddocument",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "action_plan"), _negated=True),
                            ("review__isnull", False),
                            _connector="OR",
                        ),
                        name="published_action_plan_names_its_review",
                        violation_error_message="An action plan names its review.",
                    ),
                ),
            ],
        ),
    ]
