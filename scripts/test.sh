#!/usr/bin/env bash
# The whole test suite from a fresh machine: set-up, layering lint, then vitest against the real lab.
# Ends with one line "N passed, N failed, N skipped" taken from vitest's own JSON report; a skipped
# test not listed in test/allowed-skips.json counts as failed.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

lint_failed=0
if ! npx --no-install depcruise src --config .dependency-cruiser.cjs; then
  echo "test: the layering lint failed (see above)" >&2
  lint_failed=1
fi

# The tests are TypeScript too: type errors in them count as a failure, as the lint does.
if ! npx --no-install tsc -p tsconfig.test.json; then
  echo "test: the tests do not type-check (see above)" >&2
  lint_failed=$((lint_failed + 1))
fi

# Lab tests use fixed lab names, ports and the machine's loop devices: two runs on one machine (two
# checkouts, or CI next to a developer's run) would tear down each other's nodes. One at a time.
lock_dir=/run/lock; [ -w "$lock_dir" ] || lock_dir=/tmp
exec 9>"$lock_dir/fleet-tests.lock"
if ! flock -n 9; then
  echo "test: another fleet test run holds $lock_dir/fleet-tests.lock; waiting for it to finish" >&2
  flock 9
fi

report=$(mktemp /tmp/fleet-vitest-XXXXXX.json)
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
vitest_rc=$?

node - "$report" "$vitest_rc" "$lint_failed" test/allowed-skips.json <<'NODE'
const fs = require('node:fs');
const path = require('node:path');
const [file, rcText, lintText, allowedFile] = process.argv.slice(2);
let r = {};
try { r = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { /* no report: vitest died */ }
const passed = r.numPassedTests ?? 0;
let failed = (r.numFailedTests ?? 0) + Number(lintText);
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
// A skipped test protects nothing: each one must be on the short list, with its reason.
const allowed = JSON.parse(fs.readFileSync(allowedFile, 'utf8')).skips;
const unlisted = [];
for (const suite of r.testResults ?? []) {
  const rel = path.relative(process.cwd(), suite.name);
  for (const t of suite.assertionResults ?? []) {
    if (!['skipped', 'pending', 'todo'].includes(t.status)) continue;
    if (!allowed.some((a) => a.file === rel && a.test === t.fullName)) unlisted.push(`${rel}: ${t.fullName}`);
  }
}
if (unlisted.length) {
  console.error(`test: ${unlisted.length} skipped test(s) not in ${allowedFile} (run them, or list each with its reason):`);
  for (const u of unlisted) console.error(`  ${u}`);
  failed += unlisted.length;
}
// A suite that fails to load has no failed test of its own: count it so the line never says 0 failed.
if (Number(rcText) !== 0 && failed === 0) failed = Math.max(1, r.numFailedTestSuites ?? 0);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
NODE
status=$?
rm -f "$report"
exit $status
