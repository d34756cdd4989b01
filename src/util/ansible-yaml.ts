/**
 * YAML as Ansible reads it (PyYAML, YAML 1.1): `yes`/`on` are booleans, `0755` is octal, `1e3` is a
 * string, `<<` merge keys work, a repeated key keeps its last value, `!vault` and `!unsafe` tags are
 * understood. Inventories, playbooks and vars files all parse through these rules.
 */
import { LineCounter, parseDocument, type Document, type ScalarTag } from 'yaml';

const INT_TAG = 'tag:yaml.org,2002:int';
const FLOAT_TAG = 'tag:yaml.org,2002:float';
const BOOL_TAG = 'tag:yaml.org,2002:bool';
const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';

function pyInt(text: string): number {
  let s = text.replace(/_/g, '');
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s.startsWith('0b')) return sign * Number.parseInt(s.slice(2), 2);
  if (s.startsWith('0x')) return sign * Number.parseInt(s.slice(2), 16);
  if (s.startsWith('0')) return sign * Number.parseInt(s.slice(1), 8);
  if (s.includes(':')) return sign * s.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  return sign * Number(s);
}

function pyFloat(text: string): number {
  let s = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '.inf') return sign * Infinity;
  if (s === '.nan') return NaN;
  if (s.includes(':')) return sign * s.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  return sign * Number(s);
}

/** PyYAML's implicit resolvers, replacing the yaml package's YAML 1.1 ones that differ. */
export const PY_TAGS: ScalarTag[] = [
  {
    tag: BOOL_TAG,
    default: true,
    identify: (v) => typeof v === 'boolean',
    test: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/,
    resolve: () => true,
  },
  {
    tag: BOOL_TAG,
    default: true,
    identify: (v) => typeof v === 'boolean',
    test: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/,
    resolve: () => false,
  },
  {
    tag: INT_TAG,
    default: true,
    identify: (v) => typeof v === 'number' && Number.isInteger(v),
    test: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
    resolve: pyInt,
  },
  {
    tag: FLOAT_TAG,
    default: true,
    identify: (v) => typeof v === 'number',
    test: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    resolve: pyFloat,
  },
  {
    // Ansible Vault inline values: fleet cannot decrypt them; they show as ansible-inventory shows them.
    tag: '!vault',
    identify: () => false,
    resolve: (text: string) => ({ __ansible_vault: text }) as unknown as string,
  },
  {
    tag: '!unsafe',
    identify: () => false,
    resolve: (text: string) => text,
  },
];


export const VAULT_FILE_HEADER = '$ANSIBLE_VAULT;';

/** Parse YAML text with Ansible's rules; errors are left on the document for the caller to report. */
export function parseAnsibleYaml(text: string, lines?: LineCounter): Document.Parsed {
  return parseDocument(text, {
    ...(lines ? { lineCounter: lines } : {}),
    version: '1.1',
    schema: 'yaml-1.1',
    merge: true,
    uniqueKeys: false,
    prettyErrors: false,
    customTags: (tags) => [
      ...tags.filter((t) => typeof t === 'string' || (t.tag !== INT_TAG && t.tag !== FLOAT_TAG && t.tag !== BOOL_TAG && t.tag !== TIMESTAMP_TAG)),
      ...PY_TAGS,
    ],
  });
}

export class YamlTextError extends Error {}

/** A whole vars document as plain data (empty text is null); a syntax error throws YamlTextError. */
export function parseYamlValue(text: string): unknown {
  if (text.trim() === '') return null;
  const doc = parseAnsibleYaml(text);
  const err = doc.errors[0];
  if (err) throw new YamlTextError(err.message);
  return doc.toJS({ maxAliasCount: 10_000 });
}
