from django.db import migrations, models


def unknown_where_no_notable_export_said(apps, schema_editor):
    # Only the notable export carries the frontier flag, so a model that is not notable was
    # given False by default, never by data: it is unknown.
    AIModel = apps.get_model("ingest", "AIModel")
    AIModel.objects.filter(notable=False, frontier_model=False).update(frontier_model=None)


class Migration(migrations.Migration):

    dependencies = [
        ("ingest", "0007_merge_heartbeat"),
    ]

    operations = [
        migrations.AlterField(
            model_name="aimodel",
            name="frontier_model",
            field=models.BooleanField(blank=True, default=None, null=True),
        ),
        migrations.RunPython(unknown_where_no_notable_export_said, migrations.RunPython.noop),
    ]
