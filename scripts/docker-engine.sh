#!/usr/bin/env bash
# docker-engine.sh - bring up a Docker engine for the real-build tests (tests/e2e).
#
# Run as root on Debian bookworm. Idempotent: when the engine is up and the base images
# match the stubs, a rerun only checks and exits (a few seconds).
#
#   1. bookworm packages: runc, iptables, debootstrap, git, openssh-*.
#   2. Debian sid's docker.io / docker-cli / docker-buildx / docker-compose / containerd / tini-static
#      (Docker 28.x: RUN --mount=type=secret,env= and `docker build --check`, which
#      bookworm's 20.10 lacks), fetched with `apt-get download` through a private apt
#      state directory (the system's apt setup is not touched) and unpacked with
#      `dpkg -x` under $DM_DOCKER_PREFIX. bookworm's runc is used (sid's needs a newer libc).
#   3. dockerd in the background (log: $DM_DOCKERD_LOG); waits for `docker info`.
#   4. base images, no registry involved:
#        dm-base:busybox  Debian's busybox (+ the libc it links) + tests/e2e/stubs in
#                         /usr/local/bin. Not busybox-static: its sh runs its own applets
#                         before PATH, so its wget would shadow the wget stub.
#        dm-base:ssh      debootstrap minbase + git + openssh-client (tarball cached in
#                         $DM_BASE_CACHE) + the stubs except git and ssh-keyscan
#   5. a smoke build using RUN --mount=type=secret,env=,required.
#
# Usage: scripts/docker-engine.sh [start|stop]
# Knobs: DM_DOCKER_PREFIX (/opt/dm-docker), DM_DOCKERD_LOG (/var/log/dm-dockerd.log),
#        DM_BASE_CACHE (/var/cache/dm-base), DM_DEBIAN_MIRROR (default: the machine's apt
#        sources), DM_SKIP_SSH_IMAGE=1 (skip dm-base:ssh).
set -euo pipefail

PREFIX=${DM_DOCKER_PREFIX:-/opt/dm-docker}
ROOT=$PREFIX/root
LOG=${DM_DOCKERD_LOG:-/var/log/dm-dockerd.log}
CACHE=${DM_BASE_CACHE:-/var/cache/dm-base}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STUBS=$REPO/tests/e2e/stubs
SID_PACKAGES="docker.io docker-cli docker-buildx docker-compose containerd tini-static"
BOOKWORM_PACKAGES="runc iptables debootstrap git openssh-client openssh-server ca-certificates"
SSH_IMAGE_ONLY_REAL="git ssh-keyscan" # stubs left out of dm-base:ssh (the real tools are there)
BASE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
IMAGE_FORMAT=2 # bump to force a rebuild of the base images

say() { printf 'docker-engine: %s\n' "$*"; }
die() { printf 'docker-engine: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
[ -f /etc/debian_version ] || die "needs a Debian (bookworm) machine"
CODENAME=$( (. /etc/os-release && echo "${VERSION_CODENAME:-}") 2>/dev/null || true)
CODENAME=${CODENAME:-bookworm}

# docker CLI: the one on PATH, else ours.
docker_bin() {
    if command -v docker >/dev/null 2>&1; then command -v docker; else echo "$ROOT/usr/bin/docker"; fi
}
dk() { "$(docker_bin)" "$@"; }
server_version() { timeout 10 "$(docker_bin)" version --format '{{.Server.Version}}' 2>/dev/null || true; }

stop_engine() {
    local pid
    pid=$(cat /var/run/docker.pid 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        say "stopping dockerd (pid $pid)"
        kill "$pid"
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || { say "stopped"; return 0; }; sleep 1; done
        die "dockerd (pid $pid) did not stop within 30 s"
    fi
    say "no dockerd running"
}

case ${1:-start} in
start) ;;
stop) stop_engine; exit 0 ;;
*) die "usage: $0 [start|stop]" ;;
esac

exec 9>/var/lock/dm-docker-engine.lock
flock -w 600 9 || die "another docker-engine.sh holds /var/lock/dm-docker-engine.lock"

# --- 1. bookworm packages ---------------------------------------------------------------
missing_packages() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s ' "$p"
    done
}
install_bookworm_packages() {
    local miss
    miss=$(missing_packages $BOOKWORM_PACKAGES)
    [ -z "$miss" ] && return 0
    say "installing Debian packages: $miss"
    apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $miss >/dev/null ||
        die "apt-get install $miss failed"
}

