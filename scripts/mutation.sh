#!/usr/bin/env bash
# Mutation testing, one folder of src/ at a time (each with its own incremental file and report under
# reports/mutation/FOLDER/), then the score of each:
#   npm run mutation                         every folder (hours on two cores the first time)
#   npm run mutation -- output inventory     some folders
set -uo pipefail
cd "$(dirname "$0")/.."
folders=("$@")
[ "${#folders[@]}" -eq 0 ] && folders=(output executor inventory template modules)
for f in "${folders[@]}"; do
  [ -d "src/$f" ] || { echo "mutation: no folder src/$f" >&2; exit 2; }
  echo "mutation: src/$f"
  FLEET_MUTATION_FOLDER=$f npx --no-install stryker run || exit $?
done
for f in "${folders[@]}"; do node scripts/mutation-score.mjs "reports/mutation/$f/mutation.json" "src/$f"; done
