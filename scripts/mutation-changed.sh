#!/usr/bin/env bash
# Mutation testing of the source files a change touched (within the folders mutation testing covers),
# capped in time so CI can afford it. Prints Stryker's score table for those files; it reports and
# does not fail the build (the scores are kept in docs/testing.md).
#   bash scripts/mutation-changed.sh [BASE]   (default BASE: HEAD~1, i.e. the last commit)
set -uo pipefail
cd "$(dirname "$0")/.."
base=${1:-HEAD~1}
limit=${FLEET_MUTATION_SECONDS:-300}

if ! git rev-parse -q --verify "$base^{commit}" >/dev/null; then
  echo "mutation: no $base to compare with; nothing to do"
  exit 0
fi
mapfile -t files < <(git diff --name-only --diff-filter=AM "$base" HEAD -- src/modules src/inventory src/template src/output src/executor | grep '\.ts$')
if [ "${#files[@]}" -eq 0 ]; then
  echo "mutation: no mutated source file changed since $base"
  exit 0
fi
echo "mutation: ${files[*]} (at most ${limit}s)"
list=$(IFS=,; echo "${files[*]}")
log=$(mktemp /tmp/fleet-mutation-XXXXXX.log)
# Its own process group, so the time limit stops Stryker's test runners and checker too.
FLEET_MUTATION_FOLDER=changed setsid npx --no-install stryker run --mutate "$list" --force --reporters clear-text,json \
  --tempDirName .stryker-tmp-changed >"$log" 2>&1 &
pid=$!
( sleep "$limit"; kill -TERM -- "-$pid" 2>/dev/null ) &
watchdog=$!
wait "$pid"
rc=$?
kill "$watchdog" 2>/dev/null
grep -v '^Mutation testing' "$log" | sed -n '/^-----/,$p'
rm -rf "$log" .stryker-tmp-changed
if [ "$rc" -eq 0 ]; then
  node scripts/mutation-score.mjs reports/mutation/changed/mutation.json "files changed since $base"
else
  echo "mutation: Stryker stopped (exit $rc; after ${limit}s it is stopped on purpose); for the whole score run:"
  echo "  FLEET_MUTATION_FOLDER=changed npx stryker run --mutate '$list'"
fi
exit 0
