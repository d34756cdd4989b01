/**
 * The exit codes scripts rely on, as ansible and ansible-playbook return them: from a run's recap
 * (99 interrupted, 4 unreachable, 2 failed, 0) and from an error that stops fleet before any host.
 */
import { describe, expect, it } from 'vitest';
import { exitCodeForError } from '../src/cli/exit-codes.js';
import { BecomeError, CommandError, FleetError, HostKeyError, InventoryError, UnreachableError, UsageError } from '../src/errors.js';
import type { HostStats } from '../src/executor/events.js';
import { exitCodeFor } from '../src/executor/adhoc.js';

const clean: HostStats = { ok: 3, changed: 1, unreachable: 0, failed: 0, skipped: 2, rescued: 0, ignored: 0 };

function code(stats: Partial<HostStats>[], interrupted = false): number {
  return exitCodeFor({ stats: Object.fromEntries(stats.map((s, i) => [`h${i}`, { ...clean, ...s }])), interrupted });
}

describe('the exit code of a run, from its recap', () => {
  it('0 when every host ended ok, whatever was changed, skipped, rescued or ignored', () => {
    expect(code([{}, { rescued: 1, ignored: 2 }])).toBe(0);
    expect(code([])).toBe(0);
  });

  it('2 when a host failed', () => {
    expect(code([{}, { failed: 1 }])).toBe(2);
  });

  it('4 when a host was unreachable, even when another failed', () => {
    expect(code([{ unreachable: 1 }])).toBe(4);
    expect(code([{ failed: 2 }, { unreachable: 1 }, {}])).toBe(4);
    expect(code([{ unreachable: 1 }, { failed: 2 }])).toBe(4);
  });

  it('99 when interrupted, whatever the hosts did', () => {
    expect(code([{ unreachable: 1, failed: 1 }], true)).toBe(99);
    expect(code([{}], true)).toBe(99);
  });
});

describe('the exit code of an error before any host', () => {
  it.each([
    ['bad options', new UsageError('x'), 2],
    ['a bad config value', new FleetError('CONFIG', 'x'), 5],
    ['an inventory that cannot be parsed', new InventoryError('x'), 4],
    ['a playbook that cannot be parsed', new FleetError('PLAYBOOK', 'x'), 4],
    ['a module fleet lacks, under --strict', new FleetError('NOT_IMPLEMENTED', 'x'), 4],
    ['an ad-hoc module that does not exist', new FleetError('UNKNOWN_MODULE', 'x'), 2],
    ['bad ad-hoc module arguments', new FleetError('MODULE_ARGS', 'x'), 2],
    ['a lab that cannot start', new FleetError('LAB', 'x'), 1],
    ['an unreachable host outside a run', new UnreachableError('x'), 1],
    ['a host key outside a run', new HostKeyError('x'), 1],
    ['become outside a run', new BecomeError('x'), 1],
    ['a command outside a run', new CommandError('x'), 1],
    ['anything else', new Error('x'), 1],
  ])('%s: %i', (_what, error, expected) => {
    expect(exitCodeForError(error)).toBe(expected);
  });
});
