"""Log in (throttled), log out, change password: Django's auth views with our templates."""

import logging

from django.contrib.auth import views as auth_views
from django.urls import reverse, reverse_lazy

from . import audit, throttle
from .forms import ThrottledAuthenticationForm

log = logging.getLogger(__name__)

THROTTLED_MESSAGE = (
    f"Too many failed attempts for this username. Wait {throttle.WINDOW_SECONDS // 60} minutes "
    "and try again, or ask an administrator to reset your password."
)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")[:150]
        if throttle.is_locked(username, throttle.client_ip(request)):
            # Refused before the password is even checked, so guessing on is pointless.
            log.warning("login throttled for %r from %s", username, throttle.client_ip(request))
            form = self.form_class(request, initial={"username": username})
            context = self.get_context_data(form=form, throttled_message=THROTTLED_MESSAGE)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")[:150]
        failures = throttle.record_failure(username, throttle.client_ip(self.request))
        if failures >= throttle.MAX_FAILURES:
            context = self.get_context_data(form=form, throttled_message=THROTTLED_MESSAGE)
            return self.render_to_response(context, status=429)
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
