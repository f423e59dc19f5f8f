"""Log formatting, loaded by LOGGING before the apps: imports nothing of the project."""

import json
import logging


class Formatter(logging.Formatter):
    """Plain records as usual; security events (accounts/audit.py) as one JSON object a line."""

    def format(self, record):
        fields = getattr(record, "security", None)
        if fields is None:
            return super().format(record)
        return json.dumps({"logger": record.name, "level": record.levelname, **fields})
