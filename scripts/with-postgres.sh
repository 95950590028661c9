#!/usr/bin/env bash
# Run a command against a PostgreSQL server of its own: initdb in a temporary folder, a
# server on loopback only (127.0.0.1, a free port), DATABASE_URL pointing at it; the server
# is stopped and the folder removed however the command ends.
#   scripts/with-postgres.sh make pytest
set -euo pipefail

initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)
if [ -z "$initdb" ]; then
  echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2
  exit 1
fi
pgbin=$(dirname "$initdb")
pgdata=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

as_owner=()
if [ "$(id -u)" -eq 0 ]; then  # the server refuses to run as root
  chown postgres: "$pgdata"
  as_owner=(runuser -u postgres --)
fi
stop() {
  (cd / && "${as_owner[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1) || true
  rm -rf "$pgdata"
}
trap stop EXIT

(cd / && "${as_owner[@]}" "$pgbin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null)
(cd / && "${as_owner[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/log" -w \
  -o "-h 127.0.0.1 -p $port -k $pgdata -F" start >/dev/null)

echo "== PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
DATABASE_URL="postgres://postgres@127.0.0.1:$port/scrutiny" "$@"
