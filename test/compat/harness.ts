/**
 * The differential harness: one playbook, run by ansible-playbook (Debian's ansible-core 2.14) and
 * by fleet against the same lab node, each from a clean state, and the two endings compared: exit
 * code, PLAY RECAP counts per host, the files the playbook left under its output directory (paths,
 * types, modes, contents), and optionally lines both outputs must show.
 *
 * The playbook writes under `{{ out_dir }}` (passed with -e to both runners). The directory is
 * removed on the node before each run and read back after it, so neither runner sees what the
 * other left.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { HostStats } from '../../src/executor/events.js';
import { labExec, type LabInfo, type LabNode } from '../../src/lab/index.js';

export const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';
export const ANSIBLE_ADHOC = '/usr/bin/ansible';
export const FLEET_CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/** Where compat playbooks write, on the node. */
export const OUT_DIR = '/tmp/fleet-compat-out';

/** A host's PLAY RECAP counts: the same seven as fleet's own stats. */
export type RecapCounts = HostStats;

export interface FileEntry {
  type: 'file' | 'dir' | 'link' | 'other';
  mode: string;
  /** user:group */
  owner: string;
  /** File contents (base64 when not UTF-8), a link's target, '' for directories. */
  content: string;
}

export interface RunnerOutcome {
  runner: 'ansible' | 'fleet';
  rc: number;
  stdout: string;
  stderr: string;
  recap: Record<string, RecapCounts>;
  files: Record<string, FileEntry>;
}

/**
 * A playbook's sidecar (NAME.expect.yaml), all optional:
 *   args: [--start-at-task, nope]     more arguments for both runners
 *   ansible_env: {K: v}               more environment for ansible-playbook only
 *   fleet_args: [--output, json]      more arguments for fleet only (ansible's equivalent in ansible_env)
 *   inventory: false                  run without -i (no inventory at all)
 *   adhoc: {pattern, module, args}    run `ansible` / `fleet run` instead (the .yaml is then only a name)
 *   ansible_rc: 2                     the exit code ansible-playbook must end with (default 0), so a
 *                                     playbook that breaks under Ansible too is not taken for a match
 *   output: ['No matching task']      regexes both runners' stdout+stderr must match
 *   differences:                      known, documented differences, each with its reason:
 *     rc: "why"                       do not compare exit codes
 *     recap: "why"                    do not compare recap counts
 *     files: "why"                    do not compare files
 */
export interface Expectation {
  args?: string[];
  ansible_env?: Record<string, string>;
  fleet_args?: string[];
  inventory?: boolean;
  adhoc?: { pattern: string; module?: string; args?: string };
  ansible_rc?: number;
  output?: string[];
  differences?: Partial<Record<'rc' | 'recap' | 'files', string>>;
}

export function readExpectation(playbook: string): Expectation {
  const sidecar = join(dirname(playbook), `${basename(playbook).replace(/\.ya?ml$/, '')}.expect.yaml`);
  if (!existsSync(sidecar)) return {};
  return (parseYaml(readFileSync(sidecar, 'utf8')) ?? {}) as Expectation;
}

const RECAP_LINE = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/;

/** PLAY RECAP lines of either runner's text output, per host. */
export function parseRecap(output: string): Record<string, RecapCounts> {
  const recap: Record<string, RecapCounts> = {};
  const json = jsonStats(output);
  if (json) return json;
  const at = output.lastIndexOf('PLAY RECAP');
  if (at < 0) return recap;
  for (const line of output.slice(at).split('\n')) {
    const m = RECAP_LINE.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
    if (!m) continue;
    const [, host, ok, changed, unreachable, failed, skipped, rescued, ignored] = m.map((x) => x ?? '') as [string, string, string, string, string, string, string, string, string];
    recap[host] = { ok: +ok, changed: +changed, unreachable: +unreachable, failed: +failed, skipped: +skipped, rescued: +rescued, ignored: +ignored };
  }
  return recap;
}

const COUNTS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const;

/** The recap of a JSON document with Ansible's json callback shape (`stats` per host), or null. */
function jsonStats(output: string): Record<string, RecapCounts> | null {
  const start = output.indexOf('{');
  if (start < 0 || output.slice(0, start).trim() !== '') return null;
  let doc: unknown;
  try {
    doc = JSON.parse(output.slice(start, output.lastIndexOf('}') + 1));
  } catch {
    return null;
  }
  const stats = (doc as { stats?: Record<string, Record<string, number>> }).stats;
  if (!stats || typeof stats !== 'object') return null;
  const recap: Record<string, RecapCounts> = {};
  // The json callback names the failed count `failures`.
  for (const [host, s] of Object.entries(stats)) recap[host] = Object.fromEntries(COUNTS.map((k) => [k, Number(s[k] ?? (k === 'failed' ? s.failures : 0) ?? 0)])) as unknown as RecapCounts;
  return recap;
}

