"""The staff page, ``/staff``: the report from the feedback store, behind a login.

Off until the config holds ``staff_secret_key``: without it no route is registered and ``/staff``
answers the site's plain 404, saying nothing more. Staff users are ``NAME:HASH`` entries in
``staff_users`` made by ``qa-bot staff add-user`` (werkzeug's scrypt hash; the password is never
stored).

- Every route but the login form needs a session: a GET without one is sent to the login page, any
  other method gets 401. The session cookie is signed with the secret key, ``HttpOnly``,
  ``SameSite=Strict`` and ``Secure`` (not under ``qa-bot serve --debug``, which serves plain HTTP).
- Every form carries a CSRF token kept in the session; a POST without the right one gets 400.
- Wrong passwords are counted per client address and per user name: the :data:`MAX_FAILURES`-th
  within :data:`LOCKOUT` locks both out (429, logged) until the window ends. The counts live in
  ``rate_limit_storage`` (memory: each worker counts alone; Redis: shared).
- The chart (answers per day by status) and the bars (top gaps) are SVG drawn here, on the server:
  no script, no CDN, nothing the page's strict CSP would refuse.
"""

from __future__ import annotations

import functools
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, session, url_for
from markupsafe import Markup, escape
from werkzeug.security import check_password_hash, generate_password_hash

from .answer import STATUSES
from .config import Config
from .errors import StoreError, UsageError

log = logging.getLogger("qa_bot.staff")

MAX_FAILURES = 10
LOCKOUT = "10 per 15 minutes"  # MAX_FAILURES wrong passwords per window lock the address and the name out
SESSION_HOURS = 8
MIN_PASSWORD = 12
USER_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")  # staff names come from the config, never a patient
REPORT_DAYS = 30


@functools.cache
def _dummy_hash() -> str:
    """Made once: a login for an unknown name checks this, so that it takes as long as a known one."""
    return generate_password_hash(secrets.token_hex(16))


def new_user_entry(name: str, password: str) -> str:
    """The ``staff_users`` entry for a login: ``NAME:HASH``. UsageError for a bad name or a short password."""
    if not USER_NAME.fullmatch(name):
        raise UsageError(f"the name '{name[:64]}' must be 1-64 letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password must be at least {MIN_PASSWORD} characters long")
    return f"{name}:{generate_password_hash(password)}"


def users_of(config: Config) -> dict[str, str]:
    return {name: hashed for name, _, hashed in (entry.partition(":") for entry in config.staff_users)}


class Lockout:
    """Counts wrong passwords per client address and per name (see the module's docstring)."""

    def __init__(self, storage_uri: str):
        from limits import parse
        from limits.storage import MemoryStorage, storage_from_string
        from limits.strategies import FixedWindowRateLimiter

        self._item = parse(LOCKOUT)
        self._memory = FixedWindowRateLimiter(MemoryStorage())
        try:
            self._window = FixedWindowRateLimiter(storage_from_string(storage_uri))
        except Exception as exc:  # an unusable store: count in this worker (serve checks it at start-up)
            log.warning("staff logins: cannot use %s (%s); counting in memory", storage_uri, type(exc).__name__)
            self._window = self._memory

    def _call(self, method: str, *keys: str) -> bool:
        try:
            return getattr(self._window, method)(self._item, "staff-login", *keys)
        except Exception:  # the shared store is down: this worker's own count, until it is back
            return getattr(self._memory, method)(self._item, "staff-login", *keys)

    def locked(self, address: str, name: str) -> bool:
        return not (self._call("test", "address", address) and self._call("test", "name", name))

    def failed(self, address: str, name: str) -> bool:
        """Count a wrong password; True if that locks the address or the name out."""
        self._call("hit", "address", address)
        self._call("hit", "name", name)
        return self.locked(address, name)


def init_staff(app: Flask, config: Config, debug: bool = False) -> None:
    """Register ``/staff`` if the config has a secret key (see the module's docstring)."""
    if not config.staff_secret_key:
        return
    app.secret_key = config.staff_secret_key
    app.config.update(SESSION_COOKIE_NAME="qa_bot_staff", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_SECURE=not debug,
                      SESSION_COOKIE_PATH="/staff", PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS))
    app.extensions["qa_bot_staff_lockout"] = Lockout(config.rate_limit_storage)
    app.register_blueprint(blueprint)


blueprint = Blueprint("staff", __name__, url_prefix="/staff")


def _csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


@blueprint.app_context_processor
def _csrf():
    return {"csrf_token": _csrf_token}


@blueprint.before_request
def _guard():
    if request.method == "POST":
        sent = request.form.get("csrf", "")
        if not sent or "csrf" not in session or not hmac.compare_digest(sent, session["csrf"]):
            abort(400, "the form is out of date or was not sent from this site: reload the page and try again")
    if request.endpoint == "staff.login":
        return None
    config = current_app.extensions["qa_bot_config"]
    if session.get("user") not in users_of(config):  # logged out, or the user was removed from the config
        if request.method == "GET":
            return redirect(url_for("staff.login"))
        abort(401)
    return None


