from django.dispatch import Signal

# Sent (inside the re-check's transaction) when a stored measure's outcome changes; kwargs:
# measure, previous, outcome, actor (None when an ingest run caused it). Editorial listens
# and proposes a verdict; measures never imports editorial.
outcome_changed = Signal()
