import { describe, expect, it } from 'vitest';
import { bannerLine, cleanValue, outputWidth, pyJson, stringc, textWidth } from '../src/output/ansible-format.js';
import { colorWanted } from '../src/output/color.js';

describe('colorWanted', () => {
  it('follows the terminal when no variable says otherwise', () => {
    expect(colorWanted({ isTTY: true }, {})).toBe(true);
    expect(colorWanted({ isTTY: false }, {})).toBe(false);
    expect(colorWanted({}, {})).toBe(false);
  });

  it('NO_COLOR turns colour off even on a terminal and over FORCE_COLOR', () => {
    expect(colorWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorWanted({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
  });

  it('FORCE_COLOR turns colour on off a terminal, except FORCE_COLOR=0', () => {
    expect(colorWanted({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorWanted({ isTTY: false }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorWanted({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(true);
  });
});

describe('stringc', () => {
  it('colours each line on its own, as Ansible\'s stringc', () => {
    expect(stringc('a\nb', 'red', true)).toBe('\u001b[0;31ma\u001b[0m\n\u001b[0;31mb\u001b[0m');
    expect(stringc('a\nb', 'red', false)).toBe('a\nb');
  });
});

describe('textWidth', () => {
  it('counts zero for combining marks, zero-width spaces and the emoji selector, only inside their ranges', () => {
    const w = (cp: number) => textWidth(String.fromCodePoint(cp));
    expect([0x2ff, 0x300, 0x36f, 0x370].map(w)).toEqual([1, 0, 0, 1]);
    expect([0x200a, 0x200b, 0x200f, 0x2010].map(w)).toEqual([1, 0, 0, 1]);
    expect([0xfe0e, 0xfe0f].map(w)).toEqual([1, 0]);
    expect(textWidth('e\u0301')).toBe(1);
  });

  it('counts two for wide characters from the first to the last code point of each range, one just outside', () => {
    const ranges: [number, number][] = [
      [0x1100, 0x115f],
      [0x2e80, 0xa4cf],
      [0xac00, 0xd7a3],
      [0xf900, 0xfaff],
      [0xfe30, 0xfe4f],
      [0xff00, 0xff60],
      [0xffe0, 0xffe6],
      [0x1f300, 0x1f64f],
      [0x1f900, 0x1f9ff],
      [0x20000, 0x3fffd],
    ];
    for (const [first, last] of ranges) {
      const w = (cp: number) => textWidth(String.fromCodePoint(cp));
      expect([w(first - 1), w(first), w(last), w(last + 1)], `${first.toString(16)}-${last.toString(16)}`).toEqual([1, 2, 2, 1]);
    }
    expect(textWidth('日本 ok')).toBe(7);
  });
});

describe('outputWidth', () => {
  it('takes a positive COLUMNS, else 80', () => {
    expect(outputWidth({ COLUMNS: '120' })).toBe(120);
    expect(outputWidth({})).toBe(80);
    expect(outputWidth({ COLUMNS: '' })).toBe(80);
    expect(outputWidth({ COLUMNS: 'wide' })).toBe(80);
    expect(outputWidth({ COLUMNS: '0' })).toBe(80);
    expect(outputWidth({ COLUMNS: '-5' })).toBe(80);
  });
});

describe('bannerLine', () => {
  it('strips the message before filling with stars, as Display.banner', () => {
    expect(bannerLine('  TASK [x]  ')).toBe('TASK [x] ' + '*'.repeat(79 - 8));
  });

  it('counts wide characters twice and keeps at least three stars', () => {
    expect(bannerLine('TASK [日本]')).toBe('TASK [日本] ' + '*'.repeat(79 - 11));
    expect(bannerLine('x'.repeat(100))).toBe('x'.repeat(100) + ' ***');
  });
});

describe('cleanValue', () => {
  it('turns undefined and functions inside lists into null, as JSON does', () => {
    expect(cleanValue([1, undefined, () => 1, 'a'])).toEqual([1, null, null, 'a']);
  });

  it('drops undefined, function and symbol values and internal keys from objects', () => {
    const out = cleanValue({ a: 1, u: undefined, f: () => 1, s: Symbol('s'), _ansible_no_log: false, _fleet_x: 1, b: null });
    expect(out).toEqual({ a: 1, b: null });
    expect(Object.keys(out as object)).toEqual(['a', 'b']);
  });
});

describe('pyJson', () => {
  it('prints null, non-finite numbers and empty containers as Python\'s json.dumps', () => {
    expect(pyJson(null)).toBe('null');
    expect(pyJson({ a: null, n: Number.NaN, p: Number.POSITIVE_INFINITY, m: Number.NEGATIVE_INFINITY })).toBe(
      '{"a": null, "m": -Infinity, "n": NaN, "p": Infinity}',
    );
    expect(pyJson({ a: [], b: {} }, 4)).toBe('{\n    "a": [],\n    "b": {}\n}');
  });

  it('prints null for a bare value JSON cannot hold', () => {
    expect(pyJson(() => 1)).toBe('null');
    expect(pyJson({ big: 12n })).toBe('{"big": "12"}');
  });
});
