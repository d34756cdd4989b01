/**
 * PEP 440 basics for the pip module: versions (epoch, release, pre/post/dev, local), specifiers
 * (==, !=, <, <=, >, >=, ~=, ===, `==1.2.*`) and PEP 508 requirement lines without markers or URLs.
 */
export interface Version {
  epoch: number;
  release: number[];
  /** [0 a | 1 b | 2 rc, n] */
  pre?: [number, number];
  post?: number;
  dev?: number;
  local?: string;
}

const VERSION_RE =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i;

export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  const preKind = m[3]?.toLowerCase();
  const pre: [number, number] | undefined = preKind
    ? [preKind === 'a' || preKind === 'alpha' ? 0 : preKind === 'b' || preKind === 'beta' ? 1 : 2, Number(m[4] || 0)]
    : undefined;
  const post = m[5] !== undefined ? Number(m[5]) : m[6] !== undefined ? Number(m[7] || 0) : undefined;
  return {
    epoch: Number(m[1] ?? 0),
    release: m[2]!.split('.').map(Number),
    ...(pre ? { pre } : {}),
    ...(post !== undefined ? { post } : {}),
    ...(m[8] !== undefined ? { dev: Number(m[9] || 0) } : {}),
    ...(m[10] !== undefined ? { local: m[10].toLowerCase() } : {}),
  };
}

function cmpNum(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpRelease(a: number[], b: number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = cmpNum(a[i] ?? 0, b[i] ?? 0);
    if (c) return c;
  }
  return 0;
}

/** Compares two versions (the local label only breaks ties, lexically). */
export function compareVersions(a: Version, b: Version, withLocal = true): number {
  let c = cmpNum(a.epoch, b.epoch) || cmpRelease(a.release, b.release);
  if (c) return c;
  // A dev release with no pre/post sorts before the pre-releases of the same release.
  const preKey = (v: Version): [number, number] => (v.pre ? v.pre : v.post === undefined && v.dev !== undefined ? [-1, 0] : [3, 0]);
  const [pa, pb] = [preKey(a), preKey(b)];
  c = cmpNum(pa[0], pb[0]) || cmpNum(pa[1], pb[1]);
  if (c) return c;
  c = cmpNum(a.post ?? -1, b.post ?? -1);
  if (c) return c;
  c = cmpNum(a.dev ?? Infinity, b.dev ?? Infinity);
  if (c || !withLocal) return c;
  return (a.local ?? '') < (b.local ?? '') ? -1 : (a.local ?? '') > (b.local ?? '') ? 1 : 0;
}

export interface Specifier {
  op: '==' | '!=' | '<' | '<=' | '>' | '>=' | '~=' | '===';
  version: string;
}

/** Whether `installed` satisfies one specifier. */
export function satisfies(installed: string, spec: Specifier): boolean {
  if (spec.op === '===') return installed === spec.version;
  const v = parseVersion(installed);
  if (!v) return false;
  if ((spec.op === '==' || spec.op === '!=') && spec.version.endsWith('.*')) {
    const prefix = parseVersion(spec.version.slice(0, -2));
    if (!prefix) return false;
    const match = v.epoch === prefix.epoch && prefix.release.every((n, i) => (v.release[i] ?? 0) === n);
    return spec.op === '==' ? match : !match;
  }
  const s = parseVersion(spec.version);
  if (!s) return false;
  const c = compareVersions(v, s, s.local !== undefined);
  switch (spec.op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '~=': {
      if (c < 0) return false;
      if (s.release.length < 2) return true;
      const prefix = s.release.slice(0, -1);
      return v.epoch === s.epoch && prefix.every((n, i) => (v.release[i] ?? 0) === n);
    }
  }
  return false;
}

/** PEP 503's normalized project name. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export interface Requirement {
  /** As written (passed to pip as is). */
  text: string;
  name: string;
  extras: string[];
  specifiers: Specifier[];
}

const REQ_RE = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(\(?\s*(?:(?:===|==|!=|<=|>=|~=|<|>)\s*[^,;\s)]+\s*,?\s*)*\)?)\s*$/;
const SPEC_RE = /(===|==|!=|<=|>=|~=|<|>)\s*([^,;\s)]+)/g;

/**
 * A requirement line (`name`, `name[extra]>=1,<2`), or undefined when it is anything else (a URL, a
 * path, an option such as -r/-e, environment markers): those are left to pip to decide.
 */
export function parseRequirement(text: string): Requirement | undefined {
  const t = text.trim();
  const m = REQ_RE.exec(t);
  if (!m) return undefined;
  const specifiers: Specifier[] = [];
  for (const s of (m[3] ?? '').matchAll(SPEC_RE)) specifiers.push({ op: s[1] as Specifier['op'], version: s[2]! });
  return {
    text: t,
    name: m[1]!,
    extras: (m[2] ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean),
    specifiers,
  };
}

/** The requirement lines of a requirements file: comments and blank lines dropped, continuations joined. */
export function requirementLines(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, '')
    .split(/\r?\n/)
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}
