import { describe, expect, it } from 'vitest';
import { formatDiffs, unifiedDiff } from '../src/output/diff.js';
import type { FileDiff } from '../src/modules/types.js';

const RED = '\u001b[0;31m';
const GREEN = '\u001b[0;32m';
const CYAN = '\u001b[0;36m';
const RESET = '\u001b[0m';

describe('unifiedDiff', () => {
  it('prints headers and hunks as ansible _get_diff does', () => {
    expect(unifiedDiff({ before: 'a\nb\nc\n', after: 'a\nB\nc\n', before_header: '/etc/motd', after_header: '/etc/motd' })).toBe(
      ['--- before: /etc/motd', '+++ after: /etc/motd', '@@ -1,3 +1,3 @@', ' a', '-b', '+B', ' c', ''].join('\n'),
    );
  });

  it('says before/after without headers and shortens one-line ranges like difflib', () => {
    expect(unifiedDiff({ before: 'x\n', after: 'y\n' })).toBe('--- before\n+++ after\n@@ -1 +1 @@\n-x\n+y\n');
  });

  it('marks a missing trailing newline', () => {
    expect(unifiedDiff({ before: 'a\n', after: 'a' })).toBe('--- before\n+++ after\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n');
    expect(unifiedDiff({ before: 'old', after: 'new' })).toBe(
      '--- before\n+++ after\n@@ -1 +1 @@\n-old\n\\ No newline at end of file\n+new\n\\ No newline at end of file\n',
    );
  });

  it('diffs a new file and a removed one with empty ranges', () => {
    expect(unifiedDiff({ before: '', after: 'one\ntwo\n', before_header: '/f', after_header: '/f' })).toBe(
      '--- before: /f\n+++ after: /f\n@@ -0,0 +1,2 @@\n+one\n+two\n',
    );
    expect(unifiedDiff({ before: 'gone\n', after: '' })).toBe('--- before\n+++ after\n@@ -1 +0,0 @@\n-gone\n');
  });

  it('diffs state-like strings (file mode, state) as text', () => {
    expect(unifiedDiff({ before: '{"state": "absent"}\n', after: '{"state": "directory"}\n', before_header: '/srv', after_header: '/srv' })).toBe(
      '--- before: /srv\n+++ after: /srv\n@@ -1 +1 @@\n-{"state": "absent"}\n+{"state": "directory"}\n',
    );
  });

  it('keeps three lines of context by default and splits distant changes into hunks', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
    const after = before.replace('l2\n', 'L2\n').replace('l18\n', 'L18\n');
    expect(unifiedDiff({ before, after })).toBe(
      [
        '--- before',
        '+++ after',
        '@@ -1,5 +1,5 @@',
        ' l1',
        '-l2',
        '+L2',
        ' l3',
        ' l4',
        ' l5',
        '@@ -15,6 +15,6 @@',
        ' l15',
        ' l16',
        ' l17',
        '-l18',
        '+L18',
        ' l19',
        ' l20',
        '',
      ].join('\n'),
    );
    expect(unifiedDiff({ before, after }, { context: 0 })).toBe('--- before\n+++ after\n@@ -2 +2 @@\n-l2\n+L2\n@@ -18 +18 @@\n-l18\n+L18\n');
  });

  it('is empty when nothing differs', () => {
    expect(unifiedDiff({ before: 'same\n', after: 'same\n', before_header: 'x', after_header: 'x' })).toBe('');
    expect(unifiedDiff({ before: '', after: '' })).toBe('');
  });

  it('colours removals red, additions green and hunk lines cyan when asked', () => {
    expect(unifiedDiff({ before: 'x\n', after: 'y\n' }, { color: true })).toBe(
      `${RED}--- before${RESET}\n${GREEN}+++ after${RESET}\n${CYAN}@@ -1 +1 @@${RESET}\n${RED}-x${RESET}\n${GREEN}+y${RESET}\n`,
    );
    expect(unifiedDiff({ before: 'x\n', after: 'y\n' }, { color: false })).not.toContain('\u001b');
  });
});

describe('formatDiffs', () => {
  it('follows each non-empty diff with a blank line and skips empty ones', () => {
    expect(
      formatDiffs([
        { before: 'a\n', after: 'b\n', before_header: '/one', after_header: '/one' },
        { before: 'same', after: 'same' },
        { before: 'mode 0644\n', after: 'mode 0600\n' },
      ]),
    ).toBe('--- before: /one\n+++ after: /one\n@@ -1 +1 @@\n-a\n+b\n\n--- before\n+++ after\n@@ -1 +1 @@\n-mode 0644\n+mode 0600\n\n');
    expect(formatDiffs([])).toBe('');
    expect(formatDiffs(undefined)).toBe('');
  });
});

describe('unified diff: sides that are not text', () => {
  it('diffs mappings as sorted, indented JSON, as Ansible\'s _get_diff, leaving context lines uncoloured', () => {
    const d = { before: { state: 'absent', path: '/x' }, after: { state: 'directory', path: '/x' } };
    const body = '@@ -1,4 +1,4 @@\n {\n     "path": "/x",\n-    "state": "absent"\n+    "state": "directory"\n }\n';
    expect(unifiedDiff(d)).toBe(`--- before\n+++ after\n${body}`);
    expect(unifiedDiff(d, { color: true })).toBe(
      '\u001b[0;31m--- before\u001b[0m\n\u001b[0;32m+++ after\u001b[0m\n\u001b[0;36m@@ -1,4 +1,4 @@\u001b[0m\n {\n     "path": "/x",\n' +
        '\u001b[0;31m-    "state": "absent"\u001b[0m\n\u001b[0;32m+    "state": "directory"\u001b[0m\n }\n',
    );
  });

  it('takes a missing side as empty', () => {
    expect(unifiedDiff({ after: 'x\n' } as FileDiff)).toBe('--- before\n+++ after\n@@ -0,0 +1 @@\n+x\n');
  });

  it('formatDiffs skips entries that are not diffs', () => {
    expect(formatDiffs([null, 'x', { before: 'a\n', after: 'b\n' }] as unknown as FileDiff[])).toBe('--- before\n+++ after\n@@ -1 +1 @@\n-a\n+b\n\n');
  });
});
