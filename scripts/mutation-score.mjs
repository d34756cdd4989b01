// The mutation score of a Stryker JSON report, or of a folder's reports (its own mutation.json, or,
// when it was measured in parts, the parts' reports together), as Stryker counts it: killed + timed
// out over every mutant that was valid (compile errors and ignored mutants are left out).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [path, label = path] = process.argv.slice(2);
function reports(p) {
  if (!statSync(p).isDirectory()) return [p];
  if (existsSync(join(p, 'mutation.json'))) return [join(p, 'mutation.json')];
  const parts = join(p, 'parts');
  return existsSync(parts) ? readdirSync(parts).map((d) => join(parts, d, 'mutation.json')).filter((f) => existsSync(f)) : [];
}
// A file measured in two parts counts once: the later report of it wins.
const files = {};
for (const file of reports(path)) Object.assign(files, JSON.parse(readFileSync(file, 'utf8')).files);
const counts = {};
for (const f of Object.values(files)) for (const m of f.mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
const undetected = (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
const score = detected + undetected ? (100 * detected) / (detected + undetected) : 100;
// Given the folder as the label, say how much of it the reports cover (a folder measured in parts).
const sources = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
const total = existsSync(label) && statSync(label).isDirectory() ? sources(label).length : undefined;
const coverage = total !== undefined && Object.keys(files).length < total ? `, ${Object.keys(files).length} of its ${total} files` : '';
console.log(`${label}${Object.keys(files).length ? coverage : ' (no report)'}: ${score.toFixed(1)}% (killed ${counts.Killed ?? 0}, timed out ${counts.Timeout ?? 0}, survived ${counts.Survived ?? 0}, no coverage ${counts.NoCoverage ?? 0})`);
