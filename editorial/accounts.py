"""Log in (throttled), log out, change password: Django's auth views with our templates."""

import logging

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse, reverse_lazy

from . import audit, throttle
from .forms import ThrottledAuthenticationForm

log = logging.getLogger(__name__)

def _too_many(response, seconds: int):
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    return response


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def _throttled(self, seconds, form):
        context = self.get_context_data(form=form, throttled_message=throttle.message(seconds))
        return _too_many(self.render_to_response(context), seconds)

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        wait = throttle.locked_for(username, throttle.client_ip(request))
        if wait:
            # Refused before the password is even checked, so guessing on is pointless.
            log.warning("login throttled for %r from %s", username[:150], throttle.client_ip(request))
            return self._throttled(wait, self.form_class(request, initial={"username": username[:150]}))
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        seconds = throttle.record_failure(self.request.POST.get("username", ""), throttle.client_ip(self.request))
        if seconds:
            return self._throttled(seconds, form)
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.clear(form.get_user().get_username(), throttle.client_ip(self.request))
        return super().form_valid(form)

    def get_default_redirect_url(self):
        user = self.request.user
        if user.has_perm("claims.change_evidence"):
            return reverse("editorial:queue")
        return reverse("claims:home")


class LogoutView(auth_views.LogoutView):
    # Django's LogoutView accepts POST only: a GET (an <img src>, a prefetch) cannot log anyone out.
    template_name = "registration/logged_out.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(self.request.user, "account.password_changed", target=self.request.user,
                     summary=f"{self.request.user.get_username()} changed their password")
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


def admin_login(request, extra_context=None):
    """The admin's own login view behind the same throttle as /accounts/login/.

    The admin answers a failed login by showing its form again (200) and a good one by
    redirecting; that is all the throttle needs to know.
    """
    from django.contrib import admin

    if request.method != "POST":
        return admin.site.login(request, extra_context)
    username, ip = request.POST.get("username", ""), throttle.client_ip(request)
    wait = throttle.locked_for(username, ip)
    if wait:
        log.warning("admin login throttled for %r from %s", username[:150], ip)
        return _too_many(HttpResponse(throttle.message(wait), content_type="text/plain; charset=utf-8"), wait)
    response = admin.site.login(request, extra_context)
    if request.user.is_authenticated and request.user.is_staff and response.status_code == 302:
        throttle.clear(request.user.get_username(), ip)
    elif response.status_code == 200:
        seconds = throttle.record_failure(username, ip)
        if seconds:
            return _too_many(HttpResponse(throttle.message(seconds), content_type="text/plain; charset=utf-8"),
                             seconds)
    return response
