import type { HostStats } from '../executor/events.js';
import { bannerLine, COLOR, stringc, type AnsibleColor } from './ansible-format.js';

/** `ok=2   `: Ansible's `colorize` (`%s=%-4s`), coloured only when the count is not zero. */
function column(lead: string, n: number, color: AnsibleColor, enabled: boolean): string {
  const text = `${lead}=${String(n).padEnd(4)}`;
  return n !== 0 ? stringc(text, color, enabled) : text;
}

/** The host name padded to 26 columns, coloured by its worst result (Ansible's `hostcolor`). */
function hostColumn(host: string, s: HostStats, enabled: boolean): string {
  const pad = ' '.repeat(Math.max(0, 26 - host.length));
  if (!enabled) return host + pad;
  const color: AnsibleColor = s.failed !== 0 || s.unreachable !== 0 ? COLOR.error : s.changed !== 0 ? COLOR.changed : COLOR.ok;
  return stringc(host, color, true) + pad;
}

/**
 * One PLAY RECAP line, column for column as ansible-playbook prints it (including the padding
 * after the last count):
 * `node1                      : ok=2    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   `
 */
export function formatRecapLine(host: string, s: HostStats, color = false): string {
  return (
    `${hostColumn(host, s, color)} : ` +
    [
      column('ok', s.ok, COLOR.ok, color),
      column('changed', s.changed, COLOR.changed, color),
      column('unreachable', s.unreachable, COLOR.unreachable, color),
      column('failed', s.failed, COLOR.error, color),
      column('skipped', s.skipped, COLOR.skip, color),
      column('rescued', s.rescued, COLOR.ok, color),
      column('ignored', s.ignored, COLOR.warn, color),
    ].join(' ')
  );
}

export interface RecapOptions {
  color?: boolean;
  /** Banner width (80 by default). */
  width?: number;
}

/**
 * The whole recap block: a blank line, the `PLAY RECAP ***` banner, one line per host sorted by
 * name, and a blank line — each line ending in a newline.
 */
export function formatRecap(stats: Record<string, HostStats>, options: RecapOptions = {}): string {
  // As Ansible's: a host no task ran for (e.g. --start-at-task found nothing) has no line.
  const hosts = Object.keys(stats)
    .filter((h) => Object.values(stats[h]!).some((n) => n !== 0))
    .sort();
  const lines = ['', bannerLine('PLAY RECAP', options.width), ...hosts.map((h) => formatRecapLine(h, stats[h]!, options.color ?? false)), ''];
  return lines.join('\n') + '\n';
}
