"""Two branches of work met here: the audit log's move to claims and measures replacing the
data tests. Neither touches the other's tables."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("editorial", "0003_auditentry_moves_to_claims"),
        ("editorial", "0003_measure_replaces_operationalisation"),
    ]

    operations = []
