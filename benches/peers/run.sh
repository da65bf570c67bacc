#!/usr/bin/env bash
# Runs the hypervolume peer comparison: builds our side, creates a venv with moocore and pygmo
# (benches/peers/.venv, git-ignored), and prints the table. Takes a few minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
venv=benches/peers/.venv
if [[ ! -x $venv/bin/python ]] || ! $venv/bin/python -c 'import moocore, pygmo, numpy' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q moocore pygmo numpy
fi
cargo run --release --example write_fronts >/dev/null
cargo build --release -p hyperdpo-moo --bin hv
if [[ "${SKIP_CRITERION:-0}" != 1 ]]; then
    cargo bench --bench hypervolume
fi
"$venv/bin/python" benches/peers/hv_peers.py "$@"
