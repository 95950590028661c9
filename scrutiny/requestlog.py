"""Structured logs with a request id and the client's address.

Every request gets an id (the proxy's ``X-Request-ID`` when it sent a sensible one, otherwise a
new one), returned in the response's ``X-Request-ID`` header and added to every log line the
request writes, so one line in a council's log collector leads to all the others. Lines are
JSON objects, one a line (``JsonFormatter``), in production; gunicorn's access log writes the
same shape (``GunicornLogger``, named in gunicorn.conf.py).

The client's address (:func:`client_address`) is the one place that says who sent a request:
the access log, the app's log lines, django-axes's lock-out per address
(``AXES_CLIENT_IP_CALLABLE``), the sign-in log and the reply links' rate limit all read it.
Behind ``TRUSTED_PROXY_COUNT`` proxies (nginx, a load balancer) it is the address the first of
them saw, from ``X-Forwarded-For``; otherwise the connection's own, and the header (which any
client can send) is ignored.
"""

import contextvars
import ipaddress
import json
import logging
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


_client: contextvars.ContextVar[str] = contextvars.ContextVar("client", default="-")


def current_request_id() -> str:
    return _request_id.get()


def _address(text: str) -> str | None:
    """``text`` as an IP address (a port or IPv6 brackets some proxies add taken off), or
    None when it is not one."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_address(meta: Mapping[str, str]) -> str:
    """The address of the client that sent a request (its ``request.META``, or gunicorn's
    WSGI environ). With ``TRUSTED_PROXY_COUNT`` = N proxies in front, each appending the
    address it received from to ``X-Forwarded-For`` (nginx's ``$proxy_add_x_forwarded_for``),
    the Nth address from the right end, which the first proxy wrote: whatever a client put in
    the header itself stays to the left of it, unread. Without the setting, or when the header
    does not hold N addresses, the connection's ``REMOTE_ADDR``."""
    from django.conf import settings

    remote = meta.get("REMOTE_ADDR") or ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _address(forwarded[-proxies]) or remote


def request_client_address(request) -> str:
    """:func:`client_address` of a Django request (django-axes's ``AXES_CLIENT_IP_CALLABLE``)."""
    return client_address(request.META)


class RequestIdMiddleware:
    """Give the request its id (kept for the log lines it writes) and return it in a header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _ACCEPTED_ID.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        client = _client.set(client_address(request.META) or "-")
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
            _client.reset(client)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` and ``client`` (the client's address) to every record (``-``
    outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        if not hasattr(record, "client"):
            record.client = _client.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, request id, message, the client's
    address within a request, and the exception's traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", current_request_id()),
            "message": record.getMessage(),
        }
        client = getattr(record, "client", _client.get())
        if client != "-":
            line["client"] = client
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(*, level: str, json_lines: bool) -> dict:
    """The LOGGING setting: everything to standard error (systemd's journal or the container's
    log), as JSON lines or, on a development machine, as readable text."""
    formatter = (
        {"()": "scrutiny.requestlog.JsonFormatter"}
        if json_lines
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "scrutiny.requestlog.RequestIdFilter"}},
        "formatters": {"line": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "line",
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }


try:  # gunicorn is the production server; a checkout without it still imports this module
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = object


class GunicornLogger(_GunicornLogger):
    """gunicorn's access log as JSON lines, with the request id the app gave the response."""

    def access(self, resp, req, environ, request_time):
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        headers = {name.lower(): value for name, value in resp.headers}
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": headers.get("x-request-id", "-"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote": client_address(environ),  # behind the proxy, the client's own
            "peer": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:  # pragma: no cover - a log line must never fail a request
            self.exception("Failed to write the access log line")
