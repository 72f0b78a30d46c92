"""The web layer: a Flask app factory serving the JSON API, the demo site and the widget.

``create_app(config)`` loads the index once (per worker process, when run under gunicorn) and
registers three parts, each with its own ``init_*`` function:

* the API under ``/api/``: ``POST /api/ask`` returns ``Answer.to_dict()``, the same JSON contract the
  CLI prints; ``GET /api/health``, ``GET /api/topics``, ``GET /api/openapi.json``. Every error
  under ``/api/`` is JSON ``{"error": {"code", "message"}}`` with its HTTP status, never HTML.
* CORS for the API: only the origins in ``config.cors_origins`` (and the site itself) may call it
  from a browser.
* the demo site (``/`` and ``/articles/<slug>``) and the widget files (``/widget.js``,
  ``/widget.css``), served with a strict Content-Security-Policy (no inline script or style).
"""

from __future__ import annotations

import json
import logging
import time
from functools import lru_cache

from flask import Flask, Response, abort, current_app, g, jsonify, render_template, request, send_from_directory
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.anchors import anchors_plugin
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from . import __version__
from .answer import Bot
from .config import Config
from .corpus import INTRODUCTION, Article, slugify
from .errors import StoreError, TooSlowError, UnknownAnswerError, UsageError
from .feedback import open_recorder, parse_feedback
from .followup import parse_history
from .live import LiveBot, build_name
from .logs import ACCESS
from .privacy import redact
from .resources import web
from .staff import init_staff

WEB = web()  # the package's web assets (resources.py)
log = logging.getLogger(__name__)
access_log = logging.getLogger(ACCESS)

# The demo pages load nothing but their own files: no inline script or style, no third parties.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'self'"
)
# JSON and the widget's own files are never documents: nothing may run or frame them.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# On every response with the CSP above or PAGE_CSP; server.py puts them on gunicorn's own error
# pages, and the nginx config (server.proxy_config) on nginx's.
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}
ERROR_CODES = {
    400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "body_too_large",
    415: "unsupported_media_type", 429: "rate_limited", 500: "internal_error",
}
# A knowledge base may hold thousands of articles: /api/topics and the home page list this many.
LISTED_ARTICLES = 100
RATE_LIMIT_STORE_TIMEOUT = 1.0  # seconds


def rate_limit_storage_options(uri: str) -> dict:
    """Options for the rate-limit store at ``uri``: a Redis that stops answering costs a request at most
    a second, instead of waiting for the operating system to give up on the connection."""
    if uri.split("://", 1)[0] in ("redis", "rediss", "redis+unix"):
        return {"socket_connect_timeout": RATE_LIMIT_STORE_TIMEOUT, "socket_timeout": RATE_LIMIT_STORE_TIMEOUT}
    return {}


