#!/usr/bin/env node
// Runs Ansible's own integration targets (role-shaped ones: test/integration/targets/NAME/tasks)
// with ansible-playbook and with fleet side by side, each against its own lab node, and prints a
// table: target | ansible | fleet | differences.
//
//   npm run build
//   node scripts/compat-targets.mjs /path/to/ansible-checkout [options]
//
// Options:
//   --targets a,b,c   targets to run (default: DEFAULT_TARGETS below: the role-shaped targets of
//                     fleet's modules, then the keyword and lookup targets)
//   --timeout S       seconds each runner gets per target (default 300)
//   --results FILE    JSON lines of results, merged by target (default compat-targets.jsonl in
//                     the current directory); batches add to it, the table covers all of it
//   --table           print the table of FILE and stop
//   --lab NAME        lab name, lower case (default compat-targets); one per running copy
//   --runner R        ansible, fleet or both (default both); with one, the other side's result
//                     is kept from FILE (ansible's ends do not change when fleet does)
//
// Each target runs as ansible-test runs a role-shaped target: a play on host `testhost` with
// gather_facts and `output_dir` set, applying the target as a role. The checkout's targets
// directory is the roles path of both runners (a `roles` link beside the generated playbook), so
// setup roles such as setup_remote_tmp_dir and prepare_tests resolve. Before each target the lab is
// brought down and up again, so both nodes start from the same clean state. Needs Linux and root
// (the lab), ansible-playbook on the PATH and a built dist/.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const fleetCli = join(repo, 'dist/cli/main.js');

/** Targets of every module fleet implements (src/modules/index.ts) that have a role-shaped target, then keywords and lookups. */
export const DEFAULT_TARGETS = [
  // modules
  'command_shell', 'shell', 'ping', 'stat', 'wait_for', 'script', 'include_vars', 'file', 'copy',
  'user', 'group', 'known_hosts', 'lineinfile', 'blockinfile', 'replace', 'get_url', 'unarchive',
  'git', 'pip', 'cron', 'hostname', 'apt', 'package', 'dnf', 'yum', 'service', 'systemd',
  // keywords
  'changed_when', 'failed_when', 'ignore_errors', 'until', 'loop-until', 'add_host', 'special_vars',
  // lookups
  'lookup_config', 'lookup_csvfile', 'lookup_dict', 'lookup_file', 'lookup_first_found',
  'lookup_indexed_items', 'lookup_items', 'lookup_lines', 'lookup_list', 'lookup_nested',
  'lookup_pipe', 'lookup_random_choice', 'lookup_sequence', 'lookup_subelements', 'lookup_template',
  'lookup_together', 'lookup_url', 'lookup_varnames', 'lookup_vars',
];

function parseArgs(argv) {
  const opts = { checkout: undefined, targets: DEFAULT_TARGETS, timeout: 300, results: 'compat-targets.jsonl', table: false, lab: 'compat-targets', runner: 'both' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--targets') opts.targets = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--timeout') opts.timeout = Number(value());
    else if (a === '--results') opts.results = value();
    else if (a === '--lab') opts.lab = value();
    else if (a === '--table') opts.table = true;
    else if (a === '--runner') opts.runner = value();
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (!opts.checkout) opts.checkout = a;
    else usage(`unexpected argument ${a}`);
  }
  if (!Number.isFinite(opts.timeout) || opts.timeout <= 0) usage('--timeout needs a number of seconds');
  if (!['ansible', 'fleet', 'both'].includes(opts.runner)) usage('--runner is ansible, fleet or both');
  return opts;
}

