from django import forms

from .models import Claim


class BrowseForm(forms.Form):
    """GET filters for /claims/. Invalid values are a 400, not an empty page."""

    topic = forms.SlugField(required=False, max_length=100)
    person = forms.SlugField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", "any")] + list(Claim.Status.choices))
    kind = forms.ChoiceField(required=False, choices=[("", "any")] + list(Claim.Kind.choices))
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("topic"):
            queryset = queryset.filter(topics__slug=data["topic"])
        if data.get("person"):
            queryset = queryset.filter(person__slug=data["person"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        return queryset

    def error_text(self):
        return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in self.errors.items())
