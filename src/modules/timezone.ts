import { shQuote } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition, Plan } from './types.js';
import { ModuleFailure } from './util/file-attrs.js';
import { applySteps, type Step } from './util/run-steps.js';

/**
 * timezone (community.general.timezone): the system time zone. With systemd running, through
 * `timedatectl set-timezone`; otherwise (containers, the lab) as Debian keeps it: /etc/timezone and
 * the /etc/localtime symlink to /usr/share/zoneinfo/NAME. ONE round trip probes, ONE applies.
 */
export interface TimezoneParams {
  name: string;
}

export interface TimezoneState {
  /** /etc/timezone's name ('' when missing). */
  file: string;
  fileExists: boolean;
  /** Where /etc/localtime points ('' when not a link). */
  link: string;
  /** /usr/share/zoneinfo/NAME exists. */
  zoneExists: boolean;
  /** systemd runs and timedatectl is there. */
  timedatectl: boolean;
  /** timedatectl's current zone. */
  current?: string;
}

const ZONEINFO = '/usr/share/zoneinfo';

export function planTimezone(p: TimezoneParams, s: TimezoneState): Plan<Step> {
  const name = p.name.trim();
  if (!/^[A-Za-z0-9_+\-/]+$/.test(name) || name.includes('..')) throw new ModuleFailure(`given timezone "${name}" is not a valid time zone name`);
  if (!s.zoneExists) throw new ModuleFailure(`given timezone "${name}" is not available on the host (no ${ZONEINFO}/${name}; install the tzdata package)`);
  const before = s.timedatectl ? (s.current ?? '') : s.link.startsWith(`${ZONEINFO}/`) ? s.link.slice(ZONEINFO.length + 1) : s.file;
  const actions: Step[] = [];
  if (s.timedatectl) {
    if (s.current !== name) actions.push({ kind: 'run', what: 'timedatectl set-timezone', argv: ['timedatectl', 'set-timezone', name] });
  } else {
    if (s.link !== `${ZONEINFO}/${name}`) {
      actions.push({ kind: 'run', what: 'link /etc/localtime', script: `ln -sfn -- ${shQuote(`${ZONEINFO}/${name}`)} /etc/.localtime.fleet-tmp && mv -Tf -- /etc/.localtime.fleet-tmp /etc/localtime` });
    }
    if (s.fileExists ? s.file !== name : false) {
      actions.push({ kind: 'run', what: 'write /etc/timezone', script: `printf '%s\\n' ${shQuote(name)} > /etc/.timezone.fleet-tmp && mv -f -- /etc/.timezone.fleet-tmp /etc/timezone` });
    } else if (!s.fileExists && actions.length) {
      actions.push({ kind: 'run', what: 'write /etc/timezone', script: `printf '%s\\n' ${shQuote(name)} > /etc/timezone` });
    }
  }
  return {
    actions,
    ...(actions.length ? { diff: [{ before: `name: ${before}\n`, after: `name: ${name}\n` }] } : {}),
    result: { name, before },
  };
}

async function probe(ctx: ModuleContext, p: TimezoneParams): Promise<TimezoneState> {
  const z = shQuote(`${ZONEINFO}/${p.name.trim()}`);
  const r = await ctx.run(
    [
      `[ -f /etc/timezone ] && printf 'F %s\\n' "$(head -n1 /etc/timezone)"`,
      `[ -L /etc/localtime ] && printf 'L %s\\n' "$(readlink /etc/localtime)"`,
      `[ -f ${z} ] && echo Z`,
      `if [ -d /run/systemd/system ] && command -v timedatectl >/dev/null 2>&1; then echo T; printf 'C %s\\n' "$(timedatectl show -p Timezone --value 2>/dev/null)"; fi`,
      'exit 0',
    ].join('\n'),
  );
  const out = r.stdout.toString('utf8');
  const get = (t: string) => new RegExp(`^${t} (.*)$`, 'm').exec(out)?.[1]?.trim();
  const file = get('F');
  const link = get('L') ?? '';
  const s: TimezoneState = { file: file ?? '', fileExists: file !== undefined, link: link.startsWith('/') ? link : link ? `/etc/${link}`.replace('/etc/../', '/') : '', zoneExists: /^Z$/m.test(out), timedatectl: /^T$/m.test(out) };
  const c = get('C');
  if (c !== undefined) s.current = c;
  return s;
}


export const timezone: ModuleDefinition<TimezoneParams, TimezoneState, Step> = {
  name: 'timezone',
  aliases: ['community.general.timezone', 'community.general.system.timezone'],
  params: {
    name: { type: 'str', required: true },
  },
  probe,
  plan: planTimezone,
  apply: (ctx, _p, plan) => applySteps(ctx, plan),
};
