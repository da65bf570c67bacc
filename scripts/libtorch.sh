#!/usr/bin/env bash
# Provision libtorch for the hyperdpo workspace.
#
# tch 0.26 needs libtorch 2.13.0. The PyPI wheel `torch==2.13.0` ships exactly that
# libtorch (headers + shared libraries under site-packages/torch), so this script
# installs it into a virtual environment in a per-user cache and points the workspace
# at it through the git-ignored link `.libtorch` (read by `.cargo/config.toml`).
#
# * Respects the user's own setup: if LIBTORCH or LIBTORCH_USE_PYTORCH is set, it
#   does nothing.
# * Idempotent: a completed install is marked by a stamp written last; a second run
#   only checks the stamp and the link (well under a second).
# * A failed or partial install (no stamp, or a stamp that does not match the files)
#   is removed and redone, never used.
# * Concurrent runs (two clones, CI and a shell) are serialised with flock.
#
# Environment: HYPERDPO_CACHE (default ~/.cache/hyperdpo), HYPERDPO_PYTHON (default python3),
#              HYPERDPO_TORCH_VERSION (default 2.13.0, the version tch 0.26 requires).
set -euo pipefail

say() { printf 'libtorch: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
link="$root/.libtorch"

if [[ -n "${LIBTORCH:-}" ]]; then
    say "LIBTORCH=$LIBTORCH is set; using it as is (nothing to do)."
    exit 0
fi
if [[ -n "${LIBTORCH_USE_PYTORCH:-}" ]]; then
    say "LIBTORCH_USE_PYTORCH is set; tch will use the active Python's torch (nothing to do)."
    exit 0
fi

version="${HYPERDPO_TORCH_VERSION:-2.13.0}"
cache="${HYPERDPO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hyperdpo}"
venv="$cache/torch-$version"
stamp="$venv/.hyperdpo-complete"
python="${HYPERDPO_PYTHON:-python3}"

# The torch directory inside a finished venv; printed by the stamp check.
torch_dir() { cat "$stamp" 2>/dev/null | sed -n 's/^torch_dir=//p'; }

# The files tch's build needs from a libtorch directory.
needed=(lib/libtorch_cpu.so lib/libc10.so include/ATen/ATen.h include/torch/csrc/api/include/torch/all.h)
has_libtorch() {
    local f
    for f in "${needed[@]}"; do [[ -f "$1/$f" ]] || return 1; done
}
missing_files() {
    local f
    for f in "${needed[@]}"; do [[ -f "$1/$f" ]] || printf ' %s' "$f"; done
}

# A stamp is valid only if the files it vouches for are still there.
stamp_ok() {
    [[ -f "$stamp" ]] || return 1
    local dir; dir="$(torch_dir)"
    [[ -n "$dir" ]] && has_libtorch "$dir" || return 1
    grep -qx "version=$version" "$stamp"
}

point_link() {
    local dir="$1"
    if [[ "$(readlink "$link" 2>/dev/null || true)" != "$dir" ]]; then
        ln -sfn "$dir" "$link.tmp.$$" && mv -T "$link.tmp.$$" "$link"
        say "linked $link -> $dir"
    fi
}

# Fast path: nothing to do.
if stamp_ok; then
    point_link "$(torch_dir)"
    exit 0
fi

command -v "$python" >/dev/null 2>&1 || die "'$python' not found. Install Python 3.9+ (e.g. 'apt-get install python3 python3-venv'), or set LIBTORCH to an existing libtorch $version."
"$python" -c 'import venv' 2>/dev/null || die "'$python -m venv' is unavailable. Install it (e.g. 'apt-get install python3-venv'), or set LIBTORCH."
command -v flock >/dev/null 2>&1 || die "'flock' not found (package util-linux)."

mkdir -p "$cache"
exec 9>"$cache/.lock-torch-$version"
say "waiting for the install lock $cache/.lock-torch-$version ..."
flock 9
# Someone else may have finished while we waited.
if stamp_ok; then
    point_link "$(torch_dir)"
    exit 0
fi

if [[ -e "$venv" ]]; then
    say "found an incomplete install at $venv; removing it and starting again."
    rm -rf "$venv"
fi

say "installing torch==$version from PyPI into $venv (about 4.7 GB; a few minutes) ..."
"$python" -m venv "$venv" || { rm -rf "$venv"; die "could not create a virtual environment at $venv (is python3-venv installed?)"; }
"$venv/bin/python" -m pip --version >/dev/null 2>&1 || { rm -rf "$venv"; die "the virtual environment has no pip (install python3-pip / ensurepip)."; }
if ! "$venv/bin/python" -m pip install --no-input --disable-pip-version-check --no-cache-dir -q "torch==$version"; then
    rm -rf "$venv"
    die "pip could not install torch==$version (network or disk problem?). Nothing was left behind; run again, or set LIBTORCH."
fi

dir="$("$venv/bin/python" -W ignore -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null)" \
    || { rm -rf "$venv"; die "torch was installed but cannot be imported; removed $venv."; }
got="$("$venv/bin/python" -W ignore -c 'import torch; print(torch.__version__.split("+")[0])')"
[[ "$got" == "$version" ]] || { rm -rf "$venv"; die "pip installed torch $got, expected $version."; }
has_libtorch "$dir" \
    || { rm -rf "$venv"; die "torch $version at $dir lacks libtorch files:$(missing_files "$dir")."; }

printf 'version=%s\ntorch_dir=%s\n' "$version" "$dir" > "$stamp.tmp"
mv "$stamp.tmp" "$stamp"
point_link "$dir"
say "done: libtorch $version at $dir"
