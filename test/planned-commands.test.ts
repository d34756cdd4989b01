import { describe, expect, it } from 'vitest';
import { plannedCommands } from '../src/modules/util/planned-commands.js';

describe('what check mode says the real run would execute (would_run)', () => {
  it('a step is its command line, quoted as the runner quotes it, or its script', () => {
    expect(plannedCommands([{ kind: 'run', what: 'useradd', argv: ['useradd', '-c', "Bob's account", '--', 'bob'] }])).toEqual([String.raw`useradd -c 'Bob'\''s account' -- bob`]);
    expect(plannedCommands([{ kind: 'run', what: 'x', script: 'mkdir -p /a\nchmod 0700 /a' }])).toEqual(['mkdir -p /a\nchmod 0700 /a']);
    expect(plannedCommands([{ kind: 'attrs', command: 'chmod 0644 -- /f' }, { kind: 'run', line: 'echo $HOME' }])).toEqual(['chmod 0644 -- /f', 'echo $HOME']);
  });

  it('a write names its destination and size, never its content', () => {
    const out = plannedCommands([{ kind: 'write', item: { dest: '/etc/app.conf', content: 'password=hunter2\n', mode: 0o600, owner: 'app' } }]);
    expect(out).toEqual(['write dest=/etc/app.conf (17 bytes, mode 0600, owner app)']);
    expect(out.join('')).not.toContain('hunter2');
    expect(plannedCommands([{ kind: 'fstab', content: Buffer.from('abc') }])).toEqual(['fstab (3 bytes)']);
  });

  it('any other action is its kind and what it acts on', () => {
    expect(plannedCommands([{ kind: 'download', url: 'https://x/y', dest: '/tmp/y', tool: 'curl', backup: false }])).toEqual(['download dest=/tmp/y url=https://x/y tool=curl']);
    expect(plannedCommands([{ kind: 'mount' }, {}])).toEqual(['mount', 'action']);
  });
});