class ApiError(Exception):
    """A request the API refuses, with a machine-readable code and a message for people."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def create_app(config: Config | None = None, bot: Bot | None = None, debug: bool = False) -> Flask:
    """The app for ``config``. ``bot`` lets tests share one already-loaded index; ``debug``: served
    over plain HTTP by ``qa-bot serve --debug`` (the staff session cookie is then not Secure)."""
    config = config or Config()
    app = Flask(__name__, static_folder=str(WEB / "static"), template_folder=str(WEB / "templates"))
    # Werkzeug refuses bodies over this size with 413 before the view reads them.
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.sort_keys = False  # keep the contract's field order, as the CLI prints it
    app.json.ensure_ascii = False
    if config.trusted_proxies:
        # Behind a reverse proxy the client is in X-Forwarded-For; trust only as many hops as configured.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies, x_proto=config.trusted_proxies)
    # The bot follows corpus edits (see live.py): pages and answers always come from the same index.
    live = LiveBot(config, interval=config.reload_interval, bot=bot)
    live.watch()
    app.extensions["qa_bot_live"] = live
    app.extensions["qa_bot_config"] = config
    # Each answer's status, reason code and citations, and patients' feedback (see feedback.py).
    app.extensions["qa_bot_recorder"] = open_recorder(config)
    init_logging(app, config)
    init_api(app, config)
    init_cors(app, config.cors_origins)
    init_site(app, config)
    init_staff(app, config, debug)
    init_security_headers(app)
    return app


def _bot() -> Bot:
    return current_app.extensions["qa_bot_live"].get()


def init_logging(app: Flask, config: Config) -> None:
    """One structured line per request (see logs.py): no client address, no question unless asked."""

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        fields = {"method": request.method, "path": request.path, "status": response.status_code,
                  "ms": round(1000 * (time.perf_counter() - g.get("started", time.perf_counter())), 2)}
        if "answer_status" in g:
            fields["answer"] = g.answer_status
        if config.log_questions and "question" in g:
            fields["question"] = redact(g.question)
        access_log.info("request", extra=fields)
        return response


# --- API -------------------------------------------------------------------------------------

def init_api(app: Flask, config: Config) -> None:
    spec = json.loads((WEB / "openapi.json").read_text(encoding="utf-8"))
    spec["info"]["version"] = __version__
    @app.after_request  # registered before the limiter's own hook, so it runs after it
    def retry_after_only_when_refused(response: Response) -> Response:
        # Flask-Limiter sends Retry-After on every response; it means something only on a 429.
        if response.status_code != 429:
            response.headers.pop("Retry-After", None)
        return response

    # Per client address, one budget shared by every API route. 429s carry Retry-After. A shared store
    # that is down must not take the site down: each worker then counts in memory (Flask-Limiter logs
    # a warning) until the store answers again, and any other failure of the limiter is logged, not a 500.
    limiter = Limiter(get_remote_address, app=app, storage_uri=config.rate_limit_storage, headers_enabled=True,
                      enabled=bool(config.rate_limit.strip()), in_memory_fallback_enabled=True, swallow_errors=True,
                      storage_options=rate_limit_storage_options(config.rate_limit_storage))
    app.extensions["qa_bot_limiter"] = limiter  # Flask-Limiter's decorators hold it only weakly
    limited = limiter.shared_limit(config.rate_limit or "1 per second", scope="api")

    @app.post("/api/ask")
    @limited
    def api_ask():
        body = _body()
        question = body["question"]
        g.question = question
        try:
            history = parse_history(body.get("history", []), config.max_question_chars)
        except UsageError as exc:
            raise ApiError(400, "invalid_history", str(exc)) from None
        try:
            answer = _bot().ask(question, history)
        except UsageError as exc:
            raise ApiError(400, "invalid_question", str(exc)) from None
        except TooSlowError as exc:  # the worker is free again: only this request fails
            raise ApiError(503, "too_slow", str(exc)) from None
        g.answer_status = answer.status
        recorder = current_app.extensions["qa_bot_recorder"]
        if recorder is not None:  # only queued: the answer never waits on the database
            recorder.record(answer, _bot().index.manifest["corpus_digest"][:16])
        return jsonify(answer.to_dict())

    @app.post("/api/feedback")
    @limited
    def api_feedback():
        try:
            answer_id, helpful, reason = parse_feedback(_json_body('{"answer_id": "...", "helpful": false}'))
        except UsageError as exc:
            raise ApiError(400, "invalid_feedback", str(exc)) from None
        recorder = current_app.extensions["qa_bot_recorder"]
        if recorder is None:
            raise ApiError(404, "unknown_answer", "no answer has that id: this server keeps no answers")
        try:
            recorder.feedback(answer_id, helpful, reason)
        except UnknownAnswerError as exc:
            raise ApiError(404, "unknown_answer", str(exc)) from None
        except StoreError:
            log.error("feedback store: a patient's feedback was lost (the database cannot be reached)")
            raise ApiError(503, "store_unavailable", "your feedback could not be saved just now: please try again later") from None
        return jsonify({"status": "recorded"})

    @app.get("/api/health")
    @limited
    def api_health():
        bot = _bot()
        m = bot.index.manifest
        return jsonify({
            "status": "ok", "version": __version__, "articles": m["articles"], "sections": m["sections"],
            "terms": m["terms"], "built_at": m["built_at"], "index": build_name(bot) or "", "corpus_digest": m["corpus_digest"],
            **store_health(),
        })

    def store_health() -> dict:
        recorder = current_app.extensions["qa_bot_recorder"]
        return {} if recorder is None else {"store": recorder.health()}

    @lru_cache(maxsize=1)  # only the index in use: an old one is not kept alive after a reload
    def topics_of(bot: Bot) -> dict:  # worked out once per loaded index, not per widget opened
        return topics(bot)

    @app.get("/api/topics")
    @limited
    def api_topics():
        return jsonify(topics_of(_bot()))

    @app.get("/api/openapi.json")
    def api_openapi():
        return jsonify(spec)

    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _json_body(example: str):
    """The request's JSON body, decoded; ``example`` (a body to send) goes into the errors."""
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", f'send {example} as JSON with "Content-Type: application/json"')
    raw = request.get_data(cache=False)  # raises 413 at once for a Content-Length over MAX_CONTENT_LENGTH
    # A body sent without a length (chunked) is cut at MAX_CONTENT_LENGTH without a word: one more
    # byte from the server's own stream says whether it went on, and then it is refused the same way.
    if request.content_length is None and len(raw) >= request.max_content_length and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid_json", f"the body is not valid JSON: send {example}") from None
    except RecursionError:  # thousands of nested brackets: not a question
        raise ApiError(400, "invalid_json", f"the body is nested too deeply: send {example}") from None


def _body() -> dict:
    """The request's JSON object, with a "question" string (its other fields are not checked here)."""
    body = _json_body('{"question": "..."}')
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", 'the body must be a JSON object: {"question": "..."}')
    if "question" not in body:
        raise ApiError(400, "missing_field", 'the body has no "question" field: send {"question": "..."}')
    if not isinstance(body["question"], str):
        raise ApiError(400, "wrong_type", f'"question" must be a string, not {_json_type(body["question"])}')
    return body


def _json_type(value) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", list: "an array", dict: "an object"}.get(type(value), "text")


