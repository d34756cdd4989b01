import type { ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { validateParams } from './params.js';
import { apt, type AptParams, type AptState } from './apt.js';
import { dnf, yum, type DnfParams, type DnfState } from './dnf.js';
import { PkgModuleError, varString } from './util/pkg-common.js';

/**
 * package: the generic package module. The manager comes from `use`, else the `ansible_pkg_mgr`
 * fact (gathered facts), else a probe of `command -v apt-get dnf5 dnf yum`; the task then runs as
 * that manager's module (apt, dnf, yum) with the common parameters name and state.
 */
export interface PackageParams {
  name: string[];
  state: 'present' | 'installed' | 'latest' | 'absent' | 'removed';
  use: string;
}

type Backend = 'apt' | 'dnf' | 'yum';

export interface PackageState {
  backend: Backend;
  params: AptParams | DnfParams;
  inner: AptState | DnfState;
}

export interface PackagePlan extends Plan<unknown> {
  backend: Backend;
  params: AptParams | DnfParams;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const BACKENDS: Record<Backend, ModuleDefinition<any, any, any>> = { apt, dnf, yum };

/** A pkg_mgr fact / `use` value / program name → the module fleet drives it with. */
export function backendOf(mgr: string): Backend | undefined {
  if (mgr === 'apt' || mgr === 'apt-get') return 'apt';
  if (mgr === 'dnf' || mgr === 'dnf5' || mgr === 'dnf-3') return 'dnf';
  if (mgr === 'yum') return 'yum';
  return undefined;
}

export function backendParams(backend: Backend, p: PackageParams): AptParams | DnfParams {
  const def = BACKENDS[backend];
  return validateParams(def.name, def.params, { name: p.name, state: p.state }) as unknown as AptParams | DnfParams;
}

async function detect(ctx: ModuleContext, p: PackageParams): Promise<Backend> {
  const asked = p.use !== 'auto' ? p.use : varString(ctx, 'ansible_pkg_mgr');
  if (asked) {
    const b = backendOf(asked);
    if (!b) throw new PkgModuleError(`package: the package manager '${asked}' is not supported by fleet (apt, dnf, yum are)`);
    return b;
  }
  const r = await ctx.run('for b in apt-get dnf5 dnf yum; do command -v $b >/dev/null 2>&1 && { echo $b; exit 0; }; done; exit 0');
  const found = r.stdout.toString('utf8').trim();
  const b = backendOf(found);
  if (!b) throw new PkgModuleError(`Could not find a package manager on ${ctx.host} (looked for apt-get, dnf5, dnf, yum)`);
  return b;
}

export const packageModule: ModuleDefinition<PackageParams, PackageState, unknown> = {
  name: 'package',
  aliases: ['ansible.builtin.package', 'ansible.legacy.package'],
  params: {
    name: { type: 'list', elements: 'str', required: true, aliases: ['pkg'] },
    state: { type: 'str', default: 'present', choices: ['present', 'installed', 'latest', 'absent', 'removed'] },
    use: { type: 'str', default: 'auto' },
  },
  probe: async (ctx, p) => {
    const backend = await detect(ctx, p);
    const params = backendParams(backend, p);
    const inner = (await BACKENDS[backend].probe(ctx, params)) as AptState | DnfState;
    return { backend, params, inner };
  },
  plan: (_p, s): PackagePlan => ({ ...BACKENDS[s.backend].plan(s.params, s.inner), backend: s.backend, params: s.params }),
  apply: async (ctx, _p, plan): Promise<ModuleResult> => {
    const pp = plan as PackagePlan;
    return BACKENDS[pp.backend].apply(ctx, pp.params, plan);
  },
};
