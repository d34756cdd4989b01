/**
 * Atomicity of copy: a real `fleet play` process copying a 50 MB file over an existing one is
 * killed with SIGKILL at several moments of the transfer, one of them surely mid-transfer (stopped
 * once some MB have reached the node, killed once what was in flight has arrived); the destination
 * is always exactly the old file or the new one (sha1), never a mix, never missing, and no temporary file is left once the remote side has
 * finished. The destination is on its own tmpfs, another filesystem than the node's /tmp, and the
 * temporary file is seen in the destination's directory (none under /tmp), so a rename across filesystems (a temporary
 * file under /tmp) could not pass.
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
const DIR = '/srv/fleet-atomic';
const SIZE = 50 * 1024 * 1024;
const TEMP = /^\.big\.bin\.fleet-tmp-\w{8}$/;

describe('copy is atomic when the controller dies', () => {
  const lab = useLab(1, 't-modfiles-atomic');
  const sh = async (cmd: string) => {
    const r = await labExec(lab().nodes[0]!, ['sh', '-c', cmd]);
    if (r.rc !== 0) throw new Error(`${cmd}: rc ${r.rc} ${r.stderr}`);
    return r.stdout.toString().trim();
  };
  const sum = async () => (await sh(`sha1sum < ${DIR}/big.bin`)).split(' ')[0]!;
  /** Names in the destination directory, with sizes: "name size" lines (a file gone meanwhile is left out). */
  const listing = async () => (await sh(`cd ${DIR} && for f in $(ls -A); do stat -c '%n %s' -- "$f" 2>/dev/null; done; true`)).split('\n').filter(Boolean);
  /**
   * Waits (bounded) for the remote side to finish after a kill: the node notices the dropped
   * connection, runs (or drops) what it had received, and then runs no process but its init and
   * sshd's listener (besides this probe).
   */
  const settled = async () => {
    const others = `ps -eo pid=,ppid=,args= | awk -v me=$$ '$1 != me && $2 != me && $0 !~ /fleet-lab-init|sshd: \\/usr\\/sbin\\/sshd/' | wc -l`;
    for (let i = 0; i < 300 && (await sh(others)) !== '0'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await sh(others), 'processes left on the node after the kill').toBe('0');
  };
  const freshOld = async () => {
    await sh(`head -c 30000000 /dev/urandom > ${DIR}/big.bin.x && mv ${DIR}/big.bin.x ${DIR}/big.bin`);
    return sum();
  };

  beforeAll(() => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }, 180_000);

  it('SIGKILL mid-copy leaves exactly the old or the new file, and no temporary file, on a filesystem other than /tmp', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-atomic-'));
    mkdirSync(join(dir, 'files'));
    const big = randomBytes(SIZE);
    writeFileSync(join(dir, 'files/big.bin'), big);
    const newSum = createHash('sha1').update(big).digest('hex');
    const pb = join(dir, 'pb.yml');
    writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { src: big.bin, dest: ${DIR}/big.bin }\n`);
    const fleetPlay = () => spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'play', '-i', lab().inventoryPath, pb], { stdio: 'ignore' });

    // The destination's own filesystem: a tmpfs mounted in the node, another device than its /tmp.
    await sh(`mkdir -p ${DIR} && (mountpoint -q ${DIR} || mount -t tmpfs -o size=256m fleet-atomic ${DIR})`);
    expect(await sh(`findmnt -n -o FSTYPE --target ${DIR}`)).toBe('tmpfs');
    expect(await sh(`stat -c %d ${DIR}`)).not.toBe(await sh('stat -c %d /tmp'));
    let oldSum = await freshOld();

    // The file goes over as a here-document the node's persistent shell reads to its end (or to the
    // dropped connection's, when the write script's size check refuses what came) before the write
    // script starts: the node's received bytes (its interfaces' rx counters) tell how far the
    // transfer is. A kill surely mid-transfer: once some MB have arrived the controller is stopped
    // (SIGSTOP); when what was in flight has arrived (the counter stands still) and it is short of
    // the whole file's base64, the controller is killed: the rest can never arrive.
    const rxBytes = async () => Number(await sh(`sed 1,2d /proc/net/dev | tr ':' ' ' | awk '$1 != "lo" { s += $2 } END { printf "%d", s }'`));
    const BASE64 = (SIZE * 4) / 3;
    {
      const start = await rxBytes();
      const child = fleetPlay();
      let done = false;
      const exited = new Promise((r) => child.once('exit', () => r((done = true))));
      while (!done && (await rxBytes()) - start < 5e6) await new Promise((r) => setTimeout(r, 10));
      expect(done, 'the play ended before 5 MB had arrived').toBe(false);
      child.kill('SIGSTOP');
      let arrived = -1;
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 300));
        const now = (await rxBytes()) - start;
        if (now === arrived) break;
        arrived = now;
      }
      child.kill('SIGKILL');
      await exited;
      expect(arrived, 'bytes the node had received when the controller was killed').toBeLessThan(BASE64 * 0.9);
      await settled();
      const got = await sum();
      expect(got === oldSum ? 'old' : got === newSum ? 'new' : 'neither', `after a kill mid-transfer (${arrived} bytes of about ${BASE64} arrived)`).toBe('old');
      expect(await sh(`ls -A ${DIR}`), 'after a kill mid-transfer').toBe('big.bin');
    }

    // Once the whole file has reached the node, the write script runs there on its own: a kill while
    // its temporary file is being written (beside the destination, never under /tmp) still ends with
    // the new file.
    {
      const child = fleetPlay();
      let done = false;
      const exited = new Promise((r) => child.once('exit', () => r((done = true))));
      let temp: string | undefined;
      let tmpTemps = '';
      while (!done && !temp) {
        temp = (await listing()).find((l) => TEMP.test(l.split(' ')[0]!));
        if (temp) child.kill('SIGKILL');
      }
      if (temp) tmpTemps = await sh('ls -A /tmp | grep -c fleet-tmp || true');
      await exited;
      expect(temp, 'a temporary file in the destination directory during the write').toBeDefined();
      expect(tmpTemps, 'temporary files under /tmp during the write').toBe('0');
      await settled();
      const got = await sum();
      expect(got === oldSum ? 'old' : got === newSum ? 'new' : 'neither', `after a kill during the remote write (${temp})`).toBe('new');
      expect(await sh(`ls -A ${DIR}`), 'after a kill during the remote write').toBe('big.bin');
      oldSum = await freshOld();
    }

    // Kills at several moments: each leaves exactly one of the two files.
    const seen: string[] = [];
    for (const delay of [400, 800, 1200, 1600, 2000, 2600]) {
      const child = fleetPlay();
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      await settled();
      const now = await sum();
      expect([oldSum, newSum], `after a kill at ${delay} ms`).toContain(now);
      seen.push(now === newSum ? 'new' : 'old');
      expect(await sh(`ls -A ${DIR}`), `after a kill at ${delay} ms`).toBe('big.bin');
      if (now === newSum) oldSum = await freshOld();
    }
    // A full run installs the new file.
    execFileSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'play', '-i', lab().inventoryPath, pb], { stdio: 'ignore' });
    expect(await sum()).toBe(newSum);
    expect(await sh(`ls -A ${DIR}`)).toBe('big.bin');
    console.log(`kills at fixed delays left: ${seen.join(', ')}`);
  }, 300_000);
});
