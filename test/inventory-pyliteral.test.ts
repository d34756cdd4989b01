import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { literalEval, pyFloatRepr, pyRepr } from '../src/inventory/pyliteral.js';

// Inventory values are read as Ansible's INI plugin reads them, with Python's ast.literal_eval. The
// reference here is Python itself: each text goes through python3's literal_eval and repr (with the
// few normalisations fleet's values have: tuples and sets are lists, bytes are text, dict keys are
// the text json would write, a whole float is an int), and through fleet's literalEval and pyRepr.
const TEXTS = [
  // numbers
  '0', '42', '-7', '+5', '1_000_000', '0x1F', '0X_ff', '0o17', '0O7_7', '0b101', '0B1_1', '3.25', '-0.5', '.5', '5.', '1e3', '1E-3', '2.5e+10',
  '1.0e16', '1e-5', '0.0001', '123456789.123', '1_0.0_1', '-0.0', '007', '00', '08', '1__0', '0x', '1e', '--1', '- 1', '-(1)',
  // strings and escapes
  "'plain'", '"double"', "'it''s'", "'a\\'b'", '"a\\"b"', "'tab\\there'", "'nl\\nline'", "'cr\\r'", "'bell\\a'", "'back\\b'", "'ff\\f'", "'vt\\v'",
  "'nul\\0'", "'oct\\101\\7'", "'hex\\x41'", "'u\\u00e9'", "'U\\U0001F600'", "'named\\N{BULLET}'", "'bad\\q'", "'slash\\\\'", "'cont\\\nnue'",
  "r'raw\\n'", "R'raw'", "b'bytes'", "B'\\x41'", "br'x\\n'", "Rb'y'", "u'uni'", "'''triple\nline'''", '"""tri"ple"""', "'unterminated", "'new\nline'",
  "'a' 'b'", '"x" \'y\'', "'\\x4'", "'\\u12'", "'\\N{NO SUCH NAME}'", "'\\U00110000'", "'ctrl\\x01\\x7f\\x85'", "'quote\"mix\\''",
  // names
  'True', 'False', 'None', 'true', 'null', 'yes',
  // containers
  '[]', '[1, 2, 3]', '[1, [2, [3]]]', '[1,]', '[,]', '()', '(1,)', '(1, 2)', '(1)', '{}', "{'a': 1}", "{'a': [1, {'b': None}]}", '{1: 2}', '{True: 1}',
  '{None: 0}', "{1.5: 'x'}", '{(1, 2): 3}', '{[1]: 2}', '{{}: 1}', "{'a': 1,}", '{1}', "{'k'}", '[1, 2', '{1: }', '[1 2]', '{1 2}', "{'a' 1}",
  // whitespace, comments, other text
  '  [1, 2]', '[1, 2]  ', '[1, # c\n 2]', '# only a comment', '1 # trailing', 'hello world', 'a=b', '/usr/bin/python3', '1.2.3', '',
  '[\n1,\n2\n]', '(\n1\n)', '1 +', '1 + 2', '-1.5e-3', '[-1, +2, -0x10]', "[1, 'two', 3.0, None, True]",
];

const PYTHON = `
import ast, json, sys
def key(k):
    if isinstance(k, str): return k
    if k is True: return 'true'
    if k is False: return 'false'
    if k is None: return 'null'
    return repr(norm(k))
def norm(v):
    if isinstance(v, bool) or v is None or isinstance(v, str): return v
    if isinstance(v, float): return int(v) if v.is_integer() and abs(v) < 1e16 else v
    if isinstance(v, int): return v
    if isinstance(v, bytes): return v.decode('latin-1')
    if isinstance(v, (list, tuple)): return [norm(x) for x in v]
    if isinstance(v, (set, frozenset)): return [norm(x) for x in v]
    if isinstance(v, dict): return {key(k): norm(x) for k, x in v.items()}
    raise TypeError(type(v).__name__)
out = []
for text in json.load(sys.stdin):
    try:
        out.append({'repr': repr(norm(ast.literal_eval(text.lstrip(' \\t'))))})
    except Exception:
        out.append({'text': True})
print(json.dumps(out))
`;

function python(): { repr?: string; text?: true }[] {
  return JSON.parse(execFileSync('python3', ['-c', PYTHON], { input: JSON.stringify(TEXTS), encoding: 'utf8' })) as { repr?: string; text?: true }[];
}

describe('inventory values as Python literals, against python3 itself', () => {
  it("literalEval + pyRepr give what Python's literal_eval + repr give; a text that is no literal stays as written", () => {
    const expected = python();
    const got = TEXTS.map((text) => {
      const value = literalEval(text);
      return value === text && expected[TEXTS.indexOf(text)]?.text ? { text: true } : { repr: pyRepr(value) };
    });
    const differ = TEXTS.map((text, i) => ({ text, python: expected[i], fleet: got[i] })).filter((d) => JSON.stringify(d.python) !== JSON.stringify(d.fleet));
    // Known, and rare in inventories: a sign before a parenthesised number, and \N{NAME} escapes
    // (fleet carries no Unicode name table); both stay text.
    expect(differ.map((d) => d.text)).toEqual(['-(1)', "'named\\N{BULLET}'"]);
  });

  it("pyFloatRepr writes a float as Python's repr does", () => {
    const floats = [0.1, 1.5, -2.25, 1e16, 1.5e16, 1e-4, 1e-5, 123456.789, 5e-324, 1.7976931348623157e308, 0.30000000000000004, 100.0, -0, Infinity, -Infinity, NaN];
    const py = execFileSync('python3', ['-c', 'import json,sys; print(json.dumps([repr(float(x)) for x in json.load(sys.stdin)]))'], {
      input: JSON.stringify(floats.map((f) => (Number.isNaN(f) ? 'nan' : f === Infinity ? 'inf' : f === -Infinity ? '-inf' : Object.is(f, -0) ? '-0.0' : f))),
      encoding: 'utf8',
    });
    expect(floats.map(pyFloatRepr)).toEqual(JSON.parse(py));
  });
});
