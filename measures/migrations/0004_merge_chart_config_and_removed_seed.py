"""Chart configuration and the removed-seed marker were added side by side; they share nothing."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("measures", "0003_chart_config"),
        ("measures", "0003_removed_seed"),
    ]

    operations = []