# --- 2. Docker 28.x from sid, private apt state --------------------------------------------
# The machine's Debian mirror: first URI serving the machine's codename in the apt sources.
debian_mirror() {
    if [ -n "${DM_DEBIAN_MIRROR:-}" ]; then echo "${DM_DEBIAN_MIRROR%/}"; return 0; fi
    local m=
    shopt -s nullglob
    local deb822=(/etc/apt/sources.list.d/*.sources) oneline=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list)
    shopt -u nullglob
    if [ ${#deb822[@]} -gt 0 ]; then
        m=$(awk -v cn="$CODENAME" 'BEGIN { RS = ""; FS = "\n" }
            {
                uris = ""; suites = ""; types = ""; enabled = "yes"
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^[ \t]*#/ || index($i, ":") == 0) continue
                    k = tolower(substr($i, 1, index($i, ":") - 1)); v = substr($i, index($i, ":") + 1)
                    gsub(/^[ \t]+|[ \t]+$/, "", v)
                    if (k == "uris") uris = v; else if (k == "suites") suites = v
                    else if (k == "types") types = v; else if (k == "enabled") enabled = tolower(v)
                }
                if (enabled != "no" && (" " types " ") ~ /[ \t]deb[ \t]/ && (" " suites " ") ~ ("[ \t]" cn "[ \t]")) {
                    split(uris, u, /[ \t]+/)
                    if (u[1] ~ /^https?:\/\//) { print u[1]; exit }
                }
            }' "${deb822[@]}" 2>/dev/null || true)
    fi
    if [ -z "$m" ]; then
        m=$(awk -v cn="$CODENAME" '$1 == "deb" {
                i = 2
                if ($2 ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
                if ($(i + 1) == cn && $i ~ /^https?:\/\//) { print $i; exit }
            }' "${oneline[@]}" 2>/dev/null || true)
    fi
    [ -n "$m" ] || die "no Debian mirror for '$CODENAME' in /etc/apt/sources.list(.d); set DM_DEBIAN_MIRROR"
    echo "${m%/}"
}

install_sid_docker() { # incremental: fetches only packages not yet unpacked under $ROOT
    local mirror apt_dir opts p missing=
    for p in $SID_PACKAGES; do grep -qx "$p" "$PREFIX/installed" 2>/dev/null || missing="$missing $p"; done
    [ -z "$missing" ] && return 0
    mirror=$(debian_mirror)
    apt_dir=$PREFIX/apt
    say "fetching from Debian sid:$missing"
    rm -rf "$apt_dir" "$PREFIX/debs"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/empty" "$PREFIX/debs" "$ROOT"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" >"$apt_dir/sources.list"
    opts=(-o "Dir::State=$apt_dir" -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::State::status=/var/lib/dpkg/status"
        -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/empty"
        -o "Dir::Etc::Preferences=$apt_dir/empty/none" -o "Dir::Etc::PreferencesParts=$apt_dir/empty"
        -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1" -qq)
    apt-get "${opts[@]}" update || die "apt-get update of the private sid sources failed ($mirror)"
    # shellcheck disable=SC2086
    (cd "$PREFIX/debs" && apt-get "${opts[@]}" download $missing) || die "apt-get download$missing failed"
    for p in "$PREFIX"/debs/*.deb; do dpkg -x "$p" "$ROOT" || die "dpkg -x $p failed"; done
    rm -f "$ROOT/usr/sbin/runc" "$ROOT/usr/bin/runc" # bookworm's runc is used (sid's needs glibc 2.38)
    [ -x "$ROOT/usr/sbin/dockerd" ] || die "dockerd missing from the unpacked docker.io package"
    for p in $missing; do echo "$p"; done >>"$PREFIX/installed"
    (cd "$PREFIX/debs" && ls *.deb) >>"$PREFIX/versions"
    rm -rf "$PREFIX/debs" "$apt_dir"
}

link_clients() {
    mkdir -p /usr/local/libexec/docker/cli-plugins
    local plugin
    for plugin in docker-buildx docker-compose; do
        ln -sfn "$ROOT/usr/libexec/docker/cli-plugins/$plugin" /usr/local/libexec/docker/cli-plugins/$plugin
    done
    command -v docker >/dev/null 2>&1 || [ -e /usr/local/bin/docker ] || ln -s "$ROOT/usr/bin/docker" /usr/local/bin/docker
}

# --- 3. dockerd ------------------------------------------------------------------------------
wait_engine() { # wait_engine SECONDS PID
    local i
    for i in $(seq "$1"); do
        [ -n "$(server_version)" ] && return 0
        [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null && return 1
        sleep 1
    done
    return 1
}
start_dockerd() {
    local pid
    pid=$(cat /var/run/docker.pid 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        say "dockerd (pid $pid) is starting; waiting"
        wait_engine 60 "$pid" && return 0
        die "dockerd (pid $pid) runs but does not answer; see $LOG or run '$0 stop'"
    fi
    mkdir -p "$(dirname "$LOG")"
    local extra
    for extra in "" "--iptables=false --ip6tables=false --bridge=none"; do
        say "starting dockerd${extra:+ ($extra)}; log: $LOG"
        # shellcheck disable=SC2086
        PATH="$ROOT/usr/bin:$ROOT/usr/sbin:$PATH" setsid "$ROOT/usr/sbin/dockerd" $extra >>"$LOG" 2>&1 </dev/null 9>&- &
        pid=$!
        wait_engine 60 "$pid" && return 0
        kill "$pid" 2>/dev/null || true
        sleep 1
        say "dockerd did not come up; last log lines:"
        tail -n 5 "$LOG" | sed 's/^/    /'
    done
    die "dockerd failed to start; see $LOG"
}

ensure_engine() {
    local v
    v=$(server_version)
    if [ -n "$v" ]; then
        case $v in
        2[7-9].* | [3-9][0-9].*) ;;
        *) die "a Docker engine $v already runs (need >= 28 for RUN --mount=type=secret,env=); stop it first" ;;
        esac
        [ -d "$ROOT" ] && install_sid_docker
        link_clients
        return 0
    fi
    install_bookworm_packages
    install_sid_docker
    link_clients
    start_dockerd
}

# --- 4. base images --------------------------------------------------------------------------
stubs_hash() {
    (echo "format $IMAGE_FORMAT"; cd "$STUBS" && for f in $(ls | sort); do echo "== $f"; cat "$f"; done) |
        sha256sum | cut -c1-16
}
image_label() { dk image inspect -f '{{index .Config.Labels "dm.stubs"}}' "$1" 2>/dev/null || true; }

# add_stubs ROOTFS_IMAGE TARGET_TAG HASH EXCLUDED...: TARGET = ROOTFS + stubs in /usr/local/bin.
add_stubs() {
    local from=$1 tag=$2 hash=$3 ctx f
    shift 3
    ctx=$(mktemp -d)
    mkdir "$ctx/stubs"
    cp -p "$STUBS"/* "$ctx/stubs/"
    for f in "$@"; do rm -f "$ctx/stubs/$f"; done
    chmod 0755 "$ctx"/stubs/*
    printf 'FROM %s\nCOPY stubs/ /usr/local/bin/\nLABEL dm.stubs=%s\n' "$from" "$hash" >"$ctx/Dockerfile"
    dk buildx build --quiet --network none --load -t "$tag" "$ctx" >/dev/null 2>"$ctx/err" ||
        { cat "$ctx/err" >&2; rm -rf "$ctx"; die "building $tag failed"; }
    rm -rf "$ctx"
}

# Debian's dynamically linked busybox, unpacked (not installed: it conflicts with busybox-static).
fetch_busybox() {
    local dir=$CACHE/busybox tmp
    [ -x "$dir/bin/busybox" ] && return 0
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root busybox >/dev/null 2>&1) ||
        { apt-get update -qq && (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root busybox); } ||
        { rm -rf "$tmp"; die "apt-get download busybox failed"; }
    rm -rf "$dir" && mkdir -p "$dir" && dpkg -x "$tmp"/busybox_*.deb "$dir" || die "dpkg -x busybox failed"
    rm -rf "$tmp"
    [ -x "$dir/bin/busybox" ] || die "busybox missing from Debian's busybox package"
}

build_busybox_image() {
    local hash=$1 dir a lib bb=$CACHE/busybox/bin/busybox
    [ "$(image_label dm-base:busybox)" = "$hash" ] && return 0
    say "building dm-base:busybox"
    fetch_busybox
    dir=$(mktemp -d)
    mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,root,tmp,var/tmp,home,run}
    chmod 1777 "$dir/tmp" "$dir/var/tmp"
    chmod 0700 "$dir/root"
    cp "$bb" "$dir/bin/busybox"
    for lib in $(ldd "$bb" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
        mkdir -p "$dir$(dirname "$lib")" && cp -L "$lib" "$dir$lib"
    done
    for a in $("$bb" --list-full); do
        [ -e "$dir/$a" ] || [ -L "$dir/$a" ] || ln -s /bin/busybox "$dir/$a"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dir/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
    tar --numeric-owner --owner=0 --group=0 -C "$dir" -c . |
        dk import --change "ENV PATH=$BASE_PATH" - dm-base:busybox-rootfs >/dev/null || die "docker import (busybox) failed"
    rm -rf "$dir"
    add_stubs dm-base:busybox-rootfs dm-base:busybox "$hash"
}

build_ssh_image() {
    local hash=$1 tarball=$CACHE/$CODENAME-minbase-git-openssh.tar dir mirror
    [ "$(image_label dm-base:ssh)" = "$hash" ] && return 0
    if [ ! -s "$tarball" ]; then
        mirror=$(debian_mirror)
        say "debootstrap $CODENAME minbase + git + openssh-client (about a minute; cached in $CACHE)"
        mkdir -p "$CACHE"
        dir=$(mktemp -d "$CACHE/rootfs.XXXXXX")
        debootstrap --variant=minbase --include=git,openssh-client "$CODENAME" "$dir" "$mirror" >"$CACHE/debootstrap.log" 2>&1 ||
            { tail -n 20 "$CACHE/debootstrap.log" >&2; rm -rf "$dir"; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
        rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/usr/share/{doc,man,info,locale}/* \
            "$dir"/etc/hostname "$dir"/etc/resolv.conf
        tar --numeric-owner -C "$dir" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
        rm -rf "$dir"
    fi
    if [ "$(dk image inspect -f '{{index .Config.Labels "dm.rootfs"}}' dm-base:ssh-rootfs 2>/dev/null)" != "$(stat -c %Y "$tarball")" ]; then
        say "importing $tarball as dm-base:ssh-rootfs"
        dk import --change "ENV PATH=$BASE_PATH" --change "LABEL dm.rootfs=$(stat -c %Y "$tarball")" "$tarball" dm-base:ssh-rootfs >/dev/null ||
            die "docker import (ssh) failed"
    fi
    say "building dm-base:ssh"
    add_stubs dm-base:ssh-rootfs dm-base:ssh "$hash" $SSH_IMAGE_ONLY_REAL
}

# --- 5. smoke test ---------------------------------------------------------------------------
smoke_test() {
    local ctx out
    ctx=$(mktemp -d)
    printf 'FROM dm-base:busybox\nRUN --mount=type=secret,id=dmprobe,env=DM_PROBE,required require-env DM_PROBE\n' >"$ctx/Dockerfile"
    if ! out=$(cd "$ctx" && DM_PROBE=1 timeout 120 "$(docker_bin)" buildx build --no-cache --network none \
        --secret id=dmprobe,env=DM_PROBE -q . 2>&1); then
        rm -rf "$ctx"
        printf '%s\n' "$out" | tail -n 15 >&2
        die "smoke build with RUN --mount=type=secret,env= failed"
    fi
    rm -rf "$ctx"
    [ -z "$out" ] || dk image rm "$(printf '%s\n' "$out" | tail -n 1)" >/dev/null 2>&1 || true
}

[ -d "$STUBS" ] || die "stub directory $STUBS not found"
ensure_engine
dk buildx version >/dev/null 2>&1 || die "docker buildx does not work (plugin: /usr/local/libexec/docker/cli-plugins/docker-buildx)"
HASH=$(stubs_hash)
build_busybox_image "$HASH"
if [ "${DM_SKIP_SSH_IMAGE:-0}" != 1 ]; then build_ssh_image "$HASH"; fi
smoke_test
say "ready in ${SECONDS}s: engine $(server_version), $(dk buildx version | awk '{print $1, $2}'), images: $(dk images --format '{{.Repository}}:{{.Tag}}' dm-base | grep -v rootfs | sort | tr '\n' ' ')"
