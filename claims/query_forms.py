"""The base of every GET form: a query string parsed by a Form, and its errors in one wording.

A page, feed or download that reads parameters from the URL subclasses ``QueryForm`` and,
when the form is invalid, answers with ``claims.errors.bad_query(request, form)``: the same
sentence ("Invalid parameters: status: Select a valid choice...") whatever the endpoint,
as an HTML page or as plain text for machine-read formats.
"""

from django import forms


class QueryForm(forms.Form):
    """A form over ``request.GET``: invalid values are a 400 that says which, never a guess."""

    def error_text(self) -> str:
        """Every field's errors on one line, field by field ("q: ...; page: ...")."""
        return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in self.errors.items())
