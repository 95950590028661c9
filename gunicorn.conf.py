"""gunicorn's settings for the production web server (scripts/serve starts it).

Each value can be changed from the environment without editing this file."""

import multiprocessing
import os

# Where it listens: loopback behind nginx (deploy/nginx-scrutiny.conf) by default.
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Two workers a core plus one (gunicorn's rule), at most 8 by default: pages are CPU-bound
# and large documents are made by the task workers, not here.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that takes longer than this is stopped (a worker is restarted): the slowest pages
# take a few seconds; documents over DOCUMENTS_SYNC_MAX_SECONDS go to the task workers.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Restart each worker now and then, so a slow leak cannot grow without limit.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Access and error logs to standard error (the journal), access lines as JSON with the
# request id (scrutiny/requestlog.py).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
logger_class = "scrutiny.requestlog.GunicornLogger"
# The proxy in front (nginx on the same host by default) is trusted for X-Forwarded-*.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
wsgi_app = "scrutiny.wsgi:application"
