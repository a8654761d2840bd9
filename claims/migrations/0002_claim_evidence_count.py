"""A denormalised count of each claim's accepted evidence (kept by claims/signals.py)."""

from django.db import migrations, models


def count_evidence(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    Evidence = apps.get_model("claims", "Evidence")
    counts = Evidence.objects.filter(state="accepted").order_by().values("claim").annotate(n=models.Count("pk"))
    for row in counts:
        Claim.objects.filter(pk=row["claim"]).update(evidence_count=row["n"])


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="evidence_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_evidence, migrations.RunPython.noop),
    ]
