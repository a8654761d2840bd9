"""Whether the data backs a claim's status: it does when one of its measures has a stored
result (a value the data gave, not "pending"). The content rules call this."""

from .models import Measure


def measure_backs(claim) -> bool:
    return Measure.objects.filter(claim=claim).with_result().exists()
