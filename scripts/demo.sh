#!/usr/bin/env bash
# The main job on the built-in lab: set-up, a real fleet of 5 OpenSSH nodes, and fleet driving it.
# The lab stays up afterwards so you can keep using it; `npx fleet lab down` removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
fleet() { node dist/cli/main.js "$@"; }
step() { printf '\n\033[1m$ fleet %s\033[0m\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "demo: the lab needs root (network, mount, uts and pid namespaces); run: sudo npm run demo" >&2
  exit 1
fi

step lab up 5
fleet lab up 5
inv=$(fleet lab inventory)

step inventory -i "$inv" --graph
fleet inventory -i "$inv" --graph

step run all -i "$inv" -a hostname
fleet run all -i "$inv" -a hostname

step run clients -i "$inv" -m shell -a "'uptime; df -h / | tail -1'" --one-line
fleet run clients -i "$inv" -m shell -a 'uptime; df -h / | tail -1' --one-line

step run 'all:!node1' -i "$inv" -u deploy -b -a whoami --one-line
fleet run 'all:!node1' -i "$inv" -u deploy -b -a whoami --one-line

step run all -i "$inv" -m shell -a "'echo \$((6*7)) >&2; exit 3'"
fleet run all -i "$inv" -m shell -a 'echo $((6*7)) >&2; exit 3' || echo "(exit code $?: every host failed, as asked)"

cat <<MSG

The lab is still up: $(fleet lab status | head -1)
  inventory:  $inv
  try:        npx fleet run all -i $inv -m shell -a 'ip -4 -br addr'
  tear down:  npx fleet lab down
MSG