def _error_response(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _api_error(exc: ApiError):
    return _error_response(exc.status, exc.code, exc.message)


def _http_error(exc: HTTPException):
    if not request.path.startswith("/api/"):
        return exc  # the site's pages keep Werkzeug's plain HTML error pages
    status = exc.code or 500
    message = {
        404: f"no such API endpoint: {request.path} (see /api/openapi.json)",
        405: f"{request.method} is not allowed on {request.path}",
        413: f"the request body is over the limit of {request.max_content_length} bytes",
        429: f"too many requests ({exc.description}): please wait a little and try again",
    }.get(status, exc.description or exc.name)
    response = _error_response(status, ERROR_CODES.get(status, exc.name.lower().replace(" ", "_")), message)
    if status == 405:
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods or []))
    return response


def _unexpected_error(exc: Exception):
    log.exception("unexpected error on %s %s", request.method, request.path)
    if request.path.startswith("/api/"):
        return _error_response(500, "internal_error", "something went wrong on our side: please try again later")
    return InternalServerError()


def topics(bot: Bot) -> dict:
    """The articles and their sections (the first ``LISTED_ARTICLES``; ``total_articles`` counts
    them all), plus a few questions the articles answer and the longest question taken (for the widget)."""
    articles: dict[str, dict] = {}
    for s in bot.index.sections:
        if s.article_slug not in articles and len(articles) == LISTED_ARTICLES:
            continue
        a = articles.setdefault(s.article_slug, {
            "slug": s.article_slug, "title": s.article_title, "url": f"/articles/{s.article_slug}", "sections": []})
        a["sections"].append({"title": s.title, "anchor": s.anchor, "url": s.url})
    return {"articles": list(articles.values()), "total_articles": bot.index.manifest["articles"],
            "suggestions": [s.text for s in bot.starters], "max_question_chars": bot.config.max_question_chars}


# --- CORS ------------------------------------------------------------------------------------

def init_cors(app: Flask, origins: tuple[str, ...]) -> None:
    """Let browsers on the configured origins (``"*"``: any) call the API, and nobody else.

    The site's own pages are same-origin, so they never need permission; an Origin equal to this
    server's own address is allowed as well, since browsers send one on same-origin POSTs.
    """
    allowed = {o.rstrip("/") for o in origins}

    @app.after_request
    def add_cors_headers(response: Response) -> Response:
        if not request.path.startswith("/api/"):
            return response
        response.vary.add("Origin")  # caches must not hand one origin's permission to another
        origin = request.headers.get("Origin")
        if not origin:
            return response
        if "*" in allowed or origin in allowed or origin == request.host_url.rstrip("/"):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Max-Age"] = "600"
            if request.method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = "GET, POST"
                response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        return response


# --- demo site and widget files -------------------------------------------------------------

def _markdown() -> MarkdownIt:
    # Raw HTML in an article is shown as text, never rendered: the corpus is not trusted markup.
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return md.use(anchors_plugin, min_level=2, max_level=2, slug_func=slugify)


def render_article(article: Article, md: MarkdownIt | None = None) -> Markup:
    """The article's HTML. Headings get the citation anchors; the opening text is ``#introduction``."""
    html = (md or _markdown()).render(article.body)
    if article.sections and article.sections[0].line == 0:  # the opening text has no heading of its own
        cut = html.find("<h2")
        cut = len(html) if cut < 0 else cut
        anchor = slugify(INTRODUCTION)
        html = f'<div id="{anchor}" class="intro">\n{html[:cut]}</div>\n{html[cut:]}'
    return Markup(html)


PAGE_CACHE = 256  # rendered article pages kept per worker (a large JSONL corpus is rendered on demand)


def init_site(app: Flask, config: Config) -> None:
    md = _markdown()

    @app.context_processor
    def widget_address():
        return {"public_url": config.public_url.rstrip("/")}

    @lru_cache(maxsize=PAGE_CACHE)
    def page(digest: str, slug: str) -> tuple[Article, Markup] | None:
        # Keyed by the corpus hash: after a reload, edited articles are rendered afresh.
        found = next((a for a in _bot().index.articles if a.slug == slug), None)
        return None if found is None else (found, render_article(found, md))

    @app.get("/")
    def index():
        articles = _bot().index.articles
        return render_template("index.html", articles=articles[:LISTED_ARTICLES],
                               more=max(0, len(articles) - LISTED_ARTICLES))

    @app.get("/articles/<slug>")
    def article(slug):
        found = page(_bot().index.manifest["corpus_digest"], slug)
        if found is None:
            abort(404)
        return render_template("article.html", article=found[0], body=found[1])

    @app.get("/widget.js")
    def widget_js():
        return _widget_file("widget.js")

    @app.get("/widget.css")
    def widget_css():
        return _widget_file("widget.css")


def _widget_file(name: str) -> Response:
    response = send_from_directory(WEB, name, max_age=300)
    # Any site may embed the widget: the files hold no data, and CORS lets a page fetch the CSS too.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.mimetype == "text/html" and not request.path.startswith("/api/"):
            response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        else:
            response.headers.setdefault("Content-Security-Policy", API_CSP)
        if request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response
