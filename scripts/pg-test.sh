#!/usr/bin/env bash
# pg-test.sh COMMAND [ARGS...]: runs COMMAND against a throwaway PostgreSQL
# cluster and always removes the cluster afterwards.
#
# Installs Debian's `postgresql` when it is missing, runs initdb and pg_ctl
# in a fresh temporary directory (as the `postgres` user through runuser when
# we are root: PostgreSQL refuses to run as root), listens only on a private
# Unix socket inside that directory (no TCP port, so parallel runs never
# collide), with fsync off. The superuser's password is random and reaches
# the clients through a .pgpass file (PGPASSFILE), never through the DSN.
#
# Exported to COMMAND:
#   SERVICEDESK_TEST_PG_DSN   postgres://postgres@/postgres?host=<socket dir>&sslmode=disable
#   PGPASSFILE                the .pgpass file with the password
#   SERVICEDESK_TEST_PG_CTL   "runuser -u postgres -- <bindir>/pg_ctl -D <data> -l <log>" (or without
#                             runuser): tests append "stop -m fast" / "start -w" to stop and restart
#                             the server mid-session
set -euo pipefail
cd "$(dirname "$0")/.."

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
	scripts/apt-ensure.sh postgresql
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

as=()
owner=$(id -un)
if [[ $(id -u) == 0 ]]; then
	as=(runuser -u postgres --)
	owner=postgres
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/sdpg.XXXXXX")
chmod 755 "$dir"
mkdir -m 700 "$dir/data"
mkdir -m 755 "$dir/sock"
chown "$owner" "$dir" "$dir/data" "$dir/sock"

cleanup() {
	local rc=$?
	"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	exit "$rc"
}
trap cleanup EXIT INT TERM

password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$password" >"$dir/pw"
chown "$owner" "$dir/pw"
chmod 600 "$dir/pw"
"${as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 --pwfile="$dir/pw" \
	-E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$dir/pw"

# The settings go into the cluster's own configuration, so a test that
# stops and restarts the server (SERVICEDESK_TEST_PG_CTL) gets them again.
cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 64MB
EOF
"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
	{ cat "$dir/server.log" >&2; exit 1; }

# Clients match a Unix socket as host "localhost" (libpq and pgx); the file
# belongs to this throwaway cluster only.
printf '*:5432:*:postgres:%s\n' "$password" >"$dir/pgpass"
chmod 600 "$dir/pgpass"
export PGPASSFILE="$dir/pgpass"
export SERVICEDESK_TEST_PG_DSN="postgres://postgres@/postgres?host=$dir/sock&sslmode=disable"
ctl="$bindir/pg_ctl -D $dir/data -l $dir/server.log"
if ((${#as[@]})); then ctl="runuser -u postgres -- $ctl"; fi
export SERVICEDESK_TEST_PG_CTL="$ctl"
echo "pg-test: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on $dir/sock" >&2

"$@"
