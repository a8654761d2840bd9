"""A page fetched with the SQL it ran: the scale tests pin what a warm or cold request reads."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def get_with_queries(client, url):
    """The page's HTML (after asserting a 200) and the SQL of every query the request ran."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]
