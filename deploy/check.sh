#!/usr/bin/env bash
# Checks the deployment files in this folder, as CI runs it:
#   bash deploy/check.sh [PATH-TO-SOLIDARNIST-BINARY]
#
# 1. systemd-analyze verify on solidarnist.service and solidarnist@.service
#    (any warning about them fails the check); systemd-analyze security's
#    exposure score is printed, for information.
# 2. nginx -t on nginx.conf, inside a throwaway nginx configuration with a
#    self-signed certificate, all in a temporary folder.
#
# systemd-analyze verify wants the program in ExecStart to exist, so the
# units are checked with ExecStart pointing at the binary given, else
# target/release/solidarnist or target/debug/solidarnist when built, else
# /bin/true. Nothing outside a temporary folder is written, except that
# missing tools are installed with apt-get (as root).
set -euo pipefail

started=$SECONDS
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
units=(solidarnist.service solidarnist@.service)

fail() {
    echo "check.sh: FAILED: $*" >&2
    exit 1
}

# --- Tools ---------------------------------------------------------------
missing=()
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if ((${#missing[@]})); then
    [[ $(id -u) -eq 0 ]] || fail "missing ${missing[*]}; install them or run as root"
    echo "installing ${missing[*]} ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- The binary the units are checked with ---------------------------------
if (($# > 0)); then
    binary=$1
    [[ -f $binary && -x $binary ]] || fail "$binary is not an executable file"
else
    binary=/bin/true
    for candidate in "$repo/target/release/solidarnist" "$repo/target/debug/solidarnist"; do
        if [[ -f $candidate && -x $candidate ]]; then
            binary=$candidate
            break
        fi
    done
fi
binary=$(realpath "$binary")
if [[ $binary == *['|&\%$ ']* ]]; then
    fail "cannot use $binary: its path holds a character that unit files or sed treat specially"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- 1. systemd units --------------------------------------------------------
mkdir "$tmp/units"
for unit in "${units[@]}"; do
    [[ -f $here/$unit ]] || fail "$here/$unit is missing"
    sed "s|/usr/local/bin/solidarnist|$binary|g" "$here/$unit" >"$tmp/units/$unit"
done
# A copy with a mistake in it, to prove that verify reports mistakes here.
sed 's/^\[Service\]$/[Service]\nNoSuchSetting=1/' "$here/solidarnist.service" \
    | sed "s|/usr/local/bin/solidarnist|$binary|g" >"$tmp/units/check-canary.service"

verify=(systemd-analyze verify --man=no)
analyze_help=$(systemd-analyze --help 2>&1 || true)
if grep -q -- '--recursive-errors' <<<"$analyze_help"; then
    # Report problems with our units, not with the units they name
    # (network-online.target, postgresql.service) on this machine.
    verify+=(--recursive-errors=no)
fi
# The template is checked through an instance of it, as systemd would load it.
set +e
output=$("${verify[@]}" "$tmp/units/solidarnist.service" "$tmp/units/solidarnist@8081.service" \
    "$tmp/units/check-canary.service" 2>&1)
status=$?
set -e

grep -q 'check-canary.service.*NoSuchSetting' <<<"$output" \
    || fail "systemd-analyze verify did not report a planted mistake, so it cannot be trusted here (exit $status):
$output"
ours=$(grep -E 'solidarnist(@[^ :]*)?\.service' <<<"$output" || true)
if [[ -n $ours ]]; then
    fail "systemd-analyze verify:
$ours"
fi
others=$(grep -v 'check-canary' <<<"$output" || true)
if [[ -n $others ]]; then
    echo "systemd-analyze verify said this about things other than our units (ignored):"
    echo "$others"
fi

# Exposure scores (0 is the most confined, 10 the least); for information.
scores=()
if grep -q -- '--offline' <<<"$analyze_help"; then
    for unit in solidarnist.service solidarnist@8081.service; do
        score=$(systemd-analyze security --offline=yes --no-pager "$tmp/units/$unit" 2>/dev/null \
            | grep -o 'Overall exposure level for [^:]*: [0-9.]* [A-Z]*' || true)
        if [[ -n $score ]]; then
            echo "$score"
            scores+=("${score##*: }")
        fi
    done
fi
if ((${#scores[@]})); then
    security="exposure $(printf '%s and ' "${scores[@]}")"
    security=${security% and }
else
    security="exposure not measured: no --offline"
fi

# --- 2. nginx ----------------------------------------------------------------
ng=$tmp/nginx
mkdir -p "$ng/tls" "$ng/temp"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=campaign.example -days 1 \
    -keyout "$ng/tls/privkey.pem" -out "$ng/tls/fullchain.pem" >/dev/null 2>&1 \
    || fail "openssl could not make a test certificate"
grep -q '/etc/letsencrypt/live/campaign.example/' "$here/nginx.conf" \
    || fail "nginx.conf no longer names its certificate under /etc/letsencrypt/live/campaign.example/"
sed "s|/etc/letsencrypt/live/campaign.example/|$ng/tls/|g" "$here/nginx.conf" >"$ng/site.conf"
ports=""
if [[ $(id -u) -ne 0 ]]; then
    # nginx -t opens the listening sockets, and only root may open ports
    # below 1024: move 80 and 443 to 10080 and 10443 in the copy.
    sed -i -E 's/^(\s*listen\s+(\[::\]:)?)80\b/\110080/; s/^(\s*listen\s+(\[::\]:)?)443\b/\110443/' "$ng/site.conf"
    ports=", ports 80/443 moved to 10080/10443 as not root"
fi
cat >"$ng/nginx.conf" <<EOF
worker_processes 1;
pid $ng/nginx.pid;
error_log $ng/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $ng/temp/body;
    proxy_temp_path $ng/temp/proxy;
    fastcgi_temp_path $ng/temp/fastcgi;
    uwsgi_temp_path $ng/temp/uwsgi;
    scgi_temp_path $ng/temp/scgi;
    include $ng/site.conf;
}
EOF
nginx_test=(nginx -t -p "$ng/" -c "$ng/nginx.conf")
nginx_help=$(nginx -h 2>&1 || true)
if grep -q -- '-e filename' <<<"$nginx_help"; then
    # Otherwise nginx first opens its built-in error log, which may be root's.
    nginx_test+=(-e "$ng/error.log")
fi
set +e
output=$("${nginx_test[@]}" 2>&1)
status=$?
set -e
if ((status != 0)) || grep -qE '\[(warn|error|crit|alert|emerg)\]' <<<"$output"; then
    fail "nginx -t (exit $status):
$output"
fi
nginx_version=$(nginx -v 2>&1 | sed 's|.*nginx/||')

echo "check.sh: OK: systemd-analyze verify (solidarnist.service, solidarnist@.service; ExecStart=$binary)," \
    "systemd-analyze security ($security), nginx -t (nginx $nginx_version$ports) in $((SECONDS - started)) s"