function usage(problem) {
  const text = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 16).map((l) => l.replace(/^\/\/ ?/, '')).join('\n');
  if (problem) {
    console.error(`compat-targets: ${problem}\n\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

/** Runs argv in its own process group; kills the whole group after timeoutMs. */
function run(argv, { cwd, env, timeoutMs, logFile }) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); done({ rc: -1, out: String(e), timedOut: false, seconds: 0 }); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (logFile) writeFileSync(logFile, out);
      done({ rc: timedOut ? 'timeout' : code, out, timedOut, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

const RECAP_LINE = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/;

export function parseRecap(out, host = 'testhost') {
  const at = out.lastIndexOf('PLAY RECAP');
  if (at < 0) return null;
  for (const line of out.slice(at).split('\n')) {
    const m = RECAP_LINE.exec(line);
    if (m && m[1] === host) return { ok: +m[2], changed: +m[3], unreachable: +m[4], failed: +m[5], skipped: +m[6], rescued: +m[7], ignored: +m[8] };
  }
  return null;
}

/** The task that failed the host (the last failure not ignored), with its message; or an error that stopped the run. */
export function failingTask(out) {
  const lines = out.split('\n');
  let task = '';
  let found = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const t = /^TASK \[(.*)\] \*+$/.exec(line);
    if (t) { task = t[1]; continue; }
    // fatal: [h]: FAILED! => {…}, fatal: [h]: UNREACHABLE! => {…}, or for a loop item failed: [h] (item=x) => {…}
    const f = /^(?:fatal|failed): \[[^\]]+\](?:: (?:FAILED!|UNREACHABLE!)| \(item=.*\)) => (.*)$/.exec(line);
    if (!f) continue;
    let json = f[1];
    let j = i;
    if (json.trim() === '{') {
      while (++j < lines.length && lines[j] !== '}') json += `\n${lines[j]}`;
      json += '\n}';
    }
    let ignored = false;
    for (let k = j + 1; k < Math.min(lines.length, j + 3); k++) if (/^\.\.\.ignoring/.test(lines[k])) ignored = true;
    if (ignored) continue;
    let msg = json;
    try {
      const r = JSON.parse(json);
      msg = r.msg ?? r.message ?? r.stderr ?? json;
      if (r.assertion) msg = `${msg}: ${r.assertion}`;
    } catch { /* not JSON: keep the text */ }
    found = `${task}: ${String(typeof msg === 'string' ? msg : JSON.stringify(msg))}`;
  }
  if (found) return found;
  // An error that stopped the run before any task: its first line, and the first problem it lists.
  const at = lines.findIndex((l) => /^(ERROR!|fleet: error|error: )/.test(l));
  if (at < 0) return null;
  const first = lines[at];
  const next = lines.slice(at + 1).find((l) => l.trim() !== '');
  return first.trimEnd().endsWith(':') && next ? `${first.trim()} ${next.trim()}` : first;
}

function summary(r) {
  if (r.rc === 'not run') return 'not run';
  if (r.timedOut) return `timeout (${r.seconds}s)`;
  if (!r.recap) return `no recap, rc ${r.rc}`;
  return `${r.recap.ok}/${r.recap.changed}/${r.recap.failed}, rc ${r.rc}`;
}

function sameEnding(a, f) {
  if (a.timedOut || f.timedOut) return a.timedOut && f.timedOut;
  if (a.rc !== f.rc) return false;
  if (!a.recap || !f.recap) return !a.recap && !f.recap;
  return a.recap.ok === f.recap.ok && a.recap.changed === f.recap.changed && a.recap.failed === f.recap.failed && a.recap.unreachable === f.recap.unreachable;
}

function clip(s, n = 160) {
  const one = String(s).replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function differences(r) {
  if (sameEnding(r.ansible, r.fleet)) return 'same';
  const parts = [];
  if (r.fleet.failing) parts.push(`fleet: ${clip(r.fleet.failing)}`);
  else if (r.fleet.timedOut) parts.push('fleet: timed out');
  else if (r.fleet.recap && r.ansible.recap) parts.push('fleet: counts differ');
  if (r.ansible.failing && r.ansible.rc !== 0) parts.push(`ansible: ${clip(r.ansible.failing, 100)}`);
  return parts.join('; ') || 'differs';
}

export function table(results) {
  const rows = ['| target | ansible (ok/changed/failed, rc) | fleet (ok/changed/failed, rc) | differences |', '| --- | --- | --- | --- |'];
  for (const r of results) rows.push(`| ${r.target} | ${summary(r.ansible)} | ${summary(r.fleet)} | ${differences(r)} |`);
  const same = results.filter((r) => sameEnding(r.ansible, r.fleet)).length;
  const bothPass = results.filter((r) => sameEnding(r.ansible, r.fleet) && r.ansible.rc === 0).length;
  rows.push('', `${same} of ${results.length} targets end the same under both (${bothPass} of them pass under both).`);
  return rows.join('\n');
}

function readResults(file) {
  if (!existsSync(file)) return new Map();
  const byTarget = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) if (line.trim()) {
    const r = JSON.parse(line);
    // Read the failing task again from the logs when they are still there (the parser may be newer).
    for (const side of [r.ansible, r.fleet]) if (side.log && existsSync(side.log)) side.failing = failingTask(readFileSync(side.log, 'utf8'));
    byTarget.set(r.target, r);
  }
  return byTarget;
}

function inventoryFor(node, lab) {
  return `testhost ansible_host=${node.address} ansible_user=root ansible_python_interpreter=/usr/bin/python3 ` +
    `ansible_ssh_private_key_file=${lab.privateKeyPath} ` +
    `ansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHostsPath} -o StrictHostKeyChecking=yes'\n`;
}

