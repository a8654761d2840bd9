"""The revert form: putting the record back needs a stated reason, like any verdict."""

from django import forms


class RevertForm(forms.Form):
    reason = forms.CharField(
        max_length=400, strip=True, label="Why revert?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown in the claim's history and, if the verdict changes back, in its public verdict history.",
        error_messages={"required": "Give a reason for the revert."},
    )
