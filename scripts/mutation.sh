#!/usr/bin/env bash
# Mutation testing, one folder of src/ at a time (each with its own incremental file and report under
# reports/mutation/FOLDER/), then the score of each:
#   npm run mutation                         every folder (hours on two cores the first time)
#   npm run mutation -- output inventory     some folders
#   npm run mutation -- 'template:filters/**/*.ts'   a part of a folder (see stryker.config.mjs)
set -uo pipefail
cd "$(dirname "$0")/.."
folders=("$@")
[ "${#folders[@]}" -eq 0 ] && folders=(output executor inventory template modules)
for spec in "${folders[@]}"; do
  f=${spec%%:*}
  part=${spec#"$f"}
  part=${part#:}
  [ -d "src/$f" ] || { echo "mutation: no folder src/$f" >&2; exit 2; }
  echo "mutation: src/$f${part:+/$part}"
  FLEET_MUTATION_FOLDER=$f FLEET_MUTATION_PART=$part npx --no-install stryker run || exit $?
done
for spec in "${folders[@]}"; do f=${spec%%:*}; node scripts/mutation-score.mjs "reports/mutation/$f" "src/$f"; done
