"""The audit log moved to claims (claims 0006 takes it over in state); the table stays put."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('editorial', '0002_editors_group'),
        ('claims', '0006_quote_framing_attributions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='AuditEntry')],
            database_operations=[],
        ),
    ]
