/**
 * The pure editing of lineinfile, blockinfile and replace (src/modules/util/text-edit.ts), against
 * Ansible's documented examples and the edge cases of its code; Python `re` semantics included.
 */
import { describe, expect, it } from 'vitest';
import { blockInFile, lineInFileAbsent, lineInFilePresent, pyExpand, pyRegex, pySubn, readLines, replaceInText, splitLinesKeepEnds, type BlockInFileOptions } from '../src/modules/util/text-edit.js';

describe('Python regular expressions', () => {
  const exec = (p: string, s: string, o = {}) => pyRegex(p, o).re.exec(s);

  it('$ matches at the end and before a final newline only (not MULTILINE)', () => {
    expect(exec('foo$', 'foo\n')?.[0]).toBe('foo');
    expect(exec('foo$', 'foo\nbar')).toBeNull();
    expect(exec('foo$', 'foo')?.[0]).toBe('foo');
  });

  it('MULTILINE ^ and $ work at every line, and only at \\n (not \\r)', () => {
    const re = pyRegex('^b$', { multiline: true, global: true }).re;
    expect('a\nb\nc'.match(re)).toEqual(['b']);
    expect(pyRegex('^a$', { multiline: true }).re.exec('a\r\nb')).toBeNull();
  });

  it('. does not match \\n but matches \\r; DOTALL matches both', () => {
    expect(exec('a.b', 'a\rb')?.[0]).toBe('a\rb');
    expect(exec('a.b', 'a\nb')).toBeNull();
    expect(exec('a.b', 'a\nb', { dotall: true })?.[0]).toBe('a\nb');
    expect(exec('(?s)a.b', 'a\nb')?.[0]).toBe('a\nb');
  });

  it('named groups (?P<name>) and (?P=name), \\A and \\Z, leading inline flags', () => {
    const m = exec('(?P<k>\\w+)=(?P=k)', 'x=y ab=ab');
    expect(m?.groups?.k).toBe('ab');
    expect(exec('\\Afoo', 'foo')).not.toBeNull();
    expect(exec('\\Afoo', 'xfoo')).toBeNull();
    expect(exec('foo\\Z', 'foo\n')).toBeNull();
    expect(exec('(?i)FOO', 'foo')).not.toBeNull();
    expect(exec('(?x) a  b # comment', 'ab')?.[0]).toBe('ab');
  });

  it('a ] first in a class is literal; bad patterns are clear errors', () => {
    expect(exec('[]a]+', 'x]a]')?.[0]).toBe(']a]');
    expect(() => pyRegex('(unclosed')).toThrow(/invalid regular expression/);
    expect(() => pyRegex('a(?i:b)')).toThrow(/inline flags/);
  });

  it('expands templates as match.expand: \\1, \\g<1>, \\g<name>, escapes, unmatched groups', () => {
    const m = exec('(?P<a>x)(y)?(z)', 'xz')!;
    expect(pyExpand('\\1-\\g<1>-\\g<a>-[\\2]-\\3', m)).toBe('x-x-x-[]-z');
    expect(pyExpand('a\\tb\\nc\\\\d\\.', m)).toBe('a\tb\nc\\d\\.');
    expect(() => pyExpand('\\4', m)).toThrow(/invalid group reference/);
    expect(() => pyExpand('\\g<nope>', m)).toThrow(/unknown group name/);
    expect(() => pyExpand('\\q', m)).toThrow(/bad escape/);
    // $ is not special in Python templates.
    expect(pyExpand('$1$&', m)).toBe('$1$&');
  });

  it('re.subn: counts, empty matches as Python 3.7+', () => {
    expect(pySubn(pyRegex('x*', { global: true }).re, '-', 'abxd')).toEqual(['-a-b--d-', 5]);
    expect(pySubn(pyRegex('(\\d+)', { global: true }).re, '<\\1>', 'a1b22')).toEqual(['a<1>b<22>', 2]);
  });
});

describe('line splitting', () => {
  it('readlines splits after \\n only; splitlines(True) also after \\r', () => {
    expect(readLines('')).toEqual([]);
    expect(readLines('a\nb')).toEqual(['a\n', 'b']);
    expect(readLines('a\r\nb\rc\n')).toEqual(['a\r\n', 'b\rc\n']);
    expect(splitLinesKeepEnds('a\r\nb\rc\nd')).toEqual(['a\r\n', 'b\r', 'c\n', 'd']);
  });
});

