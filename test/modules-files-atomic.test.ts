/**
 * Atomicity of copy: a real `fleet play` process copying a 50 MB file over an existing one is
 * killed with SIGKILL at several moments of the transfer; the destination is always the old file or
 * the new one (sha1), never a mix, and no temporary file is left once the remote side has finished.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { labExec } from '../src/lab/index.js';
import { useLab } from './helpers/lab.js';

const ROOT = resolve(import.meta.dirname, '..');

describe('copy is atomic when the controller dies', () => {
  const lab = useLab(1, 't-modfiles-atomic');
  const sh = async (cmd: string) => (await labExec(lab().nodes[0]!, ['sh', '-c', cmd])).stdout.toString().trim();

  beforeAll(() => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }, 180_000);

  it('SIGKILL mid-copy leaves the old or the new file, and no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-atomic-'));
    mkdirSync(join(dir, 'files'));
    const big = randomBytes(50 * 1024 * 1024);
    writeFileSync(join(dir, 'files/big.bin'), big);
    const newSum = createHash('sha1').update(big).digest('hex');
    const pb = join(dir, 'pb.yml');
    writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { src: big.bin, dest: /tmp/ma/big.bin }\n`);
    await sh('rm -rf /tmp/ma && mkdir -p /tmp/ma && head -c 30000000 /dev/urandom > /tmp/ma/big.bin');
    let oldSum = (await sh('sha1sum < /tmp/ma/big.bin')).split(' ')[0];

    const seen = new Set<string>();
    for (const delay of [400, 800, 1200, 1600, 2000, 2600]) {
      const child = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'play', '-i', lab().inventoryPath, pb], { stdio: 'ignore' });
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      // Let the remote side finish whatever it had received (install the whole file, or drop it).
      for (let i = 0; i < 50 && (await sh("pgrep -f 'fleet-tmp-[X]XXX' || true")) !== ''; i++) await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 300));
      const sum = (await sh('sha1sum < /tmp/ma/big.bin')).split(' ')[0]!;
      expect([oldSum, newSum], `after a kill at ${delay} ms`).toContain(sum);
      seen.add(sum === newSum ? 'new' : 'old');
      expect(await sh('ls -A /tmp/ma'), `after a kill at ${delay} ms`).toBe('big.bin');
      if (sum === newSum) {
        await sh('head -c 30000000 /dev/urandom > /tmp/ma/big.bin.x && mv /tmp/ma/big.bin.x /tmp/ma/big.bin');
        oldSum = (await sh('sha1sum < /tmp/ma/big.bin')).split(' ')[0];
      }
    }
    // A full run installs the new file.
    execFileSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'play', '-i', lab().inventoryPath, pb], { stdio: 'ignore' });
    expect((await sh('sha1sum < /tmp/ma/big.bin')).split(' ')[0]).toBe(newSum);
    expect(await sh('ls -A /tmp/ma')).toBe('big.bin');
    console.log(`kills left: ${[...seen].join(', ')}`);
  }, 240_000);
});
