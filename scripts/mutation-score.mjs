// The mutation score of one Stryker JSON report, as Stryker counts it: killed + timed out over every
// mutant that was valid (compile errors and ignored mutants are left out).
import { readFileSync } from 'node:fs';

const [file, label = file] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, 'utf8'));
const counts = {};
for (const f of Object.values(report.files)) for (const m of f.mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
const undetected = (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
const score = detected + undetected ? (100 * detected) / (detected + undetected) : 100;
console.log(`${label}: ${score.toFixed(1)}% (killed ${counts.Killed ?? 0}, timed out ${counts.Timeout ?? 0}, survived ${counts.Survived ?? 0}, no coverage ${counts.NoCoverage ?? 0})`);