describe('lineinfile present', () => {
  const selinux = 'SELINUX=disabled\nSELINUXTYPE=targeted\n';

  it('replaces the matching line (documented: SELINUX=enforcing) and is idempotent', () => {
    const r = lineInFilePresent(selinux, { regexp: '^SELINUX=', line: 'SELINUX=enforcing' });
    expect(r).toMatchObject({ changed: true, msg: 'line replaced', text: 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' });
    expect(lineInFilePresent(r.text, { regexp: '^SELINUX=', line: 'SELINUX=enforcing' }).changed).toBe(false);
  });

  it('replaces the last match, or the first with firstmatch', () => {
    const t = 'a=1\na=2\nb\n';
    expect(lineInFilePresent(t, { regexp: '^a=', line: 'a=9' }).text).toBe('a=1\na=9\nb\n');
    expect(lineInFilePresent(t, { regexp: '^a=', line: 'a=9', firstmatch: true }).text).toBe('a=9\na=2\nb\n');
  });

  it('appends at EOF by default; adds the missing final newline first', () => {
    expect(lineInFilePresent('a\n', { line: 'b' }).text).toBe('a\nb\n');
    expect(lineInFilePresent('a', { line: 'b' }).text).toBe('a\nb\n');
    expect(lineInFilePresent('', { line: 'b' })).toMatchObject({ text: 'b\n', changed: true, msg: 'line added' });
    expect(lineInFilePresent('a\nb\n', { line: 'b' }).changed).toBe(false);
  });

  it('an exact line that is last without a newline gets its newline (changed)', () => {
    expect(lineInFilePresent('a\nb', { line: 'b' })).toMatchObject({ changed: true, text: 'a\nb\n', msg: 'line replaced' });
  });

  it('documented: insertafter ^#Listen when regexp ^Listen does not match', () => {
    const t = '#Listen 12.34.56.78:80\n#Listen 80\nServerName x\n';
    const r = lineInFilePresent(t, { regexp: '^Listen ', insertafter: '^#Listen ', line: 'Listen 8080' });
    expect(r.text).toBe('#Listen 12.34.56.78:80\n#Listen 80\nListen 8080\nServerName x\n');
    // Second run: the regexp matches now; the line is already right.
    expect(lineInFilePresent(r.text, { regexp: '^Listen ', insertafter: '^#Listen ', line: 'Listen 8080' }).changed).toBe(false);
    // insertafter is ignored when regexp matches: the matched line is replaced in place.
    expect(lineInFilePresent('Listen 80\n#Listen 1\n', { regexp: '^Listen ', insertafter: '^#Listen ', line: 'Listen 8080' }).text).toBe('Listen 8080\n#Listen 1\n');
  });

  it('insertafter / insertbefore with firstmatch use the first match; without it the last', () => {
    const t = '#x\na\n#x\nb\n';
    expect(lineInFilePresent(t, { insertafter: '^#x', line: 'N' }).text).toBe('#x\na\n#x\nN\nb\n');
    expect(lineInFilePresent(t, { insertafter: '^#x', line: 'N', firstmatch: true }).text).toBe('#x\nN\na\n#x\nb\n');
    expect(lineInFilePresent(t, { insertbefore: '^#x', line: 'N' }).text).toBe('#x\na\nN\n#x\nb\n');
    expect(lineInFilePresent(t, { insertbefore: '^#x', line: 'N', firstmatch: true }).text).toBe('N\n#x\na\n#x\nb\n');
  });

  it('documented: insertbefore ^www.*80/tcp for a comment line', () => {
    const t = 'ssh 22/tcp\nwww 80/tcp http\n';
    const o = { regexp: '^# port for http', insertbefore: '^www.*80/tcp', line: '# port for http by default' };
    const r = lineInFilePresent(t, o);
    expect(r.text).toBe('ssh 22/tcp\n# port for http by default\nwww 80/tcp http\n');
    expect(lineInFilePresent(r.text, o).changed).toBe(false);
  });

  it('insertafter/insertbefore not matching: the line goes at EOF', () => {
    expect(lineInFilePresent('a\n', { insertafter: '^nope', line: 'N' }).text).toBe('a\nN\n');
    expect(lineInFilePresent('a\n', { insertbefore: '^nope', line: 'N' }).text).toBe('a\nN\n');
  });

  it('BOF and EOF', () => {
    expect(lineInFilePresent('a\n', { insertbefore: 'BOF', line: 'N' }).text).toBe('N\na\n');
    expect(lineInFilePresent('a\n', { insertafter: 'BOF', line: 'N' }).text).toBe('N\na\n');
    expect(lineInFilePresent('a\n', { insertafter: 'EOF', line: 'N' }).text).toBe('a\nN\n');
    expect(lineInFilePresent('N\na\n', { insertbefore: 'BOF', line: 'N' }).changed).toBe(false);
  });

  it('insertafter the last line (no trailing newline) keeps lines apart', () => {
    expect(lineInFilePresent('a\nanchor', { insertafter: '^anchor', line: 'N' }).text).toBe('a\nanchor\nN\n');
  });

  it('does not insert when the line is already right after the anchor', () => {
    expect(lineInFilePresent('anchor\nN\n', { insertafter: '^anchor', line: 'N' }).changed).toBe(false);
  });

  it('documented: backrefs with groups (Xms)', () => {
    const t = 'JAVA_OPTS="-Xms256m -Xmx512m"\n';
    const o = { regexp: '^(.*)Xms(\\d+)m(.*)$', line: '\\1Xms1024m\\3', backrefs: true };
    const r = lineInFilePresent(t, o);
    expect(r.text).toBe('JAVA_OPTS="-Xms1024m -Xmx512m"\n');
    expect(lineInFilePresent(r.text, o).changed).toBe(false);
  });

  it('documented: backrefs with \\g<1> and named groups', () => {
    expect(lineInFilePresent('host=old\n', { regexp: '^(host=).*', line: '\\g<1>new', backrefs: true }).text).toBe('host=new\n');
    expect(lineInFilePresent('port = 80\n', { regexp: '^(?P<k>port)\\s*=.*', line: '\\g<k> = 8080', backrefs: true }).text).toBe('port = 8080\n');
  });

  it('backrefs with no match changes nothing (not even appending)', () => {
    expect(lineInFilePresent('a\n', { regexp: '^x(.*)', line: '\\1', backrefs: true })).toMatchObject({ changed: false, text: 'a\n' });
  });

  it('documented: search_string replaces the line containing the string', () => {
    const t = '<Location />\n<FilesMatch ".php[45]?$">\n</Location>\n';
    const o = { search_string: '<FilesMatch ".php[45]?$">', insertafter: '^\\t<Location \\/>\\n', line: '\t<FilesMatch ".php[345]?$">' };
    const r = lineInFilePresent(t, o);
    expect(r.text).toBe('<Location />\n\t<FilesMatch ".php[345]?$">\n</Location>\n');
    // Second run: search_string no longer matches, but the exact line does: no change.
    expect(lineInFilePresent(r.text, o)).toMatchObject({ changed: false });
  });

  it('keeps CRLF line ends of lines it does not touch', () => {
    expect(lineInFilePresent('a\r\nb\r\n', { regexp: '^a', line: 'A' }).text).toBe('A\nb\r\n');
    expect(lineInFilePresent('a\r\nb\r\n', { line: 'b' }).changed).toBe(true);
  });

  it('an empty regexp matches every line: the last is replaced', () => {
    expect(lineInFilePresent('a\nb\n', { regexp: '', line: 'X' }).text).toBe('a\nX\n');
  });
});

describe('lineinfile absent', () => {
  it('documented: removes every line matching ^%wheel', () => {
    const r = lineInFileAbsent('root ALL\n%wheel ALL\n%wheelx\nend', { regexp: '^%wheel' });
    expect(r).toMatchObject({ changed: true, found: 2, msg: '2 line(s) removed', text: 'root ALL\nend' });
  });

  it('by exact line (ignoring its line end) and by search_string', () => {
    expect(lineInFileAbsent('a\r\nb\na', { line: 'a' }).text).toBe('b\n');
    expect(lineInFileAbsent('xa.by\nab\n', { search_string: 'a.b' })).toMatchObject({ text: 'ab\n', found: 1 });
    expect(lineInFileAbsent('a\n', { line: 'z' })).toMatchObject({ changed: false, found: 0, msg: '' });
  });
});

describe('blockinfile', () => {
  const base: BlockInFileOptions = { block: '', marker: '# {mark} ANSIBLE MANAGED BLOCK', marker_begin: 'BEGIN', marker_end: 'END', state: 'present' };
  const B = '# BEGIN ANSIBLE MANAGED BLOCK\n';
  const E = '# END ANSIBLE MANAGED BLOCK\n';

  it('appends a block at EOF, then is idempotent', () => {
    const o = { ...base, block: 'Match User ansible-agent\nPasswordAuthentication no' };
    const r = blockInFile('Port 22\n', o);
    expect(r).toMatchObject({ changed: true, msg: 'Block inserted' });
    expect(r.text).toBe(`Port 22\n${B}Match User ansible-agent\nPasswordAuthentication no\n${E}`);
    expect(blockInFile(r.text, o)).toMatchObject({ changed: false, msg: '' });
  });

  it('creates a file (original undefined): "File created"', () => {
    expect(blockInFile(undefined, { ...base, block: 'x' })).toMatchObject({ changed: true, msg: 'File created', text: `${B}x\n${E}` });
  });

  it('replaces the block between markers in place, wherever it is', () => {
    const t = `a\n${B}old\n${E}b\n`;
    expect(blockInFile(t, { ...base, block: 'new\nlines\n', insertbefore: 'BOF' }).text).toBe(`a\n${B}new\nlines\n${E}b\n`);
  });

  it('markers in the wrong order: the span is replaced from the end marker', () => {
    const t = `a\n${E}x\n${B}b\n`;
    expect(blockInFile(t, { ...base, block: 'n' }).text).toBe(`a\n${B}n\n${E}b\n`);
  });

  it('removes the block with state=absent or an empty block', () => {
    const t = `a\n${B}old\n${E}b\n`;
    expect(blockInFile(t, { ...base, state: 'absent' })).toMatchObject({ changed: true, msg: 'Block removed', text: 'a\nb\n' });
    expect(blockInFile(t, { ...base, block: '' })).toMatchObject({ changed: true, msg: 'Block removed', text: 'a\nb\n' });
    expect(blockInFile('a\n', { ...base, state: 'absent' }).changed).toBe(false);
  });

  it('documented: custom marker with {mark} (HTML comments), insertafter <body>', () => {
    const o = { ...base, marker: '<!-- {mark} ANSIBLE MANAGED BLOCK -->', insertafter: '<body>', block: '<h1>Welcome to {{ ansible_hostname }}</h1>\n<p>Last updated on {{ ansible_date_time.iso8601 }}</p>\n' };
    const r = blockInFile('<html>\n<body>\n</body>\n</html>\n', o);
    expect(r.text).toBe(
      '<html>\n<body>\n<!-- BEGIN ANSIBLE MANAGED BLOCK -->\n<h1>Welcome to {{ ansible_hostname }}</h1>\n<p>Last updated on {{ ansible_date_time.iso8601 }}</p>\n<!-- END ANSIBLE MANAGED BLOCK -->\n</body>\n</html>\n',
    );
    expect(blockInFile(r.text, o).changed).toBe(false);
  });

  it('insertbefore BOF, insertbefore regexp (last match), insertafter regexp (last match), no match → EOF', () => {
    expect(blockInFile('a\n', { ...base, block: 'x', insertbefore: 'BOF' }).text).toBe(`${B}x\n${E}a\n`);
    expect(blockInFile('k\na\nk\nz\n', { ...base, block: 'x', insertbefore: '^k' }).text).toBe(`k\na\n${B}x\n${E}k\nz\n`);
    expect(blockInFile('k\na\nk\nz\n', { ...base, block: 'x', insertafter: '^k' }).text).toBe(`k\na\nk\n${B}x\n${E}z\n`);
    expect(blockInFile('a\n', { ...base, block: 'x', insertafter: '^nope' }).text).toBe(`a\n${B}x\n${E}`);
  });

  it('a (?m) insertafter is searched over the whole text', () => {
    expect(blockInFile('a\nb\nc\n', { ...base, block: 'x', insertafter: '(?m)^a\\nb$' }).text).toBe(`a\nb\n${B}x\n${E}c\n`);
  });

  it('adds the missing final newline before a block at EOF', () => {
    expect(blockInFile('a', { ...base, block: 'x' }).text).toBe(`a\n${B}x\n${E}`);
  });

  it('marker_begin / marker_end', () => {
    expect(blockInFile('', { ...base, block: 'x', marker: '## {mark}', marker_begin: 'start', marker_end: 'stop' }).text).toBe('## start\nx\n## stop\n');
  });

  it('prepend_newline / append_newline add blank lines once', () => {
    const o = { ...base, block: 'x', insertafter: '^a', prepend_newline: true, append_newline: true };
    const r = blockInFile('a\nb\n', o);
    expect(r.text).toBe(`a\n\n${B}x\n${E}\nb\n`);
    expect(blockInFile(r.text, o).changed).toBe(false);
    // Not at the start or end of the file.
    expect(blockInFile('', { ...o, insertafter: 'EOF' }).text).toBe(`${B}x\n${E}`);
  });
});

describe('replace', () => {
  it('documented: replaces old host name with new in /etc/hosts (word boundaries)', () => {
    const r = replaceInText('127.0.0.1 old.host.name old\n10.0.0.1 oldx\n', { regexp: '(\\s+)old\\.host\\.name(\\s+.*)?$', replace: '\\1new.host.name\\2' });
    expect(r).toMatchObject({ changed: true, count: 1, msg: '1 replacements made', text: '127.0.0.1 new.host.name old\n10.0.0.1 oldx\n' });
  });

  it('MULTILINE: ^ and $ at every line; idempotent when the result is equal', () => {
    const t = 'a=1\nb=2\na=3\n';
    const r = replaceInText(t, { regexp: '^a=(\\d)$', replace: 'a=\\g<1>0' });
    expect(r.text).toBe('a=10\nb=2\na=30\n');
    expect(r.count).toBe(2);
    expect(replaceInText(t, { regexp: '^b=2$', replace: 'b=2' })).toMatchObject({ changed: false, msg: '' });
  });

  it('documented: after/before limit the section (DOTALL, non-greedy between)', () => {
    const t = '<VirtualHost a>\nServerName x\n</VirtualHost>\n<VirtualHost b>\nServerName y\n</VirtualHost>\n';
    const r = replaceInText(t, { after: '<VirtualHost b>', before: '</VirtualHost>', regexp: '^ServerName .*$', replace: 'ServerName z' });
    expect(r.text).toBe('<VirtualHost a>\nServerName x\n</VirtualHost>\n<VirtualHost b>\nServerName z\n</VirtualHost>\n');
    const onlyAfter = replaceInText('x\nSTART\nx\n', { after: 'START', regexp: '^x$', replace: 'y' });
    expect(onlyAfter.text).toBe('x\nSTART\ny\n');
    const onlyBefore = replaceInText('x\nSTOP\nx\n', { before: 'STOP', regexp: '^x$', replace: 'y' });
    expect(onlyBefore.text).toBe('y\nSTOP\nx\n');
  });

  it('after/before not matching: no change, Ansible message', () => {
    expect(replaceInText('a\n', { after: 'nope', regexp: 'a', replace: 'b' })).toMatchObject({ changed: false, msg: 'Pattern for before/after params did not match the given file: nope(?P<subsection>.*)' });
  });

  it('documented: comment out lines (\\g<0>-like via groups) and remove with empty replace', () => {
    expect(replaceInText('Include a\nx\nInclude b\n', { regexp: '^(Include.*)', replace: '# \\1' }).text).toBe('# Include a\nx\n# Include b\n');
    expect(replaceInText('keep\ndrop me\n', { regexp: '^drop.*\\n', replace: '' }).text).toBe('keep\n');
  });

  it('empty file, no match', () => {
    expect(replaceInText('', { regexp: 'x', replace: 'y' })).toMatchObject({ changed: false, text: '' });
  });
});
