"""Swedish for strings that the libraries we use mark for translation but do not translate
into Swedish themselves: listed here so that makemessages keeps them in our catalogue, where
Django finds them first (LOCALE_PATHS). Nothing imports this module."""

from django.utils.translation import gettext_noop

THIRD_PARTY_STRINGS = [
    # Django 6.1: the empty choice of every select
    gettext_noop("- Select an option -"),
    # django-axes: login attempts and lockouts in the admin
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Path"),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Not set"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    # django-axes: the admin's action
    gettext_noop("Clean up expired attempts"),
    # django-tasks-db: background task results in the admin
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("args kwargs"),
    gettext_noop("backend name"),
    gettext_noop("enqueued at"),
    gettext_noop("exception class path"),
    gettext_noop("finished at"),
    gettext_noop("priority"),
    gettext_noop("queue name"),
    gettext_noop("return value"),
    gettext_noop("run after"),
    gettext_noop("started at"),
    gettext_noop("status"),
    gettext_noop("task path"),
    gettext_noop("traceback"),
    gettext_noop("worker id"),
]
