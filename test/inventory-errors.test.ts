import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InventoryError } from '../src/errors.js';
import { loadInventory } from '../src/inventory/index.js';

const BAD = join(import.meta.dirname, 'fixtures/inventory/bad');

async function failure(source: string): Promise<InventoryError> {
  const err = await loadInventory([join(BAD, source)]).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InventoryError);
  return err as InventoryError;
}

/** [fixture, file reported (relative to bad/), line, message pattern, hint pattern] */
const cases: Array<[string, string, number | undefined, RegExp, RegExp | undefined]> = [
  ['unterminated-header.ini', 'unterminated-header.ini', 4, /^unterminated group header \[dbservers: expected a closing "\]"$/, /\[name\]/],
  [
    'bad-range.ini',
    'bad-range.ini',
    3,
    /^bad host range '\[01:5\]' in 'web\[01:5\]\.example\.com': with leading zeros, begin and end must have the same number of digits$/,
    /write \[01:05\]/,
  ],
  ['mixed-range.ini', 'mixed-range.ini', 2, /begin and end must both be numbers or both single letters/, /web\[01:20\]/],
  ['zero-step.ini', 'zero-step.ini', 2, /the step '0' must be a whole number above 0/, undefined],
  [
    'vars-undefined-group.ini',
    'vars-undefined-group.ini',
    4,
    /^section \[ghost:vars\] is for group ghost, which is not defined$/,
    /declare the group with a \[ghost\] or \[ghost:children\] section/,
  ],
  [
    'child-undefined-group.ini',
    'child-undefined-group.ini',
    6,
    /^section \[prod:children\] names group database, which is not defined$/,
    /\[database\] section/,
  ],
  ['unknown-section-type.ini', 'unknown-section-type.ini', 4, /^section \[web:var\] has an unknown type "var"$/, /\[web:vars\]/],
  ['vars-without-equals.ini', 'vars-without-equals.ini', 5, /expected key=value in section \[web:vars\]/, /name=value/],
  ['host-var-without-equals.ini', 'host-var-without-equals.ini', 2, /expected key=value after the host name, got: ansible_user/, /name="a b"/],
  ['unbalanced-quote.ini', 'unbalanced-quote.ini', 2, /No closing quotation/, /quotes/],
  ['trailing-colon.ini', 'trailing-colon.ini', 2, /invalid host "web1:": a trailing ":" must be followed by a port number/, /host:port/],
  ['loop.ini', 'loop.ini', 5, /adding group a as a child of b makes a loop/, /cycles/],
  ['malformed.yml', 'malformed.yml', 6, /^malformed YAML: All mapping items must start at the same column$/, /indentation/],
  ['hosts-as-list.yml', 'hosts-as-list.yml', 5, /^the "hosts" entry of group web must be a mapping, found a list$/, /not a "- name" list/],
  ['host-vars-not-mapping.yml', 'host-vars-not-mapping.yml', 5, /the variables of host web1 must be a mapping, found a string/, /name: value/],
  ['plugin.yml', 'plugin.yml', 1, /inventory plugin configuration \(plugin: amazon\.aws\.aws_ec2\)/, /ansible-inventory -i FILE --list --yaml/],
  ['badvars/hosts', 'badvars/group_vars/web.yml', 1, /a variables file must hold a mapping .*found a list/, /name: value/],
  ['badvars2/hosts', 'badvars2/host_vars/web1.yml', 2, /^malformed YAML in variables file: /, /indentation/],
];

describe('bad inventories', () => {
  for (const [source, file, line, message, hint] of cases) {
    it(`${source}: names ${file}${line ? `:${line}` : ''} and says what to do`, async () => {
      const e = await failure(source);
      expect(e.code).toBe('INVENTORY');
      expect(e.context.file).toBe(join(BAD, file));
      expect(e.context.line).toBe(line);
      expect(e.message).toMatch(message);
      if (hint) expect(e.context.hint).toMatch(hint);
      const text = e.describe();
      expect(text.startsWith(`${join(BAD, file)}${line ? `:${line}` : ''}`)).toBe(true);
    });
  }

  it('prints file:line: message and the hint', async () => {
    const e = await failure('unterminated-header.ini');
    expect(e.describe()).toBe(
      `${join(BAD, 'unterminated-header.ini')}:4: unterminated group header [dbservers: expected a closing "]"\n` +
        '  hint: write the section as [name], [name:children] or [name:vars]',
    );
  });
});
