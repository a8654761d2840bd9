"""The editors group with its permissions (editorial/roles.py holds the list)."""

from django.db import migrations


def create_editors_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from editorial.roles import EDITORS_GROUP, grant_editor_permissions

    # Permissions are normally made after all migrations (post_migrate); make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(name=EDITORS_GROUP)
    # Not strict: permissions of apps whose models come in later migrations (measures)
    # are granted by 0003 and by post_migrate.
    grant_editor_permissions(group, Permission, using=schema_editor.connection.alias, strict=False)


def remove_editors_group(apps, schema_editor):
    from editorial.roles import EDITORS_GROUP

    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
