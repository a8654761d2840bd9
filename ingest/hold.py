"""When a payload is held for review instead of applied.

A held run changes nothing (its transaction is rolled back), keeps its payload and its
diff, and waits for staff to apply or discard it. Thresholds can be set per source in
``DataSource.options`` (``hold_row_drop``, ``hold_change_share``); the defaults are below.
"""

from .models import IngestRun

# A row count that falls by more than this share against the last good run: an export
# cut short, or a filter upstream that nobody announced.
ROW_DROP = 0.2
# A run that would change (or leave empty) more than this share of the stored values it
# compares is more likely a broken export than a wave of corrections.
CHANGE_SHARE = 0.25
# Below this many compared values a share says little (a tiny fixture, a new source).
MIN_COMPARED = 50


def hold_reasons(run: IngestRun, ctx) -> list[str]:
    options = run.source.options or {}
    reasons = list(ctx.damage)
    previous = (
        IngestRun.objects.filter(source=run.source, status=IngestRun.Status.OK, record_count__isnull=False)
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-id")
        .values_list("record_count", flat=True)
        .first()
    )
    drop = float(options.get("hold_row_drop", ROW_DROP))
    if previous and ctx.records < previous * (1 - drop):
        reasons.append(f"the payload has {ctx.records} records against {previous} in the last good run "
                       f"(a drop of {1 - ctx.records / previous:.0%}, over {drop:.0%})")
    share = float(options.get("hold_change_share", CHANGE_SHARE))
    compared = ctx.diff.compared_values
    if compared >= MIN_COMPARED:
        changed = ctx.diff.changed_values / compared
        blanked = ctx.diff.blanked_values / compared
        if changed > share:
            reasons.append(f"it would change {ctx.diff.changed_values} of {compared} stored values "
                           f"({changed:.0%}, over {share:.0%})")
        if blanked > share:
            reasons.append(f"it leaves {ctx.diff.blanked_values} of {compared} values this source set empty "
                           f"({blanked:.0%}, over {share:.0%})")
    return reasons
