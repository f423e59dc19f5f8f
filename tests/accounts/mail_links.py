"""Reading the links the people pages e-mail, as the person who receives them would."""

import re

from django.core import mail

LINK = re.compile(r"https?://[^\s]+/accounts/(?:link|password-reset)/[^\s]+/")


def last_link(to=None):
    """The set-up or reset link of the latest e-mail (to `to`, if given)."""
    messages = [m for m in mail.outbox if to is None or to in m.to]
    assert messages, "no e-mail was sent"
    found = LINK.findall(messages[-1].body)
    assert found, messages[-1].body
    return found[-1]


def path_of(url):
    return "/" + url.split("/", 3)[3]
