"""The roles of the CDP Dashboard together under load, for locust (bench/bench_load.py runs it).

- Board members (the most numerous) sign in through the sign-in form and open their
  partnership's dashboard, its metric pages and its spine chart.
- Leads sign in, open the action plan, open one of their milestones' progress form and save
  an update with the version the form carries, then land on the milestone's page. Each lead
  edits its own share of its partnership's milestones, so a save is refused as stale (409)
  only when more leads run than there are shares; then it is expected, not a failure.
- Analysts use an API token and export their partnership's observations as CSV, or read a
  JSON page of them.
- Partnership administrators sign in with the password and then the authenticator app's code
  (the second factor), and open the members page and the dashboard.

LOAD_PLAN names the JSON file bench_load.py writes: per partnership its slug, the lead's and
the board member's username and password, the analyst's token, the plan's milestone ids and
the metric ids with summaries. Requests are named by kind (`name=`), not by id. With
LOAD_REQUESTS set, every request is also written to that CSV file as it ends (start time,
method, name, milliseconds, error), for bench_load.py's exact percentiles.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import os
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import gevent
import pyotp
from locust import HttpUser, between, events, task
from requests.cookies import RequestsCookieJar

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
PARTNERSHIPS = PLAN["partnerships"]
SHARES = 4  # leads per partnership that never edit the same milestone
STATUSES = ["not_started", "on_track", "at_risk", "off_track", "complete"]
# locust starts each second's users at the same instant (floor(rate) of them, every
# floor(rate) / rate seconds); people arrive at random moments. Each user starts at a random
# moment of its batch's interval, so that the rate is kept but its sign-ins are not
# simultaneous.
_RATE = float(os.environ.get("LOAD_SPAWN_RATE", 10))
ARRIVAL_SPREAD = max(1, math.floor(_RATE)) / _RATE
_numbers = {"lead": itertools.count(), "board": itertools.count(), "analyst": itertools.count(),
            "admin": itertools.count()}
TOTP = pyotp.TOTP(PLAN.get("totp_secret", "")) if PLAN.get("totp_secret") else None
RECORD = os.environ.get("LOAD_REQUESTS")
_log = open(RECORD, "w", newline="") if RECORD else None  # closed when locust quits
_requests = csv.writer(_log) if _log else None


@events.request.add_listener
def record(request_type, name, response_time, exception, start_time=0.0, **kwargs):
    if _requests:
        _requests.writerow([f"{start_time:.4f}", request_type, name, f"{response_time:.2f}",
                            "" if exception is None else str(exception)[:300]])


@events.quitting.add_listener
def close(**kwargs):
    if _log:
        _log.close()


class PlainHttpJar(RequestsCookieJar):
    """The production settings mark the session and CSRF cookies Secure, which a client sends
    over HTTPS only; gunicorn is spoken to over plain HTTP here, as by a TLS-terminating
    proxy, so the cookies are kept as if they were not Secure."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class FormFields(HTMLParser):
    """The fields a browser would submit from the page's form holding `marker`."""

    def __init__(self, marker: str):
        super().__init__(convert_charrefs=True)
        self.marker, self.forms, self._textarea = marker, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.forms[-1][attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self.forms[-1][self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1][self._textarea] += data

    @classmethod
    def of(cls, html: str, marker: str) -> dict[str, str] | None:
        parser = cls(marker)
        parser.feed(html)
        return next((f for f in parser.forms if marker in f), None)


def expect(response, status: int, *, text: str = "", kind: str = "") -> bool:
    """Marks the response failed unless it has this status (and text, and content type)."""
    if response.status_code != status:
        response.failure(f"status {response.status_code}, expected {status}"
                         + (f": {response.error!r}" if response.error else ""))
    elif kind and not response.headers.get("Content-Type", "").startswith(kind):
        response.failure(f"content type {response.headers.get('Content-Type')}")
    elif text and text not in response.text:
        response.failure(f"{text!r} not in the page")
    else:
        response.success()
        return True
    return False


class SignedInUser(HttpUser):
    abstract = True
    role = ""

    def on_start(self):
        gevent.sleep(random.uniform(0, ARRIVAL_SPREAD))
        number = next(_numbers[self.role])
        self.partnership = PARTNERSHIPS[number % len(PARTNERSHIPS)]
        self.share = number // len(PARTNERSHIPS)
        self.base = f"/partnerships/{self.partnership['slug']}/"
        self.client.cookies = PlainHttpJar()
        self.sign_in(*self.account())

    def account(self) -> list[str]:
        return self.partnership[self.role]

    def sign_in(self, username: str, password: str) -> str | None:
        """The sign-in form, then the password; returns the CSRF token."""
        with self.client.get("/sign-in/", name="sign-in form", catch_response=True) as page:
            if not expect(page, 200):
                return None
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        token = token and token.group(1)
        with self.client.post("/sign-in/", name="sign-in", allow_redirects=False,
                              catch_response=True,
                              data={"csrfmiddlewaretoken": token,
                                    "username": username, "password": password}) as signed:
            expect(signed, 302)
        return token


class BoardUser(SignedInUser):
    """A board member: the dashboard, a metric, the spine chart."""

    weight = 5
    role = "board"
    wait_time = between(1, 4)

    @task(3)
    def dashboard(self):
        with self.client.get(self.base, name="dashboard", catch_response=True) as page:
            expect(page, 200, text="Milestones by")

    @task(2)
    def metric(self):
        metric = random.choice(self.partnership["metrics"])
        with self.client.get(f"{self.base}metrics/{metric}/", name="metric page",
                             catch_response=True) as page:
            expect(page, 200)

    @task(1)
    def spine(self):
        with self.client.get(f"{self.base}spine/", name="spine page",
                             catch_response=True) as page:
            expect(page, 200)


class LeadUser(SignedInUser):
    """A partnership lead: the plan, then a progress update on one of their milestones."""

    weight = 3
    role = "lead"
    wait_time = between(2, 6)

    def on_start(self):
        super().on_start()
        milestones = self.partnership["milestones"]
        self.mine = milestones[self.share % SHARES::SHARES]
        self.shared = self.share >= SHARES  # another lead edits the same ones: stale is fine
        self.saves = 0

    @task(1)
    def plan(self):
        with self.client.get(f"{self.base}plan/", name="plan page", catch_response=True) as page:
            expect(page, 200)

    @task(3)
    def update_milestone(self):
        self.plan()
        milestone = f"{self.base}plan/milestones/{random.choice(self.mine)}/"
        with self.client.get(f"{milestone}progress/", name="milestone progress form",
                             catch_response=True) as page:
            if not expect(page, 200):
                return
            fields = FormFields.of(page.text, "version")
            if fields is None:
                page.failure("no progress form with a version on the page")
                return
        self.saves += 1
        fields.update(status=random.choice(STATUSES),
                      progress_note=f"Load test update {self.saves} by {id(self):x}.")
        with self.client.post(f"{milestone}progress/", name="milestone save", data=fields,
                              allow_redirects=False, catch_response=True) as saved:
            if saved.status_code == 409 and self.shared:
                saved.success()  # someone saved it in between: the refusal is right
                return
            if not expect(saved, 302):
                return
        with self.client.get(milestone, name="milestone page", catch_response=True) as page:
            expect(page, 200, text="Milestone saved")


class AnalystUser(HttpUser):
    """An analyst with an API token: the partnership's observations as CSV, or a JSON page."""

    weight = 2
    wait_time = between(2, 6)

    def on_start(self):
        gevent.sleep(random.uniform(0, ARRIVAL_SPREAD))
        number = next(_numbers["analyst"])
        self.partnership = PARTNERSHIPS[number % len(PARTNERSHIPS)]
        self.client.headers["Authorization"] = f"Token {self.partnership['token']}"

    @task(3)
    def export_csv(self):
        with self.client.get("/api/v1/observations/", name="observations CSV export",
                             params={"partnership": self.partnership["slug"], "format": "csv"},
                             catch_response=True) as export:
            if expect(export, 200, kind="text/csv") and export.text.count("\n") < 1000:
                export.failure(f"only {export.text.count(chr(10))} lines")

    @task(1)
    def json_page(self):
        with self.client.get("/api/v1/observations/", name="observations JSON page",
                             params={"partnership": self.partnership["slug"]},
                             catch_response=True) as page:
            if expect(page, 200, kind="application/json") and not page.json()["results"]:
                page.failure("no results")


class AdminUser(SignedInUser):
    """A partnership administrator: signs in with the second factor (the authenticator app's
    code), then the members page and the dashboard."""

    weight = 1
    role = "admin"
    wait_time = between(2, 6)

    def account(self) -> list[str]:
        admins = self.partnership["admins"]
        return admins[self.share % len(admins)]  # each its own: a code is taken once

    def sign_in(self, username: str, password: str) -> str | None:
        token = super().sign_in(username, password)
        with self.client.get("/sign-in/second-factor/", name="second-factor form",
                             catch_response=True) as page:
            if not expect(page, 200):
                return None
        with self.client.post("/sign-in/second-factor/", name="sign-in second factor",
                              allow_redirects=False, catch_response=True,
                              data={"csrfmiddlewaretoken": token, "code": TOTP.now()}) as done:
            expect(done, 302)
        return token

    @task(1)
    def members(self):
        with self.client.get(f"{self.base}members/", name="members page",
                             catch_response=True) as page:
            expect(page, 200)

    @task(2)
    def dashboard(self):
        with self.client.get(self.base, name="dashboard", catch_response=True) as page:
            expect(page, 200, text="Milestones by")
