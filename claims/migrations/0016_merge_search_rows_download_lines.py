from django.db import migrations


class Migration(migrations.Migration):
    """Joins two lines made side by side: the stored download lines (0013) and the narrow
    search rows (0013-0015). Neither touches the other's tables."""

    dependencies = [
        ("claims", "0013_stored_download_lines"),
        ("claims", "0015_claim_search_rows_changed_only"),
    ]

    operations = []
