import { structuredPatch } from 'diff';
import type { FileDiff } from '../modules/types.js';
import { serializeDiff } from '../modules/util/file-attrs.js';
import { COLOR, stringc } from './ansible-format.js';

export interface UnifiedDiffOptions {
  /** Colour `-` lines red, `+` lines green and `@@` lines cyan, as Ansible does. */
  color?: boolean;
  /** Lines of context around each change (Ansible's DIFF_CONTEXT, 3 by default). */
  context?: number;
}

/** difflib's `_format_range_unified`: `3` for one line, `3,4` for several, `2,0` (the line before) for none. */
function range(start: number, lines: number): string {
  if (lines === 1) return String(start);
  if (lines === 0) return `${start - 1},0`;
  return `${start},${lines}`;
}

/** A side of a diff as Ansible's callback shows it: text as it is, a mapping as sorted JSON. */
function diffText(side: unknown): string {
  if (side && typeof side === 'object' && !Array.isArray(side)) return serializeDiff(side as Record<string, unknown>);
  return String(side ?? '');
}

/**
 * One before/after pair as a unified diff, the way Ansible's `_get_diff` prints it:
 * `--- before: <before_header>` / `+++ after: <after_header>` (or bare `before`/`after`), then the
 * `@@` hunks, every line ending in a newline. A side that does not end in a newline gets
 * `\ No newline at end of file`. Nothing at all (an empty string) when the two sides are equal.
 */
export function unifiedDiff(d: FileDiff, options: UnifiedDiffOptions = {}): string {
  const before = diffText(d.before);
  const after = diffText(d.after);
  if (before === after) return '';
  const patch = structuredPatch('before', 'after', before, after, '', '', { context: options.context ?? 3 });
  if (patch.hunks.length === 0) return '';
  const color = options.color ?? false;
  const lines: string[] = [
    stringc(`--- ${d.before_header !== undefined ? `before: ${d.before_header}` : 'before'}`, COLOR.diffRemove, color),
    stringc(`+++ ${d.after_header !== undefined ? `after: ${d.after_header}` : 'after'}`, COLOR.diffAdd, color),
  ];
  for (const hunk of patch.hunks) {
    lines.push(stringc(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`, COLOR.diffLines, color));
    for (const line of hunk.lines) {
      if (line.startsWith('+')) lines.push(stringc(line, COLOR.diffAdd, color));
      else if (line.startsWith('-')) lines.push(stringc(line, COLOR.diffRemove, color));
      else lines.push(line);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * All of a result's diffs as Ansible displays them: each non-empty diff followed by a blank line;
 * an empty string when none has a change.
 */
export function formatDiffs(diffs: readonly FileDiff[] | undefined, options: UnifiedDiffOptions = {}): string {
  if (!Array.isArray(diffs)) return '';
  let out = '';
  for (const d of diffs) {
    if (!d || typeof d !== 'object') continue;
    const text = unifiedDiff(d, options);
    if (text) out += text + '\n';
  }
  return out;
}
