import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The `fleet` command is built as one bundle with a chunk per command (scripts/bundle.mjs). What a
// command loads is decided by the imports between those files, so that is what is checked here:
// the speed itself is measured by the bench, never by a test.
const DIST = join(import.meta.dirname, '..', 'dist', 'cli');
const CLI = join(DIST, 'main.js');

/** Every file a module loads before its code runs: its static imports, followed through the chunks. */
function staticClosure(file: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    const text = readFileSync(path, 'utf8');
    seen.set(path, text);
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"(\.{1,2}\/[^"]+)"/gm)) visit(join(dirname(path), m[1]!));
    for (const m of text.matchAll(/^import\s*"(\.{1,2}\/[^"]+)"/gm)) visit(join(dirname(path), m[1]!));
  };
  visit(file);
  return seen;
}

/** The source files and packages esbuild put into some files (it marks each with a `// path` line). */
function sourcesOf(files: Iterable<string>): Set<string> {
  const sources = new Set<string>();
  for (const text of files) for (const m of text.matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)) sources.add(m[1]!);
  return sources;
}

/** The bare packages some files import statically (those left out of the bundle). */
function packageImports(files: Iterable<string>): Set<string> {
  const names = new Set<string>();
  for (const text of files) for (const m of text.matchAll(/^import\s[^;]*?from\s*"([^".][^"]*)"/gm)) if (!m[1]!.startsWith('node:')) names.add(m[1]!);
  return names;
}

function fleet(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the fleet command as built', () => {
  const work = mkdtempSync(join(tmpdir(), 'fleet-bundle-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('starts with commander and its own command table only: no playbook, executor, module, template, transport or lab code', () => {
    const loaded = staticClosure(CLI);
    const sources = [...sourcesOf(loaded.values())];
    expect(sources.some((s) => s.startsWith('src/cli/main.ts'))).toBe(true);
    expect(sources.some((s) => s.startsWith('node_modules/commander/'))).toBe(true);
    const heavy = sources.filter((s) => /^src\/(playbook|executor|modules|template|transport|lab|inventory|output|pipeline)\/|^node_modules\/(?!commander\/)/.test(s));
    expect(heavy).toEqual([]);
    expect(packageImports(loaded.values())).toEqual(new Set());
  });

  it('loads ssh2, Handlebars and the CSV parser only when a run needs them, not with `fleet play`', () => {
    const main = readFileSync(CLI, 'utf8');
    const playChunk = /import\("(\.\/chunks\/play-action-[^"]+)"\)/.exec(main)?.[1];
    expect(playChunk, 'main.js imports the play command lazily').toBeDefined();
    const loaded = staticClosure(join(DIST, playChunk!));
    const sources = [...sourcesOf(loaded.values())];
    // The closure is the real one: the executor, the modules and the template engine are in it.
    for (const folder of ['src/executor/', 'src/modules/', 'src/template/']) expect(sources.some((s) => s.startsWith(folder)), folder).toBe(true);
    expect(sources.filter((s) => /^node_modules\/(handlebars|source-map|csv-parse|ssh2)\//.test(s))).toEqual([]);
    expect(packageImports(loaded.values())).toEqual(new Set());
  });

  it('prints the version of package.json for --version', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    const r = await fleet(['--version'], work);
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('finds what it loads late from where it is installed: a .hbs template and a csvfile lookup in a local play', async () => {
    writeFileSync(join(work, 'users.csv'), 'alice,1001\nbob,1002\n');
    writeFileSync(join(work, 'motd.hbs'), 'hello {{upper who}} ({{uid}})\n');
    writeFileSync(
      join(work, 'play.yml'),
      [
        '- hosts: localhost',
        '  connection: local',
        '  gather_facts: false',
        '  vars:',
        '    who: bob',
        "    uid: \"{{ lookup('csvfile', 'bob file=users.csv delimiter=, col=1') }}\"",
        '  tasks:',
        '    - template:',
        '        src: motd.hbs',
        `        dest: ${join(work, 'motd')}`,
        '',
      ].join('\n'),
    );
    const r = await fleet(['play', 'play.yml'], work);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^localhost +: ok=1 +changed=1 +unreachable=0 +failed=0 /m);
    expect(readFileSync(join(work, 'motd'), 'utf8')).toBe('hello BOB (1002)\n');
  });
});
