#!/usr/bin/env bash
# Builds and installs pgvector for PostgreSQL 15 from Debian's source package.
# Debian 12 (bookworm) does not package pgvector; the next release does. We derive a
# deb-src list from this machine's own apt sources with the suite name replaced, so the
# package comes from whatever mirror the machine already trusts.
set -euo pipefail

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
WANT_MAJOR_MINOR=${PGVECTOR_MIN_VERSION:-0.8}
sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

installed_version() {
    local control; control="$("$PG_CONFIG" --sharedir)/extension/vector.control"
    [ -f "$control" ] && sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$control" || true
}

version_ok() { # $1 installed, $2 wanted (major.minor)
    [ -n "$1" ] && [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

current=$(installed_version)
if version_ok "$current" "$WANT_MAJOR_MINOR"; then
    echo "pgvector $current already installed for $("$PG_CONFIG" --version)"
    exit 0
fi

. /etc/os-release
case "${VERSION_CODENAME:-}" in
    bullseye) next=bookworm ;;
    bookworm) next=trixie ;;
    trixie)   next=forky ;;
    *) echo "build-pgvector: unknown Debian release '${VERSION_CODENAME:-?}'" >&2; exit 1 ;;
esac

work=$(mktemp -d -t pgvector-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/parts" "$work/src"

# One deb-src line per archive that serves the current release's main suite.
{
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v cur="$VERSION_CODENAME" -v nxt="$next" '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " cur " ") && uris != "") {
                    n = split(uris, u, " ")
                    for (i = 1; i <= n; i++) {
                        opt = signed != "" ? " [signed-by=" signed "]" : ""
                        print "deb-src" opt " " u[i] " " nxt " " comps
                    }
                }
                types = suites = uris = comps = signed = ""
            }
            /^[[:space:]]*$/ { flush(); next }
            /^#/ { next }
            /^Types:/      { sub(/^Types:[[:space:]]*/, "");      types = $0 }
            /^URIs:/       { sub(/^URIs:[[:space:]]*/, "");       uris = $0 }
            /^Suites:/     { sub(/^Suites:[[:space:]]*/, "");     suites = $0 }
            /^Components:/ { sub(/^Components:[[:space:]]*/, ""); comps = $0 }
            /^Signed-By:/  { sub(/^Signed-By:[[:space:]]*/, "");  signed = $0 }
            END { flush() }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk -v cur="$VERSION_CODENAME" -v nxt="$next" '
            $1 == "deb" { for (i = 2; i <= NF; i++) if ($i == cur) { $1 = "deb-src"; $i = nxt; print; break } }' "$f"
    done
} | sort -u > "$work/sources.list"

if [ ! -s "$work/sources.list" ]; then
    echo "build-pgvector: found no apt source for $VERSION_CODENAME to derive a deb-src list from" >&2
    exit 1
fi
echo "build-pgvector: fetching the pgvector source package from the $next suite of this machine's apt sources"

apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/parts"
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "APT::Sandbox::User=root" -q)
apt-get "${apt_opts[@]}" update >/dev/null
(cd "$work/src" && apt-get "${apt_opts[@]}" source --download-only pgvector)
(cd "$work/src" && dpkg-source -q -x ./pgvector_*.dsc build >/dev/null)

echo "build-pgvector: building against $("$PG_CONFIG" --version)"
make -s -C "$work/src/build" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" -j"$(nproc)" >/dev/null
sudo_ make -s -C "$work/src/build" PG_CONFIG="$PG_CONFIG" install >/dev/null
echo "build-pgvector: installed pgvector $(installed_version)"