@blueprint.after_request
def _no_cache(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("staff/login.html", error="")
    name = request.form.get("username", "")[:64]
    password = request.form.get("password", "")[:1024]
    address = request.remote_addr or "unknown"
    lockout: Lockout = current_app.extensions["qa_bot_staff_lockout"]
    if lockout.locked(address, name):
        return render_template("staff/login.html", error="Too many wrong passwords: try again in 15 minutes."), 429
    hashed = users_of(current_app.extensions["qa_bot_config"]).get(name)
    if not check_password_hash(hashed or _dummy_hash(), password) or hashed is None:
        if lockout.failed(address, name):
            log.warning("staff login locked out after %d wrong passwords (user %r)", MAX_FAILURES,
                        name if USER_NAME.fullmatch(name) else "?")
            return render_template("staff/login.html", error="Too many wrong passwords: try again in 15 minutes."), 429
        return render_template("staff/login.html", error="Wrong name or password."), 401
    session.clear()  # a fresh session (and CSRF token) for the logged-in user
    session["user"] = name
    session["csrf"] = secrets.token_urlsafe(32)
    log.info("staff login: %s", name)
    return redirect(url_for("staff.dashboard"))


@blueprint.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("staff.login"))


@blueprint.get("/")
def dashboard():
    from .reports import report

    recorder = current_app.extensions["qa_bot_recorder"]
    result, error = None, ""
    if recorder is None:
        error = "Storage is off in the config: nothing is recorded."
    else:
        try:
            articles = current_app.extensions["qa_bot_live"].get().index.articles
            result = report(recorder.store, timedelta(days=REPORT_DAYS), articles=articles)
        except StoreError as exc:
            log.error("staff page: %s", exc)
            error = "The database cannot be read just now: try again later."
    return render_template("staff/dashboard.html", report=result, error=error, user=session["user"],
                           chart=volume_chart(result.by_day) if result else "",
                           gaps=bars([(r.reason, r.count) for r in result.unanswered_reasons]) if result else "",
                           unhelpful=bars([(f"{s.article} › {s.section}", s.not_helpful)
                                           for s in result.unhelpful_sections]) if result else "",
                           statuses=STATUSES)


# -- server-side SVG -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Box:
    width: int = 720
    height: int = 220
    left: int = 40
    bottom: int = 24
    top: int = 8


def volume_chart(days, box: _Box = _Box()) -> Markup:
    """Stacked bars of answers per day by status (one ``class="s-<status>"`` per status for the CSS)."""
    peak = max((sum(d.counts.values()) for d in days), default=0) or 1
    plot_h = box.height - box.bottom - box.top
    step = (box.width - box.left) / max(len(days), 1)
    parts = [f'<svg class="chart" viewBox="0 0 {box.width} {box.height}" role="img" '
             f'aria-label="Answers per day by status">']
    parts.append(f'<text class="axis" x="{box.left - 6}" y="{box.top + 10}" text-anchor="end">{peak}</text>')
    parts.append(f'<text class="axis" x="{box.left - 6}" y="{box.height - box.bottom}" text-anchor="end">0</text>')
    for i, day in enumerate(days):
        x = box.left + i * step
        y = box.height - box.bottom
        for status in STATUSES:
            n = day.counts.get(status, 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            parts.append(f'<rect class="s-{status}" x="{x + 1:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" '
                         f'height="{h:.1f}"><title>{escape(day.day)}: {n} {status}</title></rect>')
        if (len(days) - 1 - i) % 7 == 0:  # weekly, back from today; the last label ends at the edge, not cut
            last = i == len(days) - 1
            parts.append(f'<text class="axis" x="{x + step if last else x + step / 2:.1f}" y="{box.height - 6}" '
                         f'text-anchor="{"end" if last else "middle"}">{escape(day.day[5:])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(rows: list[tuple[str, int]], width: int = 720, row_h: int = 26) -> Markup:
    """Horizontal bars, one a row: the label above its bar, the count at its end."""
    if not rows:
        return Markup('<p class="meta">None in this period.</p>')
    peak = max(n for _, n in rows) or 1
    height = row_h * len(rows) * 2
    parts = [f'<svg class="bars" viewBox="0 0 {width} {height}" role="img" aria-label="Counts">']
    for i, (label, n) in enumerate(rows):
        y = i * row_h * 2
        w = (width - 60) * n / peak
        parts.append(f'<text x="0" y="{y + row_h - 8}">{escape(label)}</text>')
        parts.append(f'<rect class="bar" x="0" y="{y + row_h - 4}" width="{w:.1f}" height="{row_h - 8}"/>')
        parts.append(f'<text class="count" x="{w + 6:.1f}" y="{y + 2 * row_h - 14}">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
