"""Operationalisation (0 rows anywhere) gives way to measures.Measure; proposals point at it."""

import django.db.models.deletion
from django.db import migrations, models


def regrant_editors(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from editorial.roles import EDITORS_GROUP, grant_editor_permissions

    alias = schema_editor.connection.alias
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=alias)
        app_config.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(alias).get_or_create(name=EDITORS_GROUP)
    grant_editor_permissions(group, Permission, using=alias, strict=False)


class Migration(migrations.Migration):

    dependencies = [
        ('editorial', '0002_editors_group'),
        ('measures', '0001_measure'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='proposedverdict',
            name='operationalisation',
        ),
        migrations.AddField(
            model_name='proposedverdict',
            name='measure',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='proposals', to='measures.measure'),
        ),
        migrations.AlterField(
            model_name='proposedverdict',
            name='outcome',
            field=models.CharField(choices=[('pending', 'pending (no data yet)'), ('measured', 'measured (no threshold)'), ('met', 'met'), ('not_met', 'not met (yet)'), ('expired', 'expired: not met by the deadline')], max_length=10),
        ),
        migrations.DeleteModel(
            name='Operationalisation',
        ),
        # Editors may now view, add, change and delete measures instead.
        migrations.RunPython(regrant_editors, migrations.RunPython.noop),
    ]
