from django.dispatch import Signal

# Sent after a run's data has committed; receivers take the run id (suggestions, re-checks).
run_succeeded = Signal()
