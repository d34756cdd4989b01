import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeExtraVars, parseExtraVars } from '../src/cli/extra-vars.js';

describe('extra vars', () => {
  it('reads k=v pairs as strings, with quotes', () => {
    expect(parseExtraVars(`a=1 b="two words" c=`)).toEqual({ a: '1', b: 'two words', c: '' });
  });
  it('reads inline JSON and YAML mappings with their types', () => {
    expect(parseExtraVars('{"n": 3, "l": [1, 2]}')).toEqual({ n: 3, l: [1, 2] });
  });
  it('reads @file (YAML or JSON) relative to the working directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-ev-'));
    writeFileSync(join(dir, 'v.yaml'), 'port: 8080\nname: web\n');
    expect(parseExtraVars('@v.yaml', dir)).toEqual({ port: 8080, name: 'web' });
    expect(() => parseExtraVars('@missing.yaml', dir)).toThrow(/cannot read extra vars file .*missing\.yaml/);
  });
  it('lets later -e values win', () => {
    expect(mergeExtraVars(['a=1 b=1', '{"b": 2}'])).toEqual({ a: '1', b: 2 });
  });
  it('rejects what is not a mapping', () => {
    expect(() => parseExtraVars('[1, 2]')).toThrow(/must be a mapping/);
    expect(() => parseExtraVars('novalue')).toThrow(/is not name=value/);
  });
});
