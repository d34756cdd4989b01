/**
 * LocalConnection (ansible_connection=local): the same framing over a local persistent `sh`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandError } from '../src/errors.js';
import { LocalConnection } from '../src/transport/index.js';

const isRoot = process.getuid?.() === 0;

describe('LocalConnection', () => {
  const c = new LocalConnection('localhost');
  afterAll(() => c.close());

  it('returns exit code, stdout and stderr apart', async () => {
    const r = await c.run('echo out; echo err >&2; exit 3');
    expect(r.rc).toBe(3);
    expect(r.stdout.toString()).toBe('out\n');
    expect(r.stderr.toString()).toBe('err\n');
  });

  it('is byte-exact for binary output without a trailing newline', async () => {
    const r = await c.run(`printf 'a\\000b\\377'`);
    expect([...r.stdout]).toEqual([0x61, 0, 0x62, 0xff]);
  });

  it('feeds stdin exactly, and a stdin reader does not eat the next command', async () => {
    const data = Buffer.from([0, 1, 2, 0xfe, 0xff, 10]);
    const [a, b] = await Promise.all([c.run('cat', { stdin: data }), c.run('cat; echo end')]);
    expect(a.stdout.equals(data)).toBe(true);
    expect(b.stdout.toString()).toBe('end\n');
  });

  it('applies env and cwd per command only; cd, export and exit do not touch the shell', async () => {
    const r = await c.run('pwd; printf "%s" "$V"', { cwd: '/tmp', env: { V: "it's\nhere" } });
    expect(r.stdout.toString()).toBe("/tmp\nit's\nhere");
    await c.run('cd /; export LEAK=1; exit 4');
    const after = await c.run('printf "%s" "${LEAK:-none}"');
    expect(after.stdout.toString()).toBe('none');
    expect(c.sessionStats()[0].channelsOpened).toBe(1);
  });

  it('times out with CommandError, kills the command, and the next command gets a fresh shell', async () => {
    const err = await c.run('sleep 37.125', { timeoutMs: 300 }).catch((e) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err.message).toMatch(/timed out after 300ms/);
    await new Promise((r) => setTimeout(r, 200));
    const left = execFileSync('sh', ['-c', `pgrep -f 'sleep 37[.]125' || true`]).toString();
    expect(left).toBe('');
    expect((await c.run('echo ok')).stdout.toString()).toBe('ok\n');
    expect(c.sessionStats()[0].channelsOpened).toBe(2);
  });

  it('puts atomically with a mode and gets byte-exact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-local-put-'));
    const file = join(dir, 'f.bin');
    const content = Buffer.from([0, 10, 13, 255, 0]);
    await c.put(file, content, { mode: 0o640 });
    expect(readFileSync(file).equals(content)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect((await c.get(file)).equals(content)).toBe(true);
    expect(execFileSync('ls', ['-A', dir]).toString()).toBe('f.bin\n');
    await expect(c.get(join(dir, 'missing'))).rejects.toThrow(/could not read .*missing: .*No such file/);
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!isRoot)('becomes another user with sudo', async () => {
    const r = await c.run('id -un', { become: true, becomeUser: 'nobody' });
    expect(r.stdout.toString()).toBe('nobody\n');
    // root becoming root reuses the plain shell
    const root = await c.run('echo $PPID', { become: true });
    expect(Number(root.stdout.toString())).toBe(c.sessionStats().find((s) => s.key === '')?.pid);
  });
});
