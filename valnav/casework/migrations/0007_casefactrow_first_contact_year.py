"""The year of a case's first contact as a column of the fact rows, and an index that covers the
grouped case counts (casework.statistics) in its order, in place of casefact_equity (which
lacked the document type, so the counts read the table row by row); and indexes
covering the gap analysis's cases per place and target and the focus ranking's per county
and branch."""

from django.db import migrations, models
from django.db.models.functions import ExtractYear


def fill_years(apps, schema_editor):
    CaseFactRow = apps.get_model("casework", "CaseFactRow")
    CaseFactRow.objects.update(first_contact_year=ExtractYear("first_contact"))


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0006_komvux_courses_examinations_branch_documents"),
    ]

    operations = [
        migrations.AddField(
            model_name="casefactrow",
            name="first_contact_year",
            field=models.PositiveSmallIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(fill_years, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="casefactrow", name="casefact_equity"),
        migrations.AddIndex(
            model_name="casefactrow",
            index=models.Index(
                fields=[
                    "municipality",
                    "first_contact_year",
                    "gender",
                    "born_abroad",
                    "decision",
                    "complementary",
                    "document_type",
                ],
                name="casefact_counts",
            ),
        ),
        migrations.AddIndex(
            model_name="casefactrow",
            index=models.Index(
                fields=["municipality", "occupation", "model"], name="casefact_gaps"
            ),
        ),
        migrations.AddIndex(
            model_name="casefactrow",
            index=models.Index(
                fields=["county", "model", "occupation", "gender"], name="casefact_focus"
            ),
        ),
    ]
