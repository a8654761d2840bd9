from django.dispatch import Signal

# Sent once per re-check (inside its transaction) with every stored outcome that changed:
# changes=[(measure, previous, outcome), ...], actor=None (an ingest run caused it). Editorial
# listens and proposes verdicts in bulk; measures never imports editorial.
outcomes_changed = Signal()
