import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from claims.site import site_url
from editorial.roles import ensure_editors_group

PASSWORD_VARIABLE = "CLAIMWATCH_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        f"Create an editor: a user in the 'editors' group. The password comes from ${PASSWORD_VARIABLE} "
        "or a prompt, and must pass the password validators."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        username = username.strip()
        if not username:
            raise CommandError("Give a username.")
        if User._default_manager.filter(**{User.USERNAME_FIELD: username}).exists():
            raise CommandError(f"A user called {username!r} already exists.")
        password = os.environ.get(PASSWORD_VARIABLE) or self._prompt()
        candidate = User(**{User.USERNAME_FIELD: username, "email": email})
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from None
        with transaction.atomic():
            user = User._default_manager.create_user(username=username, email=email, password=password)
            user.groups.add(ensure_editors_group())
        self.stdout.write(self.style.SUCCESS(f"Editor {username!r} created."))
        # The next thing a new editor needs is the address; the site URL is the configured one.
        login = site_url(reverse("login")) + "?next=" + reverse("editorial:queue")
        self.stdout.write(f"Log in at {login} (the review queue opens after logging in).")

    def _prompt(self) -> str:
        if not os.isatty(0):
            raise CommandError(f"No terminal to ask for a password: set ${PASSWORD_VARIABLE}.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
