import { describe, expect, it } from 'vitest';
import { shJoin, shlexSplit, shQuote } from '../src/util/shlex.js';
import { closest } from '../src/util/closest.js';

describe('shlexSplit', () => {
  it('splits on whitespace and honours both quotes and backslashes as Python shlex does', () => {
    expect(shlexSplit(`echo  "a  b" 'c d' e\\ f`)).toEqual(['echo', 'a  b', 'c d', 'e f']);
    expect(shlexSplit(`a"b c"d`)).toEqual(['ab cd']);
    expect(shlexSplit(`"x \\" y" '\\n' "\\$a"`)).toEqual(['x " y', '\\n', '\\$a']);
    expect(shlexSplit('a #b c', { comments: true })).toEqual(['a']);
    expect(shlexSplit('a#b c', { comments: true })).toEqual(['a']);
    expect(shlexSplit('a #b')).toEqual(['a', '#b']);
    expect(shlexSplit('')).toEqual([]);
    expect(shlexSplit(`''`)).toEqual(['']);
  });
  it('rejects an unclosed quote', () => {
    expect(() => shlexSplit(`echo "oops`)).toThrow(/No closing quotation/);
  });
});

describe('shQuote', () => {
  it('leaves plain words alone and quotes everything a shell would touch', () => {
    expect(shQuote('abc/-_.')).toBe('abc/-_.');
    expect(shQuote('$HOME')).toBe(`'$HOME'`);
    expect(shQuote(`it's`)).toBe(`'it'\\''s'`);
    expect(shQuote('')).toBe(`''`);
    expect(shJoin(['echo', 'a b', '*'])).toBe(`echo 'a b' '*'`);
  });
});

describe('closest', () => {
  it('suggests near names only', () => {
    expect(closest('comand', ['command', 'shell', 'raw'])).toBe('command');
    expect(closest('zzzzzz', ['command', 'shell'])).toBeUndefined();
  });
});
