#!/usr/bin/env node
/**
 * Packs the pipeline for the nodes: dist/pipeline, a package.json and exactly the npm packages the
 * pipeline needs (their dependency closure, read from node_modules), into a reproducible
 * build/release/fleet-pipeline-<id>.tar.gz, described by build/release/release.json. The nodes
 * need no npm registry: playbooks/deploy_pipeline.yaml copies the archive and unpacks it.
 *
 *   node scripts/release.mjs [--with-caption]    (after npm run build)
 *
 * --with-caption adds @huggingface/transformers and its ONNX runtime (~450 MB) for workers that
 * caption images; without it a caption job fails saying so. Prints "unchanged" when the archive
 * it would write is already there.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const withCaption = process.argv.includes('--with-caption');
const ROOTS = ['bullmq', 'ioredis', 'prom-client', 'fastify', '@fastify/multipart', 'sharp', ...(withCaption ? ['@huggingface/transformers'] : [])];

const dist = join(root, 'dist', 'pipeline');
if (!existsSync(join(dist, 'worker.js'))) {
  console.error('release: dist/pipeline/worker.js is missing: run `npm run build` first');
  process.exit(1);
}

/** The package directory `name` resolves to from `fromDir`, as Node would find it. */
function resolvePackage(name, fromDir) {
  for (let d = fromDir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (d === root || d === dirname(d)) return undefined;
  }
}

const packages = new Set();
const missing = [];
function visit(dir) {
  if (packages.has(dir)) return;
  packages.add(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const deps = { ...pkg.dependencies, ...pkg.optionalDependencies };
  for (const name of Object.keys(deps)) {
    const found = resolvePackage(name, dir);
    if (found) visit(found);
    else if (!(pkg.optionalDependencies && name in pkg.optionalDependencies)) missing.push(`${name} (needed by ${pkg.name})`);
  }
}
for (const name of ROOTS) {
  const dir = resolvePackage(name, root);
  if (!dir) missing.push(name);
  else visit(dir);
}
if (missing.length) {
  console.error(`release: packages missing from node_modules: ${missing.join(', ')}: run npm ci`);
  process.exit(1);
}

const out = join(root, 'build', 'release');
const stage = join(out, 'stage');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
cpSync(dist, join(stage, 'dist', 'pipeline'), { recursive: true, filter: (src) => !src.endsWith('.map') });
for (const dir of packages) cpSync(dir, join(stage, relative(root, dir)), { recursive: true, dereference: true, filter: (src) => !/\/node_modules\/[^/]+\/node_modules$/.test(src) || false });
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
writeFileSync(join(stage, 'package.json'), `${JSON.stringify({ name: 'fleet-pipeline', version, private: true, type: 'module', caption: withCaption }, null, 2)}\n`);

// The id is a hash of every file's path and content: the same tree gives the same archive name.
const files = [];
const walk = (d) => {
  for (const e of readdirSync(d).sort()) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else files.push(p);
  }
};
walk(stage);
const hash = createHash('sha256');
for (const f of files) hash.update(relative(stage, f)).update('\0').update(readFileSync(f)).update('\0');
const id = hash.digest('hex').slice(0, 16);
writeFileSync(join(stage, 'RELEASE'), `${id}\n`);

const file = `fleet-pipeline-${id}.tar.gz`;
const archive = join(out, file);
const manifest = { id, file, version, caption: withCaption, packages: packages.size, files: files.length + 1 };
if (existsSync(archive)) {
  rmSync(stage, { recursive: true, force: true });
  writeFileSync(join(out, 'release.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`release: unchanged: build/release/${file}`);
  process.exit(0);
}
for (const old of readdirSync(out).filter((f) => /^fleet-pipeline-.*\.tar\.gz$/.test(f))) rmSync(join(out, old));
// Reproducible: sorted names, fixed owner and mtime, gzip without a timestamp.
const tar = execFileSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', stage, '-cf', '-', '.'], { maxBuffer: 2 ** 31 - 1 });
const gz = execFileSync('gzip', ['-n', '-6'], { input: tar, maxBuffer: 2 ** 31 - 1 });
writeFileSync(`${archive}.tmp`, gz);
execFileSync('mv', ['-f', `${archive}.tmp`, archive]);
rmSync(stage, { recursive: true, force: true });
writeFileSync(join(out, 'release.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`release: build/release/${file}: ${packages.size} packages, ${files.length + 1} files, ${(gz.length / 1e6).toFixed(1)} MB${withCaption ? ', with caption support' : ''}`);
