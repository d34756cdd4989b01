import { describe, expect, it } from 'vitest';
import { emptyStats, type HostStats } from '../src/executor/events.js';
import { bannerLine, outputWidth, pyJson } from '../src/output/ansible-format.js';
import { formatRecap, formatRecapLine } from '../src/output/recap.js';

const stats = (s: Partial<HostStats>): HostStats => ({ ...emptyStats(), ...s });

describe('recap', () => {
  it('lays out a line with ansible column widths', () => {
    expect(formatRecapLine('node1', stats({ ok: 3, changed: 1 }))).toBe(
      'node1                      : ok=3    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ',
    );
    expect(formatRecapLine('db', stats({ ok: 12345, failed: 1, skipped: 2, rescued: 1, ignored: 3, unreachable: 1 }))).toBe(
      'db                         : ok=12345 changed=0    unreachable=1    failed=1    skipped=2    rescued=1    ignored=3   ',
    );
  });

  it('does not cut host names longer than the column', () => {
    const host = 'a-very-long-host-name.example.com';
    expect(formatRecapLine(host, stats({ ok: 1 }))).toBe(`${host} : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   `);
  });

  it('colours the host by its worst result and only non-zero counts', () => {
    const failed = formatRecapLine('web', stats({ ok: 1, failed: 1 }), true);
    expect(failed.startsWith('\u001b[0;31mweb\u001b[0m' + ' '.repeat(23) + ' : ')).toBe(true);
    expect(failed).toContain('\u001b[0;32mok=1   \u001b[0m changed=0    unreachable=0    \u001b[0;31mfailed=1   \u001b[0m skipped=0');
    expect(formatRecapLine('web', stats({ ok: 1, changed: 1 }), true).startsWith('\u001b[0;33mweb\u001b[0m')).toBe(true);
    expect(formatRecapLine('web', stats({ ok: 1 }), true).startsWith('\u001b[0;32mweb\u001b[0m')).toBe(true);
    expect(formatRecapLine('web', stats({ unreachable: 1 }), true)).toContain('\u001b[0;31mweb\u001b[0m');
    expect(formatRecapLine('web', stats({ unreachable: 1 }), true)).toContain('\u001b[1;31munreachable=1   \u001b[0m');
    expect(formatRecapLine('web', stats({ ignored: 2, skipped: 1, rescued: 1 }), true)).toContain(
      '\u001b[0;36mskipped=1   \u001b[0m \u001b[0;32mrescued=1   \u001b[0m \u001b[1;35mignored=2   \u001b[0m',
    );
  });

  it('prints the banner and hosts in name order, then a blank line', () => {
    expect(formatRecap({ web2: stats({ ok: 1 }), db1: stats({ ok: 2, changed: 2 }) })).toBe(
      '\n' +
        'PLAY RECAP *********************************************************************\n' +
        'db1                        : ok=2    changed=2    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   \n' +
        'web2                       : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   \n' +
        '\n',
    );
  });
});

describe('banners and result JSON', () => {
  it('pads banners with stars to the width, at least 80 columns and three stars', () => {
    expect(bannerLine('PLAY [x]')).toHaveLength(80);
    expect(bannerLine('TASK [x]', 120)).toHaveLength(120);
    expect(bannerLine('TASK [x]', 40)).toHaveLength(80);
    expect(bannerLine('TASK [' + 'n'.repeat(100) + ']')).toBe('TASK [' + 'n'.repeat(100) + '] ***');
    expect(bannerLine('TASK [日本]')).toHaveLength(78);
  });

  it('takes the width from COLUMNS', () => {
    expect(outputWidth({ COLUMNS: '132' })).toBe(132);
    expect(outputWidth({})).toBe(80);
    expect(outputWidth({ COLUMNS: 'wide' })).toBe(80);
  });

  it('dumps like python json.dumps(sort_keys=True, ensure_ascii=False)', () => {
    expect(pyJson({ b: [1, 'two', null, true], a: { z: 1, y: {} }, c: [], é: 'ü\n"' })).toBe(
      '{"a": {"y": {}, "z": 1}, "b": [1, "two", null, true], "c": [], "é": "ü\\n\\""}',
    );
    expect(pyJson({ b: 1, a: [1, { d: 2 }] }, 4)).toBe('{\n    "a": [\n        1,\n        {\n            "d": 2\n        }\n    ],\n    "b": 1\n}');
    expect(pyJson({ x: 1, _fleet_secret: 's', nested: { _ansible_no_log: true, _fleet_x: 1, keep: 2 } })).toBe('{"nested": {"keep": 2}, "x": 1}');
    expect(pyJson({ n: NaN, big: 10n, u: undefined })).toBe('{"big": "10", "n": NaN}');
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(pyJson(loop)).toBe('{"a": 1, "self": "[Circular]"}');
  });
});

describe('recap block', () => {
  it('leaves out hosts whose counts are all zero, as Ansible', () => {
    expect(formatRecap({ idle: stats({}), web: stats({ skipped: 1 }) })).toBe(
      `\n${bannerLine('PLAY RECAP')}\nweb                        : ok=0    changed=0    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0   \n\n`,
    );
  });

  it('colours host lines only when asked', () => {
    expect(formatRecap({ web: stats({ ok: 1 }) }, { color: true })).toContain('\u001b[0;32mweb\u001b[0m');
    expect(formatRecap({ web: stats({ ok: 1 }) })).not.toContain('\u001b');
  });
});
