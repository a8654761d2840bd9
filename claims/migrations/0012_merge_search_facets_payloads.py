# Joins three lines of work that each added claims migrations: search indexes, facet tables, stored payloads.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0010_payload_store'),
        ('claims', '0010_search_fts_postgres'),
        ('claims', '0011_facet_person_order'),
    ]

    operations = [
    ]
