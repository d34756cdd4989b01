import { createHash } from 'node:crypto';
import { LabError } from '../errors.js';
import { must } from './run.js';
import { tool } from './tools.js';

const ROUTE_TYPES = new Set(['unicast', 'local', 'broadcast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'anycast']);

function toInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** IPv4 prefixes ("a.b.c.d/len") the machine routes in any table, default routes left out. */
export function routedPrefixes(routes: string): { base: number; len: number }[] {
  const out: { base: number; len: number }[] = [];
  for (const line of routes.split('\n')) {
    const words = line.trim().split(/\s+/);
    const dst = ROUTE_TYPES.has(words[0] ?? '') ? words[1] : words[0];
    if (!dst || dst === 'default' || !/^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(dst)) continue;
    const [ip, len] = dst.split('/');
    out.push({ base: toInt(ip ?? '0.0.0.0'), len: len === undefined ? 32 : Number(len) });
  }
  return out;
}

function overlaps(a: { base: number; len: number }, b: { base: number; len: number }): boolean {
  const len = Math.min(a.len, b.len);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((a.base & mask) >>> 0) === ((b.base & mask) >>> 0);
}

/**
 * A 10.213.X.0/24 for the lab: X from a hash of its name (so a lab tends to keep its subnet), moved
 * on past any subnet the machine already routes or another lab holds.
 */
export async function pickSubnet(name: string, takenPrefixes: string[]): Promise<string> {
  const routes = await must('reading the routing tables', tool('ip'), ['-4', 'route', 'show', 'table', 'all']);
  const routed = routedPrefixes(routes.stdout);
  const start = createHash('sha256').update(name).digest().readUInt16BE(0) % 250;
  for (let i = 0; i < 250; i++) {
    const prefix = `10.213.${((start + i) % 250) + 1}`;
    const net = { base: toInt(`${prefix}.0`), len: 24 };
    if (takenPrefixes.includes(prefix) || routed.some((r) => overlaps(r, net))) continue;
    return prefix;
  }
  throw new LabError('no free 10.213.X.0/24 subnet for the lab: every one is routed or taken by another lab');
}
