"""A urlconf with one view that crashes, for the 500 page test; the project's handlers apply."""

from django.urls import path

from reader import views
from project.urls import handler500, urlpatterns  # noqa: F401  (handler500 is read from here)

urlpatterns = [path("boom/", lambda request: views.person_list(request)), *urlpatterns]
