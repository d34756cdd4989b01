import { parseDocument, type ScalarTag } from 'yaml';

/**
 * YAML and JSON vars files as Ansible (PyYAML, YAML 1.1) reads them: `yes`/`on` are true, `0755`
 * is octal, `<<` merge keys work, a repeated key keeps its last value.
 */
const BOOL_TAG = 'tag:yaml.org,2002:bool';

const PY_BOOLS: ScalarTag[] = [
  { tag: BOOL_TAG, default: true, identify: (v) => typeof v === 'boolean', test: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/, resolve: () => true },
  { tag: BOOL_TAG, default: true, identify: (v) => typeof v === 'boolean', test: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/, resolve: () => false },
  { tag: '!unsafe', identify: () => false, resolve: (text: string) => text },
  { tag: '!vault', identify: () => false, resolve: (text: string) => ({ __ansible_vault: text }) as unknown as string },
];

export class VarsFileError extends Error {}

/** Parses one vars document; throws VarsFileError with the parser's message and line. */
export function parseVarsText(text: string): unknown {
  if (text.trim() === '') return null;
  const doc = parseDocument(text, {
    version: '1.1',
    schema: 'yaml-1.1',
    merge: true,
    uniqueKeys: false,
    customTags: (tags) => [...tags.filter((t) => typeof t === 'string' || t.tag !== BOOL_TAG), ...PY_BOOLS],
  });
  const err = doc.errors[0];
  if (err) throw new VarsFileError(err.message);
  return doc.toJS({ maxAliasCount: 10_000 });
}