const NOT_RUN = { rc: 'not run', timedOut: false, seconds: 0, recap: null, failing: null };

async function runTarget(target, opts, labApi, work, previous) {
  const { labUp, labDown, labExec } = labApi;
  await labDown({ name: opts.lab });
  const lab = await labUp(2, { name: opts.lab });
  const dir = join(work, target);
  mkdirSync(dir, { recursive: true });
  const side = async (runner, node) => {
    const sideDir = join(dir, runner);
    mkdirSync(sideDir, { recursive: true });
    const outputDir = `/var/tmp/fleet-compat-targets/${runner}/output_dir`;
    mkdirSync(outputDir, { recursive: true });
    await labExec(node, ['mkdir', '-p', outputDir]);
    symlinkSync(resolve(opts.checkout, 'test/integration/targets'), join(sideDir, 'roles'));
    writeFileSync(join(sideDir, 'inventory'), inventoryFor(node, lab));
    writeFileSync(join(sideDir, 'play.yml'), `- hosts: testhost\n  gather_facts: true\n  vars:\n    output_dir: ${outputDir}\n  roles:\n    - ${target}\n`);
    writeFileSync(join(sideDir, 'ansible.cfg'), '[defaults]\ninterpreter_python = auto_silent\nretry_files_enabled = False\n\n[connection]\npipelining = True\n');
    const env = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(ANSIBLE_|FLEET_)/.test(k)) env[k] = v;
    Object.assign(env, {
      ANSIBLE_CONFIG: join(sideDir, 'ansible.cfg'),
      ANSIBLE_LOCAL_TEMP: join(sideDir, 'tmp'),
      ANSIBLE_SSH_CONTROL_PATH_DIR: join(sideDir, 'cp'),
      ANSIBLE_NOCOLOR: '1',
      NO_COLOR: '1',
    });
    const argv = runner === 'ansible' ? ['ansible-playbook', '-i', 'inventory', 'play.yml'] : [process.execPath, fleetCli, 'play', '-i', 'inventory', 'play.yml'];
    const r = await run(argv, { cwd: sideDir, env, timeoutMs: opts.timeout * 1000, logFile: join(sideDir, 'output.log') });
    rmSync(`/var/tmp/fleet-compat-targets/${runner}`, { recursive: true, force: true });
    return { rc: r.rc, timedOut: r.timedOut, seconds: r.seconds, recap: parseRecap(r.out), failing: failingTask(r.out), log: join(sideDir, 'output.log') };
  };
  const keep = (runner) => previous?.[runner] ?? NOT_RUN;
  const [ansible, fleet] = await Promise.all([
    opts.runner === 'fleet' ? keep('ansible') : side('ansible', lab.nodes[0]),
    opts.runner === 'ansible' ? keep('fleet') : side('fleet', lab.nodes[1]),
  ]);
  return { target, ansible, fleet, at: new Date().toISOString() };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.table) {
    console.log(table([...readResults(opts.results).values()]));
    return;
  }
  if (!opts.checkout) usage('give the path of an ansible checkout');
  const targetsDir = resolve(opts.checkout, 'test/integration/targets');
  if (!existsSync(targetsDir)) usage(`${targetsDir} does not exist: is ${opts.checkout} an ansible checkout?`);
  if (!existsSync(fleetCli)) usage(`${fleetCli} is missing: run npm run build first`);
  for (const t of opts.targets) {
    if (!existsSync(join(targetsDir, t, 'tasks'))) usage(`target ${t} is not role-shaped (no ${join(targetsDir, t, 'tasks')})`);
  }
  const labApi = await import(join(repo, 'dist/lab/index.js'));
  const work = mkdtempSync(join(tmpdir(), 'fleet-compat-targets-'));
  const version = /__version__ = '([^']+)'/.exec(readFileSync(join(opts.checkout, 'lib/ansible/release.py'), 'utf8'))?.[1] ?? '?';
  console.error(`compat-targets: ${opts.targets.length} target(s) of ansible ${version} (${targetsDir}); logs in ${work}`);
  const results = readResults(opts.results);
  try {
    for (const target of opts.targets) {
      const r = await runTarget(target, opts, labApi, work, results.get(target));
      results.set(target, r);
      appendFileSync(opts.results, `${JSON.stringify(r)}\n`);
      console.error(`${target}: ansible ${summary(r.ansible)} | fleet ${summary(r.fleet)} | ${differences(r)}`);
    }
  } finally {
    await labApi.labDown({ name: opts.lab });
  }
  console.log(table([...results.values()]));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`compat-targets: ${e?.message ?? e}`);
    process.exit(1);
  });
}
