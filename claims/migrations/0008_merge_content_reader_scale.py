"""Three lines of work met here (quote framing, correction verdicts, browse indexes); none
touches another's columns."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0006_quote_framing_attributions"),
        ("claims", "0006_verdict_is_correction"),
        ("claims", "0007_browse_sort_and_facet_indexes"),
    ]

    operations = []