/** The environment both runners get: no ANSIBLE_* or FLEET_* of the caller, and an ansible.cfg of our own. */
function runnerEnv(work: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(ANSIBLE_|FLEET_)/.test(k)) env[k] = v;
  const cfg = join(work, 'ansible.cfg');
  if (!existsSync(cfg)) writeFileSync(cfg, '[defaults]\ninterpreter_python = auto_silent\nretry_files_enabled = False\n\n[connection]\npipelining = True\n');
  return {
    ...env,
    ANSIBLE_CONFIG: cfg,
    ANSIBLE_LOCAL_TEMP: join(work, 'ansible-tmp'),
    ANSIBLE_SSH_CONTROL_PATH_DIR: join(work, 'cp'),
    ANSIBLE_NOCOLOR: '1',
    NO_COLOR: '1',
    // ansible-playbook draws its banners to the terminal's width; a fixed one keeps outputs alike.
    COLUMNS: '80',
  };
}

function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ rc: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ rc: code ?? (signal ? 128 + 9 : -1), stdout, stderr: signal ? `${stderr}\n(killed after ${timeoutMs} ms)` : stderr });
    });
  });
}

const LIST_FILES = `
import base64, grp, json, os, pwd, stat, sys
root = sys.argv[1]
out = {}
for d, dirs, files in os.walk(root):
    for name in sorted(dirs + files):
        p = os.path.join(d, name)
        st = os.lstat(p)
        rel = os.path.relpath(p, root)
        mode = oct(stat.S_IMODE(st.st_mode))[2:].zfill(4)
        owner = pwd.getpwuid(st.st_uid).pw_name + ":" + grp.getgrgid(st.st_gid).gr_name
        if stat.S_ISLNK(st.st_mode):
            out[rel] = {"type": "link", "mode": mode, "owner": owner, "content": os.readlink(p)}
        elif stat.S_ISDIR(st.st_mode):
            out[rel] = {"type": "dir", "mode": mode, "owner": owner, "content": ""}
        elif stat.S_ISREG(st.st_mode):
            data = open(p, "rb").read()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = "base64:" + base64.b64encode(data).decode()
            out[rel] = {"type": "file", "mode": mode, "owner": owner, "content": text}
        else:
            out[rel] = {"type": "other", "mode": mode, "owner": owner, "content": ""}
print(json.dumps(out))
`;

/** Every path under `dir` on the node, with type, mode and contents. */
export async function collectFiles(node: LabNode, dir: string = OUT_DIR): Promise<Record<string, FileEntry>> {
  const r = await labExec(node, ['python3', '-c', LIST_FILES, dir], { timeoutMs: 30_000 });
  if (r.rc !== 0) throw new Error(`listing ${dir} on ${node.name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, FileEntry>;
}

export async function cleanNode(node: LabNode, dir: string = OUT_DIR): Promise<void> {
  const r = await labExec(node, ['rm', '-rf', '--', dir], { timeoutMs: 30_000 });
  if (r.rc !== 0) throw new Error(`cleaning ${dir} on ${node.name} failed: ${r.stderr}`);
}

export interface CompatRun {
  ansible: RunnerOutcome;
  fleet: RunnerOutcome;
  expectation: Expectation;
  /** What differs, one line each, known differences left out; empty when both end the same. */
  differences: string[];
}

/**
 * The inventory both runners get: the lab's nodes, key and known_hosts, and no ansible_user, so
 * the login is the default (the user running the suite, root) and keywords such as remote_user
 * are not overridden by an inventory variable.
 */
export function compatInventory(lab: LabInfo): string {
  return [
    '[nodes]',
    ...lab.nodes.map((n) => `${n.name} ansible_host=${n.address}`),
    '',
    '[all:vars]',
    'ansible_python_interpreter=/usr/bin/python3',
    `ansible_ssh_private_key_file=${lab.privateKeyPath}`,
    `ansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHostsPath} -o StrictHostKeyChecking=yes'`,
    '',
  ].join('\n');
}

/**
 * Runs `playbook` with both runners against the lab and compares them. The output directory is
 * removed on every node before and after each run; the files compared are those on `node`.
 */
