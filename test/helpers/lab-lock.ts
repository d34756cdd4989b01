/**
 * One lab name, one user at a time across processes: two checkouts (or a developer's run next to
 * CI) running the same test file would otherwise tear down each other's lab. The lock is flock(1)
 * holding a file under /run/lock while a child process lives; the child reads our stdin, so the lock
 * goes when we release it or when this process dies, whatever the way.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export async function holdLabLock(name: string): Promise<() => void> {
  const dir = existsSync('/run/lock') ? '/run/lock' : '/tmp';
  const file = `${dir}/fleet-lab-${name}.lock`;
  const child = spawn('flock', [file, 'sh', '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let warned = false;
  const slow = setTimeout(() => {
    warned = true;
    console.warn(`lab ${name}: waiting for another process using the same lab name to finish (${file})`);
  }, 2000);
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`flock ${file} exited with ${code} before locking`)));
  }).finally(() => clearTimeout(slow));
  if (warned) console.warn(`lab ${name}: lock taken, going on`);
  child.removeAllListeners('exit');
  return () => {
    child.stdin.end();
  };
}
