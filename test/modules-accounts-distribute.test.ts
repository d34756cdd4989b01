/**
 * Acceptance: playbooks/distribute_public_key.yaml on a 3-node lab (node1 in group `host`) makes a
 * key pair on node1, fetches the public key, authorizes it everywhere with lookup('file', ...);
 * afterwards fleet reaches every node with the NEW private key alone (an unrelated key does not
 * get in, so neither the lab's key nor an agent is what made it work).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../src/executor/events.js';
import { runAdhoc } from '../src/executor/adhoc.js';
import { loadInventory } from '../src/inventory/index.js';
import { labExec } from '../src/lab/index.js';
import { useLab } from './helpers/lab.js';
import { play } from './helpers/play.js';

const PLAYBOOK = resolve(__dirname, '../playbooks/distribute_public_key.yaml');

describe('distribute_public_key playbook', () => {
  const lab = useLab(3, 't-modacct-dist');
  const dir = mkdtempSync(join(tmpdir(), 'fleet-distkey-'));
  let agent: string | undefined;
  beforeAll(() => {
    agent = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
  });
  afterAll(() => {
    if (agent !== undefined) process.env.SSH_AUTH_SOCK = agent;
  });

  /** An inventory like the lab's whose only key is `key`. */
  function inventoryWith(key: string, name: string): string {
    const text = readFileSync(lab().inventoryPath, 'utf8').replace(/^ansible_ssh_private_key_file=.*$/m, `ansible_ssh_private_key_file=${key}`);
    expect(text).not.toContain(lab().privateKeyPath);
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  async function pingAll(inventoryPath: string, key: string): Promise<Record<string, string>> {
    const events: FleetEvent[] = [];
    await runAdhoc({
      inventory: await loadInventory([inventoryPath]),
      pattern: 'all',
      module: 'ping',
      args: '',
      forks: 10,
      connection: {},
      extraVars: { ansible_ssh_private_key_file: key },
      onEvent: (e) => events.push(e),
    });
    return Object.fromEntries(events.filter((e) => e.type === 'host_result').map((e) => [(e as { host: string }).host, (e as { status: string }).status]));
  }

  it('generates the key on node1, authorizes it on every node; fleet then gets in with it alone', async () => {
    const book = join(dir, 'distribute_public_key.yaml');
    copyFileSync(PLAYBOOK, book);
    const nodes = lab().nodes.map((n) => n.name);

    const first = await play(book, lab().inventoryPath);
    const failed = first.events.filter((e) => e.type === 'host_result' && e.status !== 'ok' && e.status !== 'changed');
    expect(failed, JSON.stringify(failed)).toEqual([]);
    expect(first.statuses.get('key pair for the cluster|node1')).toBe('changed');
    for (const n of nodes) expect(first.statuses.get(`authorized key|${n}`)).toBe('changed');
    const pub = readFileSync(join(dir, '.keys/cluster_key.pub'), 'utf8').trim();
    expect(pub).toMatch(/^ssh-ed25519 \S+ fleet-cluster$/);
    for (const node of lab().nodes) {
      const r = await labExec(node, ['cat', '/root/.ssh/authorized_keys']);
      expect(r.stdout.split('\n')).toContain(pub);
    }

    // Second run: nothing changes.
    const second = await play(book, lab().inventoryPath);
    expect(second.statuses.get('key pair for the cluster|node1')).toBe('ok');
    for (const n of nodes) expect(second.statuses.get(`authorized key|${n}`)).toBe('ok');

    // The new private key, copied from node1 to the controller.
    const priv = await labExec(lab().nodes[0]!, ['cat', '/root/.ssh/cluster_key']);
    expect(priv.stdout).toContain('OPENSSH PRIVATE KEY');
    const keyFile = join(dir, 'cluster_key');
    writeFileSync(keyFile, priv.stdout, { mode: 0o600 });
    const inventory = inventoryWith(keyFile, 'inventory-new-key.ini');
    expect(await pingAll(inventory, keyFile)).toEqual(Object.fromEntries(nodes.map((n) => [n, 'ok'])));

    // Control: a key nobody authorized gets nowhere through the same inventory shape.
    const otherKey = join(dir, 'other_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const control = await pingAll(inventoryWith(otherKey, 'inventory-other-key.ini'), otherKey);
    expect(Object.values(control)).toEqual(nodes.map(() => 'unreachable'));
  }, 120_000);
});
