"""Notifications: after a run is recorded, one message per channel with what is news for it
(README "Notifications").

    channels.py  the channels (`notifications:` of sqlmon_project.yml, `--notify webhook:URL`) and
                 the routes that pick which results each one hears about
    events.py    what a channel is told about each test: alert, repeat, recovery or nothing, from
                 what it was delivered before (the history's `notifications` table)
    payload.py   the message: grouped by owner and monitor, a tripped gate as one line; Slack or JSON
    delivery.py  the POST, retried with backoff (tenacity)
    send.py      the whole of it for one run, and the record of what was delivered
"""
from __future__ import annotations

from sqlmon.notify.channels import Channel, parse_targets
from sqlmon.notify.send import send_notifications

__all__ = ["Channel", "parse_targets", "send_notifications"]
