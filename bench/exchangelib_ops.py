"""The peer for the probe-latency benchmark: Debian's python3-exchangelib does what our probe suite
does on the wire (Basic login to the service account's own calendar, an impersonated calendar view
of the test mailbox, create and delete an item without invitations) against the same fake, through
the same delaying proxy. The interpreter start and the import are not timed; the operations are.
TLS verification stays on (REQUESTS_CA_BUNDLE names the fake's CA).

Run with /usr/bin/python3. Prints one JSON line: {"ms": wall, "ok": bool, "detail": text}.
"""
import datetime
import json
import os
import time

from exchangelib import BASIC, DELEGATE, IMPERSONATION, Account, CalendarItem, Configuration, Credentials, EWSDateTime, EWSTimeZone

URL = os.environ["BENCH_EWS_URL"]
USER = os.environ["BENCH_EWS_USER"]
PASSWORD = os.environ["BENCH_EWS_PASSWORD"]
MAILBOX = os.environ["BENCH_TEST_MAILBOX"]
UTC = EWSTimeZone("UTC")


def main():
    started = time.perf_counter()
    config = Configuration(service_endpoint=URL, credentials=Credentials(USER, PASSWORD), auth_type=BASIC)
    own = Account(primary_smtp_address=USER, config=config, autodiscover=False, access_type=DELEGATE)
    own_calendar = own.calendar.name
    target = Account(primary_smtp_address=MAILBOX, config=config, autodiscover=False, access_type=IMPERSONATION)
    now = EWSDateTime.now(tz=UTC)
    events = list(target.calendar.view(start=now, end=now + datetime.timedelta(days=7)))
    start = now + datetime.timedelta(hours=1)
    item = CalendarItem(account=target, folder=target.calendar, subject="exchangelib benchmark item",
                        start=start, end=start + datetime.timedelta(minutes=15))
    item.save(send_meeting_invitations="SendToNone")
    created = item.id
    item.delete(send_meeting_cancellations="SendToNone")
    ms = (time.perf_counter() - started) * 1000
    print(json.dumps({"ms": ms, "ok": bool(own_calendar) and bool(created), "detail": f"{len(events)} events"}), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # reported, never hidden: the benchmark shows the peer as failed
        print(json.dumps({"ms": None, "ok": False, "detail": f"{type(exc).__name__}: {exc}"[:300]}), flush=True)
