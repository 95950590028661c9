#!/usr/bin/env bash
# What the test suite needs from the operating system, installed from Debian's packages when
# we are root, or named in one line when we are not:
#   chromium          the browser tests (Playwright drives Debian's Chromium, never its own)
#   postgresql        the PostgreSQL pass (a server started on loopback in a temporary folder)
#   poppler-utils     pdftoppm, which the document tests use to look at PDF pages
#   fonts-liberation  Arial's metric twin, so the PDFs lay out as they do in production
set -euo pipefail

need=()
command -v chromium >/dev/null || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
fc-list 2>/dev/null | grep -q "Liberation Sans" || need+=(fonts-liberation)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need Debian packages: run 'sudo apt-get update && sudo apt-get install -y ${need[*]}', then make test again." >&2
  exit 1
fi
echo "== installing ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