export async function compareRunners(lab: LabInfo, node: LabNode, playbook: string, options: { timeoutMs?: number } = {}): Promise<CompatRun> {
  const work = mkdtempSync(join(tmpdir(), 'fleet-compat-'));
  const env = runnerEnv(work);
  const expectation = readExpectation(playbook);
  const inventory = join(work, 'inventory.ini');
  writeFileSync(inventory, compatInventory(lab));
  const common = [...(expectation.inventory === false ? [] : ['-i', inventory]), '-e', `out_dir=${OUT_DIR}`, ...(expectation.args ?? [])];
  const timeoutMs = options.timeoutMs ?? 90_000;
  const adhoc = expectation.adhoc;
  const adhocArgs = adhoc ? [adhoc.pattern, ...(adhoc.module ? ['-m', adhoc.module] : []), ...(adhoc.args !== undefined ? ['-a', adhoc.args] : [])] : [];

  const cleanAll = () => Promise.all(lab.nodes.map((n) => cleanNode(n)));
  const outcome = async (runner: 'ansible' | 'fleet'): Promise<RunnerOutcome> => {
    await cleanAll();
    const argv = adhoc
      ? runner === 'ansible'
        ? [ANSIBLE_ADHOC, ...common, ...adhocArgs]
        : [process.execPath, FLEET_CLI, 'run', ...common, ...(expectation.fleet_args ?? []), ...adhocArgs]
      : runner === 'ansible'
        ? [ANSIBLE_PLAYBOOK, ...common, resolve(playbook)]
        : [process.execPath, FLEET_CLI, 'play', ...common, ...(expectation.fleet_args ?? []), resolve(playbook)];
    const r = await run(argv, work, runner === 'ansible' ? { ...env, ...expectation.ansible_env } : env, timeoutMs);
    const files = await collectFiles(node);
    await cleanAll();
    return { runner, ...r, recap: parseRecap(r.stdout), files };
  };
  const ansible = await outcome('ansible');
  const fleet = await outcome('fleet');
  return { ansible, fleet, expectation, differences: differences(ansible, fleet, expectation) };
}

/** What differs between two outcomes, after the expectation's known differences. */
export function differences(a: RunnerOutcome, f: RunnerOutcome, expectation: Expectation = {}): string[] {
  const known = expectation.differences ?? {};
  const out: string[] = [];
  const wanted = expectation.ansible_rc ?? 0;
  if (a.rc !== wanted) out.push(`ansible-playbook itself ended with rc ${a.rc}, the playbook is written to end with ${wanted}`);
  if (!known.rc && a.rc !== f.rc) out.push(`exit code: ansible ${a.rc}, fleet ${f.rc}`);
  if (!known.recap) {
    for (const host of [...new Set([...Object.keys(a.recap), ...Object.keys(f.recap)])].sort()) {
      const x = JSON.stringify(a.recap[host] ?? null);
      const y = JSON.stringify(f.recap[host] ?? null);
      if (x !== y) out.push(`recap ${host}: ansible ${x}, fleet ${y}`);
    }
  }
  if (!known.files) {
    for (const path of [...new Set([...Object.keys(a.files), ...Object.keys(f.files)])].sort()) {
      const x = a.files[path];
      const y = f.files[path];
      if (!x || !y) out.push(`file ${path}: only under ${x ? 'ansible' : 'fleet'}`);
      else if (x.type !== y.type) out.push(`file ${path}: ansible ${x.type}, fleet ${y.type}`);
      else if (x.mode !== y.mode) out.push(`file ${path}: mode ansible ${x.mode}, fleet ${y.mode}`);
      else if (x.owner !== y.owner) out.push(`file ${path}: owner ansible ${x.owner}, fleet ${y.owner}`);
      else if (x.content !== y.content) out.push(`file ${path}: contents differ: ansible ${JSON.stringify(x.content.slice(0, 200))}, fleet ${JSON.stringify(y.content.slice(0, 200))}`);
    }
  }
  for (const pattern of expectation.output ?? []) {
    const re = new RegExp(pattern, 'm');
    for (const o of [a, f]) if (!re.test(o.stdout + o.stderr)) out.push(`output of ${o.runner} lacks /${pattern}/`);
  }
  return out;
}

/** A readable account of a run for a failing assertion: the differences, then both outputs. */
export function describeRun(r: CompatRun): string {
  const tail = (o: RunnerOutcome) => `--- ${o.runner} (rc ${o.rc}) ---\n${o.stdout.slice(-3000)}\n${o.stderr.slice(-1500)}`;
  return [...r.differences, tail(r.ansible), tail(r.fleet)].join('\n');
}
