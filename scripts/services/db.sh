#!/usr/bin/env bash
# db.sh — private MariaDB and PostgreSQL instances for Spry's JDBC tests.
#
#   scripts/services/db.sh up       install (apt) when missing, init and start both, wait until they answer
#   scripts/services/db.sh down     stop both (data stays under .services/ for a fast next start)
#   scripts/services/db.sh status   say which instance runs
#   scripts/services/db.sh env      print the export lines the tests read
#   scripts/services/db.sh clean    stop both and delete their data
#
# Both listen on 127.0.0.1 only (MariaDB 13306, PostgreSQL 15432, override with
# SPRY_MYSQL_PORT / SPRY_POSTGRES_PORT), keep data, sockets and logs under
# .services/ of the repository, and have a database `spry` owned by user
# `spry` with password `spry`. The script is idempotent: a running instance is
# left alone, an initialised data directory is reused.
#
# Running as root (CI): mariadbd runs with --user=root; PostgreSQL refuses to
# run as root, so its data directory belongs to the `postgres` system user and
# its commands run through runuser.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SVC="${SPRY_SERVICES_DIR:-$ROOT/.services}"
MY_PORT="${SPRY_MYSQL_PORT:-13306}"
PG_PORT="${SPRY_POSTGRES_PORT:-15432}"
MY_DIR="$SVC/mariadb"
PG_DIR="$SVC/postgres"
MY_SOCK="$MY_DIR/mysqld.sock"
WAIT_SECS="${SPRY_SERVICES_WAIT:-30}"

say() { echo "db.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

mysql_dsn() { echo "mysql://spry:spry@127.0.0.1:$MY_PORT/spry"; }
postgres_dsn() { echo "postgres://spry:spry@127.0.0.1:$PG_PORT/spry?sslmode=disable"; }

# ---------------------------------------------------------------- packages

pg_bindir() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[[ -x "$d/initdb" ]] && { echo "$d"; return 0; }
	done
	command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
	return 1
}

