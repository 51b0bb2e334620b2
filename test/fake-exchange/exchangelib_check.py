"""Independent client check of the fake Exchange server with exchangelib (Debian's python3-exchangelib 4.9).

Run by exchangelib_check.mjs, which starts the fake and passes its URL, account and CA file in the
environment. TLS verification stays on: the CA is given to requests through REQUESTS_CA_BUNDLE.
Prints one JSON line per check: {"check": name, "ok": bool, "detail": text}.

Usage: /usr/bin/python3 exchangelib_check.py healthy|impersonation-denied
"""
import datetime
import json
import os
import sys

from exchangelib import (BASIC, DELEGATE, IMPERSONATION, Account, CalendarItem, Configuration, Credentials,
                         EWSDateTime, EWSTimeZone)
from exchangelib.errors import ErrorImpersonateUserDenied, TransportError
from exchangelib.protocol import BaseProtocol

URL = os.environ["FAKE_EWS_URL"]
USER = os.environ["FAKE_EWS_USER"]
PASSWORD = os.environ["FAKE_EWS_PASSWORD"]
TEST_MAILBOX = os.environ["FAKE_TEST_MAILBOX"]
CA_FILE = os.environ["REQUESTS_CA_BUNDLE"]
UTC = EWSTimeZone("UTC")

# Keep failures quick: exchangelib would otherwise retry for minutes.
BaseProtocol.TIMEOUT = 10


def report(check, ok, detail=""):
    print(json.dumps({"check": check, "ok": bool(ok), "detail": str(detail)[:500]}), flush=True)


def run_check(name, fn):
    try:
        ok, detail = fn()
    except Exception as exc:  # a check that raises has failed; say why
        ok, detail = False, f"{type(exc).__name__}: {exc}"
    report(name, ok, detail)


def config():
    return Configuration(service_endpoint=URL, credentials=Credentials(USER, PASSWORD), auth_type=BASIC)


def account(address, access_type):
    return Account(primary_smtp_address=address, config=config(), autodiscover=False, access_type=access_type)


def check_tls_verification_is_on():
    # With only the system roots the test CA is unknown: the connection must be refused.
    os.environ["REQUESTS_CA_BUNDLE"] = "/etc/ssl/certs/ca-certificates.crt"
    try:
        account(USER, DELEGATE).root
        return False, "connected without trusting the test CA"
    except TransportError as exc:
        return "CERTIFICATE_VERIFY_FAILED" in str(exc), f"refused: {str(exc)[:200]}"
    finally:
        os.environ["REQUESTS_CA_BUNDLE"] = CA_FILE


def check_basic_login():
    acc = account(USER, DELEGATE)
    folder = acc.calendar
    build = acc.version.build
    ok = folder.name == "Calendar" and build is not None and (build.major_version, build.minor_version) == (15, 2)
    return ok, f"calendar={folder.name!r} build={build} api={acc.version.api_version}"


def upcoming_window():
    start = EWSDateTime.now(tz=UTC)
    return start, start + datetime.timedelta(days=7)


def check_impersonated_view():
    acc = account(TEST_MAILBOX, IMPERSONATION)
    start, end = upcoming_window()
    items = list(acc.calendar.view(start=start, end=end))
    inside = all(item.start < end and item.end > start for item in items)
    return len(items) >= 1 and inside, f"{len(items)} items: {[i.subject for i in items]}"


def check_create_and_delete():
    acc = account(TEST_MAILBOX, IMPERSONATION)
    start = EWSDateTime.now(tz=UTC).replace(microsecond=0) + datetime.timedelta(days=1)
    item = CalendarItem(account=acc, folder=acc.calendar, subject="exchangelib write test",
                        start=start, end=start + datetime.timedelta(minutes=30))
    item.save(send_meeting_invitations="SendToNone")
    created_id = item.id
    found = [i for i in acc.calendar.view(start=start, end=start + datetime.timedelta(hours=1)) if i.id == created_id]
    item.delete(send_meeting_cancellations="SendToNone")
    after = [i for i in acc.calendar.view(start=start, end=start + datetime.timedelta(hours=1)) if i.id == created_id]
    return bool(created_id) and len(found) == 1 and not after, f"id={created_id} seen={len(found)} after_delete={len(after)}"


def check_impersonation_denied():
    acc = account(TEST_MAILBOX, IMPERSONATION)
    start, end = upcoming_window()
    try:
        list(acc.calendar.view(start=start, end=end))
        return False, "no error raised"
    except ErrorImpersonateUserDenied as exc:
        return True, f"raised ErrorImpersonateUserDenied: {exc}"


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "healthy"
    if mode == "healthy":
        run_check("tls-verification-on", check_tls_verification_is_on)
        run_check("basic-login", check_basic_login)
        run_check("impersonated-calendar-view", check_impersonated_view)
        run_check("create-and-delete", check_create_and_delete)
    elif mode == "impersonation-denied":
        run_check("impersonation-denied", check_impersonation_denied)
    else:
        report("arguments", False, f"unknown mode {mode}")


if __name__ == "__main__":
    main()
