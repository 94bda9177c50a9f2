"""Times as the person at the page reads them: in their browser's time zone.

Stores keep times in ISO 8601 UTC (``2026-03-01T09:30:00+00:00``), right for files and
machines but wrong on a page: a teacher in Berlin saved a base at 10:30, not 09:30. Nothing
here imports streamlit; the page passes the browser's zone (``st.context.timezone``).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def local_time(iso: str, zone: str | None) -> str:
    """``iso`` as ``YYYY-MM-DD HH:MM`` in ``zone`` (an IANA name such as ``Asia/Shanghai``).

    Without a usable ``zone`` (a browser that did not say) the server's own zone is used.
    A text that is not an ISO time comes back unchanged rather than failing the page.
    """
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    try:
        target = ZoneInfo(zone) if zone else None
    except (ZoneInfoNotFoundError, ValueError):
        target = None
    return moment.astimezone(target).strftime("%Y-%m-%d %H:%M")
