from django.dispatch import Signal

# Sent after a run's data has committed; receivers take the run id (suggestions, re-checks).
run_succeeded = Signal()

# Sent after a run's data has committed, when it created, changed or lost records:
# ``run_id`` and ``changed`` = {model name: frozenset of record keys} (the keys shown in the
# run's diff, e.g. "gpt-4" for an AIModel, "epoch-run:<id>" for a BenchmarkScore). The
# blast radius of a run: receivers (measures, re-checks) find what depends on those records
# without ingest knowing about them. Sent before run_succeeded, so a receiver sees what
# depends on the records as it stood before the re-checks that run_succeeded starts; what
# they find can be shown on the run page through ingest.blast_radius.
data_changed = Signal()

# Sent after an operator's edit of ingested data in the admin commits: ``model`` is the edited
# model class. No ingest run stamps such an edit, so receivers drop or rebuild what they derived
# from the data (stored charts and downloads, measure results) instead of waiting for a run.
data_edited = Signal()
