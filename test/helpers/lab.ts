/**
 * Lab fixtures for test files: a real fleet of OpenSSH nodes in namespaces (see docs/lab.md).
 *
 *   const lab = useLab(3, 't-mything');          // at file or describe level
 *   it('…', async () => { const { nodes, inventoryPath } = lab(); … });
 *
 * Without Linux or root the tests are skipped, loudly; with CI set they fail instead, since CI must
 * run them. Use a lab name of your own (t-<file>) so files never share or tear down each other's lab.
 */
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { labDown, labUp, type LabInfo } from '../../src/lab/index.js';
import { holdLabLock } from './lab-lock.js';

/** Why the lab cannot run here, or null when it can. */
export function labUnavailable(): string | null {
  if (process.platform !== 'linux') return `this is ${process.platform}, the lab needs Linux namespaces`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root (the lab creates namespaces, mounts and iptables rules)';
  return null;
}

/** True when lab tests must be skipped: cannot run here and not in CI (where not running is a failure). */
export const skipLab: boolean = labUnavailable() !== null && !process.env.CI;

/** describe for blocks that need the lab: skipped (with a warning) where the lab cannot run outside CI. */
export const describeLab = describe.skipIf(skipLab);

const warned = new Set<string>();
function warnSkip(name: string, reason: string): void {
  if (warned.has(name)) return;
  warned.add(name);
  console.warn(`\n!!! SKIPPING lab tests (lab "${name}"): ${reason}.\n!!! Run them as root on Linux, e.g. sudo -E npx vitest run\n`);
}

/**
 * Brings a lab of `count` nodes up before the tests of the current scope (labUp: converges an
 * existing lab of that name) and down after them. Returns a getter for the lab's info.
 */
export function useLab(count: number, name: string, options: { upTimeoutMs?: number } = {}): () => LabInfo {
  let info: LabInfo | undefined;
  const reason = labUnavailable();
  if (reason) {
    if (process.env.CI) {
      beforeAll(() => {
        throw new Error(`lab tests cannot run in CI: ${reason}. CI must run as root on Linux.`);
      });
    } else {
      warnSkip(name, reason);
      beforeEach((ctx) => ctx.skip());
    }
  } else {
    let release: (() => void) | undefined;
    // The wait for another process using the same lab name comes on top of bringing the lab up.
    beforeAll(async () => {
      release = await holdLabLock(name);
      info = await labUp(count, { name });
    }, (options.upTimeoutMs ?? 120_000) + 30 * 60_000);
    afterAll(async () => {
      try {
        await labDown({ name });
      } finally {
        release?.();
      }
    }, 60_000);
  }
  return () => {
    if (!info) throw new Error(`lab ${name} is not up (use the getter inside tests, not at collection time)`);
    return info;
  };
}
