from django.contrib import admin
from django.templatetags.static import static
from django.shortcuts import redirect
from django.urls import include, path

from editorial.accounts import admin_login

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that are not HTML (feeds, downloads); resolved
    # per request because the hashed static name only exists after collectstatic.
    path("favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)),
    # Before admin.site.urls, so the admin's login goes through the login throttle too.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("", include("reader.urls")),
    path("", include("ingest.urls")),
    path("", include("editorial.urls")),
]

# Error pages in the site's design (claims/errors.py); the 500 page needs no database.
handler400 = "claims.errors.handler400"
handler403 = "claims.errors.handler403"
handler404 = "claims.errors.handler404"
handler500 = "claims.errors.handler500"
