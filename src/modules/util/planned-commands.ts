import { shJoin } from '../../util/shlex.js';

/**
 * What a plan's actions would run, one entry each, as check mode reports them (`would_run`): a step's
 * command line (its argv quoted as the runner quotes it) or script, an action's own command; an
 * action that writes a file says where and how many bytes (never the content: it may be a secret);
 * any other action its kind and the fields that name what it acts on.
 */
export function plannedCommands(actions: readonly unknown[]): string[] {
  return actions.map((action) => describe(action as Record<string, unknown>));
}

const NAMING_FIELDS = ['name', 'names', 'specs', 'path', 'src', 'dest', 'url', 'format', 'tool', 'value', 'zone', 'port'];

function describe(a: Record<string, unknown>): string {
  if (Array.isArray(a.argv)) return shJoin(a.argv.map(String));
  if (typeof a.script === 'string') return a.script;
  if (typeof a.command === 'string') return a.command;
  if (typeof a.line === 'string') return a.line;
  const fields = a.item && typeof a.item === 'object' ? { ...a, ...(a.item as Record<string, unknown>) } : a;
  const parts = [String(fields.kind ?? 'action')];
  for (const key of NAMING_FIELDS) {
    const v = fields[key];
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${key}=${Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  const written = [
    ...(typeof fields.content === 'string' || Buffer.isBuffer(fields.content) ? [`${Buffer.byteLength(fields.content)} bytes`] : []),
    ...(typeof fields.mode === 'number' ? [`mode ${fields.mode.toString(8).padStart(4, '0')}`] : typeof fields.mode === 'string' ? [`mode ${fields.mode}`] : []),
    ...(typeof fields.owner === 'string' ? [`owner ${fields.owner}`] : []),
    ...(typeof fields.group === 'string' ? [`group ${fields.group}`] : []),
  ];
  if (written.length) parts.push(`(${written.join(', ')})`);
  return parts.join(' ');
}
