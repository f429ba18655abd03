# shellcheck shell=bash
# Engines for the test suite: sourced by .ci/run (never executed on its own).
#
#   source .ci/provision.sh || exit 1     # installs what is missing, starts PostgreSQL
#   trap provision_stop EXIT              # stops the server and removes its files
#
# After sourcing, these are exported:
#   SQLMON_TEST_POSTGRES   libpq connection string of a throwaway server, e.g.
#                          "host=127.0.0.1 port=55432 user=postgres dbname=sqlmon_test"
#                          (trust auth, no password; tests/engines.py turns it into a profile)
#   SQLMON_TEST_POSTGRES_DIR  the server's temp dir (data, log, socket); used by provision_stop
# Optional input: SQLMON_TEST_POSTGRES_PORT (first port to try, default 55432; the next free
# one up to 55631 is taken).
#
# Installs (Debian, as root, only when missing): postgresql (without the auto-created main
# cluster on :5432) and openjdk-17-jre-headless (for pyspark; pyspark itself comes from pip in
# .ci/run).  Safe to source twice: a running server from an earlier call is reused.
# Prints one line on success; on failure prints why on stderr and returns non-zero.
# Shell options of the caller (set -e, -u, ...) are left as they were.

_provision_say() { echo "provision: $*" >&2; }

_provision_pg_bindir() {
    # Newest installed server binaries (Debian keeps them out of PATH).
    local d best=""
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && best="$d"
    done
    if [ -z "$best" ] && command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        best="$(dirname "$(command -v pg_ctl)")"
    fi
    [ -n "$best" ] && echo "$best"
}

_provision_apt_install() {
    # $@: Debian packages to install.
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        _provision_say "missing $*, and cannot install them (needs root and apt-get)"
        return 1
    fi
    # Without this, the postgresql package creates and starts a cluster on :5432.
    mkdir -p /etc/postgresql-common/createcluster.d || return 1
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/sqlmon-no-main.conf || return 1
    # Slim images drop man dirs; the JRE's update-alternatives then fails without this one.
    mkdir -p /usr/share/man/man1
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "${_PROVISION_APT_UPDATED:-}" ]; then
        apt-get update -qq >/tmp/sqlmon-apt.log 2>&1 || { _provision_say "apt-get update failed (see /tmp/sqlmon-apt.log)"; tail -5 /tmp/sqlmon-apt.log >&2; return 1; }
        _PROVISION_APT_UPDATED=1
    fi
    apt-get install -y -qq --no-install-recommends --no-upgrade "$@" >>/tmp/sqlmon-apt.log 2>&1 \
        || { _provision_say "apt-get install $* failed (see /tmp/sqlmon-apt.log)"; tail -5 /tmp/sqlmon-apt.log >&2; return 1; }
}

_provision_port_free() {  # $1: port; true when nothing listens on 127.0.0.1:$1
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_provision_as_pg() {  # run a command as the server's OS user (postgres refuses to run as root)
    # From /: initdb and pg_ctl fail when they cannot read the caller's working directory.
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

_provision_postgres() {
    local bindir dir port
    bindir="$(_provision_pg_bindir)"
    # Reuse a server from an earlier `source` in this shell when it still answers.
    if [ -n "${SQLMON_TEST_POSTGRES_DIR:-}" ] && [ -n "${SQLMON_TEST_POSTGRES:-}" ] && [ -n "$bindir" ] \
        && "$bindir/pg_isready" -q -d "$SQLMON_TEST_POSTGRES" 2>/dev/null; then
        _PROVISION_PG_VERSION="(already running)"
        return 0
    fi
    if [ -z "$bindir" ]; then
        _provision_apt_install postgresql || return 1
        bindir="$(_provision_pg_bindir)"
        [ -n "$bindir" ] || { _provision_say "postgresql installed but initdb/pg_ctl not found"; return 1; }
    fi
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        _provision_say "no 'postgres' OS user to run the server as (the Debian package creates it)"
        return 1
    fi
    dir="$(mktemp -d /tmp/sqlmon-pg.XXXXXX)" || return 1
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    if ! _provision_as_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
            --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
        _provision_say "initdb failed:"; tail -5 "$dir/initdb.log" >&2; rm -rf "$dir"; return 1
    fi
    port="${SQLMON_TEST_POSTGRES_PORT:-55432}"
    while ! _provision_port_free "$port"; do
        port=$((port + 1))
        [ "$port" -lt 55632 ] || { _provision_say "no free port in 55432-55631"; rm -rf "$dir"; return 1; }
    done
    if ! _provision_as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null 2>&1; then
        _provision_say "PostgreSQL did not start on 127.0.0.1:$port:"; tail -5 "$dir/server.log" >&2
        rm -rf "$dir"; return 1
    fi
    export SQLMON_TEST_POSTGRES_DIR="$dir"
    export SQLMON_TEST_POSTGRES="host=127.0.0.1 port=$port user=postgres dbname=sqlmon_test"
    if ! "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres sqlmon_test >"$dir/createdb.log" 2>&1; then
        _provision_say "createdb sqlmon_test failed:"; cat "$dir/createdb.log" >&2
        provision_stop; return 1
    fi
    _PROVISION_PG_VERSION="$("$bindir/postgres" --version | awk '{print $3}')"
}

_provision_java() {
    if ! java -version >/dev/null 2>&1; then
        _provision_apt_install openjdk-17-jre-headless || return 1
        hash -r
        java -version >/dev/null 2>&1 || { _provision_say "java still does not run after installing openjdk-17-jre-headless"; return 1; }
    fi
    _PROVISION_JAVA_VERSION="$(java -version 2>&1 | awk -F'"' 'NR==1{print $2}')"
}

# Stop the throwaway server and remove its files; safe to call twice or when nothing started.
provision_stop() {
    local dir="${SQLMON_TEST_POSTGRES_DIR:-}" bindir
    if [ -n "$dir" ] && [ -d "$dir" ]; then
        bindir="$(_provision_pg_bindir)"
        if [ -n "$bindir" ] && [ -f "$dir/data/postmaster.pid" ]; then
            _provision_as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1
        fi
        case "$dir" in /tmp/sqlmon-pg.*) rm -rf "$dir" ;; esac
    fi
    unset SQLMON_TEST_POSTGRES SQLMON_TEST_POSTGRES_DIR
    return 0
}

_provision_main() {
    # Java first: a missing JRE is then installed in the same apt-get round as postgresql.
    local missing=()
    java -version >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
    [ -n "$(_provision_pg_bindir)" ] || missing+=(postgresql)
    if [ "${#missing[@]}" -gt 0 ]; then
        _provision_apt_install "${missing[@]}" || return 1
        hash -r
    fi
    _provision_java || return 1
    _provision_postgres || return 1
    _provision_say "postgres ${_PROVISION_PG_VERSION:-(reused)} at ${SQLMON_TEST_POSTGRES}; java ${_PROVISION_JAVA_VERSION}"
}

if ! _provision_main; then
    _provision_say "FAILED: engines for the test suite could not be provisioned"
    # `return` when sourced (the intended use), `exit` if someone runs the file directly.
    return 1 2>/dev/null || exit 1
fi
