"""The narrow search rows of public evidence: PostgreSQL only (migration 0017_evidence_search_rows).

/search/'s evidence group found its candidates in the GIN index of claims_evidence and then read
each one's heap row at random to check it was accepted and its claim's row to check it was
published: 101 candidates, two random reads each, in a 651 MB table at 1M evidence links (5-40 ms
of reads per search). This table holds only public evidence (accepted, on a published claim), its
document (a copy of claims_evidence.search_document) and what the group sorts by, so the
candidates, their rank and their order come from one small table, and only the ten rows shown are
read from claims_evidence.

Triggers keep it exact on every write path: an evidence insert, update (state, text, a source's or
feed item's rename, which touches the evidence row) or delete, and a claim's publish or unpublish.
A model, managed, so that a flush empties it with the evidence; no foreign key: the triggers, not
Django's collector, own the rows. ``document`` (tsvector) is not a field, as
claims_evidence.search_document is not (claims/search.py reads it in SQL).
"""

from django.db import models

from .models import Evidence


class EvidenceSearch(models.Model):
    evidence = models.OneToOneField(Evidence, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                    related_name="+")
    created = models.DateTimeField()
