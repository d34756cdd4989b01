/** The differential harness's pure parts: reading recaps and telling outcomes apart. */
import { describe, expect, it } from 'vitest';
import { differences, parseRecap, type RunnerOutcome } from './harness.js';

const ANSIBLE_TEXT = `
TASK [copy] ********************************************************************
changed: [node1]

PLAY RECAP *********************************************************************
node1                      : ok=3    changed=2    unreachable=0    failed=0    skipped=1    rescued=0    ignored=1   
node2                      : ok=1    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0   
`;

const counts = { ok: 3, changed: 2, unreachable: 0, failed: 0, skipped: 1, rescued: 0, ignored: 1 };

function outcome(runner: 'ansible' | 'fleet', over: Partial<RunnerOutcome> = {}): RunnerOutcome {
  return { runner, rc: 0, stdout: '', stderr: '', recap: { node1: { ...counts } }, files: { a: { type: 'file', mode: '0644', owner: 'root:root', content: 'x\n' } }, ...over };
}

describe('parseRecap', () => {
  it('reads every host of the text recap', () => {
    expect(parseRecap(ANSIBLE_TEXT)).toEqual({ node1: counts, node2: { ok: 1, changed: 0, unreachable: 1, failed: 0, skipped: 0, rescued: 0, ignored: 0 } });
  });
  it('reads the stats of a json callback document', () => {
    const doc = JSON.stringify({ plays: [], stats: { node1: { ok: 3, changed: 2, skipped: 1, ignored: 1, failures: 1, unreachable: 0, rescued: 0 } } }, null, 4);
    expect(parseRecap(doc)).toEqual({ node1: { ...counts, failed: 1 } });
  });
  it('gives nothing for an output without a recap', () => {
    expect(parseRecap('ERROR! no such file\n')).toEqual({});
  });
});

describe('differences', () => {
  it('finds none between equal outcomes', () => {
    expect(differences(outcome('ansible'), outcome('fleet'))).toEqual([]);
  });
  it('names the exit code, a recap count, a missing host and each file difference', () => {
    const fleet = outcome('fleet', {
      rc: 2,
      recap: { node1: { ...counts, changed: 1 }, localhost: { ...counts } },
      files: { a: { type: 'file', mode: '0600', owner: 'root:root', content: 'x\n' }, b: { type: 'dir', mode: '0755', owner: 'root:root', content: '' } },
    });
    const found = differences(outcome('ansible'), fleet);
    expect(found, found.join('\n')).toHaveLength(5);
    expect(found[0]).toBe('exit code: ansible 0, fleet 2');
    expect(found.some((d) => d.startsWith('recap node1:'))).toBe(true);
    expect(found.some((d) => d.startsWith('recap localhost: ansible null'))).toBe(true);
    expect(found).toContain('file a: mode ansible 0644, fleet 0600');
    expect(found).toContain('file b: only under fleet');
  });
  it('tells contents and owners apart', () => {
    const fleet = outcome('fleet', { files: { a: { type: 'file', mode: '0644', owner: 'deploy:deploy', content: 'x\n' } } });
    expect(differences(outcome('ansible'), fleet)).toEqual(['file a: owner ansible root:root, fleet deploy:deploy']);
    const other = outcome('fleet', { files: { a: { type: 'file', mode: '0644', owner: 'root:root', content: 'y\n' } } });
    expect(differences(outcome('ansible'), other)[0]).toMatch(/^file a: contents differ/);
  });
  it('requires ansible-playbook to end as the playbook is written to', () => {
    expect(differences(outcome('ansible', { rc: 2 }), outcome('fleet', { rc: 2 }))).toEqual(['ansible-playbook itself ended with rc 2, the playbook is written to end with 0']);
    expect(differences(outcome('ansible', { rc: 4 }), outcome('fleet', { rc: 4 }), { ansible_rc: 4 })).toEqual([]);
  });
  it('leaves out known differences and checks the required output of both runners', () => {
    const fleet = outcome('fleet', { rc: 4 });
    expect(differences(outcome('ansible'), fleet, { differences: { rc: 'fleet refuses earlier, documented' } })).toEqual([]);
    expect(differences(outcome('ansible', { stdout: 'included: x for node1' }), outcome('fleet'), { output: ['^included: x'] })).toEqual(['output of fleet lacks /^included: x/']);
  });
});