ensure_packages() {
	local need=()
	command -v mariadbd >/dev/null 2>&1 || [[ -x /usr/sbin/mariadbd ]] || need+=(mariadb-server)
	pg_bindir >/dev/null || need+=(postgresql)
	((${#need[@]} == 0)) && return 0
	[[ $(id -u) == 0 ]] || die "missing ${need[*]}: install them (apt-get install -y ${need[*]}) or run as root"
	say "installing ${need[*]} with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	# Package scripts must not start the system-wide services.
	if ! apt-get install -y -q "${need[@]}" >/dev/null; then
		apt-get update -q >/dev/null
		apt-get install -y -q "${need[@]}" >/dev/null
	fi
}

mariadbd_bin() { command -v mariadbd 2>/dev/null || echo /usr/sbin/mariadbd; }

# ---------------------------------------------------------------- MariaDB

my_alive() { mariadb-admin --no-defaults --socket="$MY_SOCK" -uroot ping >/dev/null 2>&1; }

my_up() {
	if my_alive; then
		say "MariaDB already running on 127.0.0.1:$MY_PORT"
		return 0
	fi
	mkdir -p "$MY_DIR"
	local user=()
	[[ $(id -u) == 0 ]] && user=(--user=root)
	if [[ ! -d "$MY_DIR/data/mysql" ]]; then
		say "initialising MariaDB data directory $MY_DIR/data"
		rm -rf "$MY_DIR/data"
		mariadb-install-db --no-defaults --datadir="$MY_DIR/data" "${user[@]}" \
			--auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
			>"$MY_DIR/install.log" 2>&1 || { tail -20 "$MY_DIR/install.log" >&2; die "mariadb-install-db failed"; }
	fi
	say "starting MariaDB on 127.0.0.1:$MY_PORT (log $MY_DIR/mariadb.log)"
	rm -f "$MY_SOCK"
	setsid "$(mariadbd_bin)" --no-defaults --datadir="$MY_DIR/data" "${user[@]}" \
		--port="$MY_PORT" --bind-address=127.0.0.1 --socket="$MY_SOCK" \
		--pid-file="$MY_DIR/mariadb.pid" --log-error="$MY_DIR/mariadb.log" \
		--skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=64M \
		--innodb-flush-log-at-trx-commit=2 --max-connections=200 \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
		</dev/null >>"$MY_DIR/mariadb.log" 2>&1 &
	local i
	for ((i = 0; i < WAIT_SECS * 5; i++)); do
		my_alive && break
		sleep 0.2
	done
	my_alive || { tail -20 "$MY_DIR/mariadb.log" >&2; die "MariaDB did not answer within ${WAIT_SECS}s"; }
	mariadb --no-defaults --socket="$MY_SOCK" -uroot <<-'SQL'
		CREATE DATABASE IF NOT EXISTS spry;
		CREATE USER IF NOT EXISTS 'spry'@'%' IDENTIFIED BY 'spry';
		CREATE USER IF NOT EXISTS 'spry'@'localhost' IDENTIFIED BY 'spry';
		GRANT ALL PRIVILEGES ON *.* TO 'spry'@'%';
		GRANT ALL PRIVILEGES ON *.* TO 'spry'@'localhost';
		FLUSH PRIVILEGES;
	SQL
	say "MariaDB ready: $(mysql_dsn)"
}

my_down() {
	if ! my_alive; then
		say "MariaDB not running"
		return 0
	fi
	say "stopping MariaDB"
	mariadb-admin --no-defaults --socket="$MY_SOCK" -uroot shutdown >/dev/null 2>&1 || true
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -f "$MY_DIR/mariadb.pid" ]] || break
		sleep 0.1
	done
}

# ---------------------------------------------------------------- PostgreSQL

# as_pg runs a PostgreSQL command as a non-root user: postgres refuses root.
as_pg() {
	if [[ $(id -u) == 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# resolve_pg_dir moves PostgreSQL's directory out of .services/ when the
# postgres user cannot reach it (a checkout under /root, mode 700).
resolve_pg_dir() {
	[[ $(id -u) == 0 ]] && id postgres >/dev/null 2>&1 || return 0
	mkdir -p "$SVC"
	if ! runuser -u postgres -- test -x "$SVC" 2>/dev/null; then
		PG_DIR="/var/tmp/spry-services-$(printf %s "$SVC" | md5sum | cut -c1-8)/postgres"
		mkdir -p "$(dirname "$PG_DIR")"
	fi
}

pg_ctl_() { as_pg "$(pg_bindir)/pg_ctl" -D "$PG_DIR/data" "$@"; }

pg_alive() {
	[[ -f "$PG_DIR/data/postmaster.pid" ]] &&
		"$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1
}

pg_up() {
	if pg_alive; then
		say "PostgreSQL already running on 127.0.0.1:$PG_PORT"
		return 0
	fi
	mkdir -p "$PG_DIR"
	[[ $(id -u) == 0 ]] && chown postgres: "$PG_DIR"
	if [[ ! -f "$PG_DIR/data/PG_VERSION" ]]; then
		say "initialising PostgreSQL data directory $PG_DIR/data"
		as_pg rm -rf "$PG_DIR/data"
		local pw="$PG_DIR/pwfile"
		as_pg sh -c "echo postgres > '$pw'"
		as_pg "$(pg_bindir)/initdb" -D "$PG_DIR/data" -U postgres --pwfile="$pw" \
			-E UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 \
			>"$PG_DIR/initdb.log" 2>&1 || { tail -20 "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
	fi
	say "starting PostgreSQL on 127.0.0.1:$PG_PORT (log $PG_DIR/postgres.log)"
	# A stale pid file from a killed server blocks the start.
	[[ -f "$PG_DIR/data/postmaster.pid" ]] && as_pg rm -f "$PG_DIR/data/postmaster.pid"
	pg_ctl_ -l "$PG_DIR/postgres.log" -w -t "$WAIT_SECS" \
		-o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB" \
		start >/dev/null || { tail -20 "$PG_DIR/postgres.log" >&2; die "PostgreSQL did not start within ${WAIT_SECS}s"; }
	as_pg "$(pg_bindir)/psql" -q -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<-'SQL'
		DO $$BEGIN
		  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'spry') THEN
		    CREATE ROLE spry LOGIN SUPERUSER PASSWORD 'spry';
		  END IF;
		END$$;
		SELECT 'CREATE DATABASE spry OWNER spry' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'spry')\gexec
	SQL
	say "PostgreSQL ready: $(postgres_dsn)"
}

pg_down() {
	if ! pg_alive; then
		say "PostgreSQL not running"
		return 0
	fi
	say "stopping PostgreSQL"
	pg_ctl_ -m fast -w stop >/dev/null || true
}

# ---------------------------------------------------------------- commands

status() {
	local rc=0
	if my_alive; then say "MariaDB running on 127.0.0.1:$MY_PORT"; else say "MariaDB stopped"; rc=1; fi
	if pg_alive; then say "PostgreSQL running on 127.0.0.1:$PG_PORT"; else say "PostgreSQL stopped"; rc=1; fi
	return $rc
}

case "${1:-}" in
up)
	start=$(date +%s.%N)
	ensure_packages
	resolve_pg_dir
	my_up
	pg_up
	say "up in $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo 0)")s"
	;;
down)
	resolve_pg_dir
	my_down
	pg_down
	;;
status)
	resolve_pg_dir
	status
	;;
env)
	echo "export SPRY_MYSQL_DSN='$(mysql_dsn)'"
	echo "export SPRY_POSTGRES_DSN='$(postgres_dsn)'"
	;;
clean)
	resolve_pg_dir
	my_down
	pg_down
	say "removing $MY_DIR and $PG_DIR"
	rm -rf "$MY_DIR" "$PG_DIR"
	;;
*)
	echo "usage: $0 up|down|status|env|clean" >&2
	exit 2
	;;
esac
