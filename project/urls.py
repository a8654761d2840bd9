from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("claims.reader_urls")),
    path("", include("claims.urls")),
    path("", include("ingest.urls")),
    path("", include("editorial.urls")),
]
