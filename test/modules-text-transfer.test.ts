/**
 * fetch and get_url on real lab nodes through playbooks. get_url downloads ON the node from an HTTP
 * server this test runs on the lab bridge's host address (x.x.x.1), never anywhere else.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labExec } from '../src/lab/index.js';
import { fetchDest, planFetch } from '../src/modules/fetch.js';
import { downloadCommand, downloadScript, headerFileText, headerLines, parseChecksum, urlFilename, type DownloadAction } from '../src/modules/get_url.js';
import { useLab } from './helpers/lab.js';
import { play, type PlayRun } from './helpers/play.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-modtransfer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function playbook(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
const statusesOf = (r: PlayRun) => [...r.statuses.entries()].sort();
const resultOf = (r: PlayRun, task: string, host = 'node1') => {
  const e = r.events.find((x) => x.type === 'host_result' && x.task.name === task && x.host === host);
  return e && e.type === 'host_result' ? e : undefined;
};
const sha = (algo: string, s: string) => createHash(algo).update(s).digest('hex');

describe('fetch and get_url plans', () => {
  it('fetch dest: dest/host/src, flat, flat with a trailing slash, relative to the playbook dir', () => {
    expect(fetchDest({ src: '/etc/profile', dest: '/backup', flat: false }, 'web1', '/pb')).toBe('/backup/web1/etc/profile');
    expect(fetchDest({ src: '/etc/profile', dest: 'out', flat: false }, 'web1', '/pb')).toBe('/pb/out/web1/etc/profile');
    expect(fetchDest({ src: '/etc/profile', dest: '/b/p.txt', flat: true }, 'web1', '/pb')).toBe('/b/p.txt');
    expect(fetchDest({ src: '/etc/profile', dest: '/b/', flat: true }, 'web1', '/pb')).toBe('/b/profile');
  });

  it('fetch: missing file fails, or is ignored with fail_on_missing: false; same checksum is ok', () => {
    const p = { src: '/x', dest: '/d', flat: false, fail_on_missing: true, validate_checksum: true };
    expect(() => planFetch(p, { dest: '/d/h/x', remote: '/x', kind: 'missing' })).toThrow('the remote file does not exist, not transferring, ignored');
    expect(planFetch({ ...p, fail_on_missing: false }, { dest: '/d/h/x', remote: '/x', kind: 'missing' })).toMatchObject({ actions: [], result: { changed: false } });
    expect(() => planFetch(p, { dest: '/d/h/x', remote: '/x', kind: 'directory' })).toThrow(/directory/);
    expect(planFetch(p, { dest: '/d/h/x', remote: '/x', kind: 'file', remoteChecksum: 'a', localChecksum: 'a' }).actions).toEqual([]);
    expect(planFetch(p, { dest: '/d/h/x', remote: '/x', kind: 'file', remoteChecksum: 'a', localChecksum: 'b' }).actions).toHaveLength(1);
  });

  it('get_url: checksum format, URL file names', () => {
    expect(parseChecksum('SHA256:ABCD')).toEqual(['sha256', 'abcd']);
    expect(() => parseChecksum('abcd')).toThrow(/<algorithm>:<checksum>/);
    expect(() => parseChecksum('crc32:abcd')).toThrow(/unsupported checksum algorithm/);
    expect(urlFilename('http://h/a/b/file.tar.gz?x=1')).toBe('file.tar.gz');
    expect(urlFilename('http://h/')).toBe('index.html');
  });

  it('get_url: headers go to a 0600 file from stdin, never on the command line; a line break in one is refused', () => {
    const lines = headerLines({ Authorization: 'Bearer t0ken', 'X-N': 5 });
    expect(lines).toEqual(['Authorization: Bearer t0ken', 'X-N: 5']);
    expect(headerFileText('curl', lines)).toBe('Authorization: Bearer t0ken\nX-N: 5\n');
    expect(headerFileText('python3', lines)).toBe('Authorization: Bearer t0ken\nX-N: 5\n');
    expect(headerFileText('wget', lines)).toBe('header = Authorization: Bearer t0ken\nheader = X-N: 5\n');
    const p = { timeout: 10, validate_certs: true };
    expect(downloadCommand('curl', 'http://h/f', p, true)).toBe(`curl -fsSL --max-time 10 -H @"$h" -o "$t" -- http://h/f`);
    expect(downloadCommand('curl', 'http://h/f', p, false)).toBe(`curl -fsSL --max-time 10 -o "$t" -- http://h/f`);
    expect(downloadCommand('wget', 'http://h/f', { ...p, validate_certs: false }, true)).toBe(`wget -q -T 10 --no-check-certificate --config="$h" -O "$t" -- http://h/f`);
    expect(downloadCommand('python3', 'http://h/f', p, true)).toMatch(/^python3 -c '.*' http:\/\/h\/f "\$t" 10 1 "\$h"$/s);
    const a: DownloadAction = { kind: 'download', url: 'http://h/f', dest: '/d/f', tool: 'curl', backup: false };
    const script = downloadScript(a, p, true);
    expect(script.split('\n').slice(2, 6)).toEqual([
      `h=$(mktemp "\${TMPDIR:-/tmp}/fleet-headers.XXXXXXXX") || { n fail "cannot create a temporary file for the request headers"; exit 1; }`,
      `trap 'rm -f -- "$h"' EXIT; cat > "$h" || { n fail "cannot write the request headers"; exit 1; }`,
      `t=$(mktemp "$(dirname -- "$f")/.$(basename -- "$f").fleet-dl-XXXXXXXX") || { n fail "cannot create a temporary file beside $f"; exit 1; }`,
      `trap 'rm -f -- "$t" "$h"' EXIT`,
    ]);
    expect(downloadScript(a, p)).not.toContain('$h');
    expect(() => headerLines({ 'X-Token': 'a\r\nX-Admin: 1' })).toThrow('get_url: the value of header X-Token contains a line break or NUL, which would add another header: give a one-line value');
    expect(() => headerLines({ 'X Token': 'a' })).toThrow('get_url: the header name "X Token" is not a valid HTTP header name');
    expect(() => headerLines({ 'X:Y': 'a' })).toThrow('is not a valid HTTP header name');
  });
});

describe('fetch and get_url on the lab', () => {
  const lab = useLab(2, 't-modtransfer');
  const sh = async (cmd: string, index = 0) => {
    const r = await labExec(lab().nodes[index]!, ['sh', '-c', cmd]);
    expect(r.rc, r.stderr).toBe(0);
    return r.stdout;
  };

  it('fetch: first run copies each host file to dest/<host>/src, second is ok, check mode predicts', async () => {
    await Promise.all(lab().nodes.map((n, i) => sh(`mkdir -p /tmp/ft && printf 'from ${n.name}\\n' > /tmp/ft/data.txt`, i)));
    const out = join(dir, 'fetched');
    const file = playbook(
      'fetch.yml',
      `
- hosts: all
  gather_facts: false
  tasks:
    - name: fetch
      fetch: {src: /tmp/ft/data.txt, dest: ${out}}
    - name: fetch flat
      fetch: {src: /tmp/ft/data.txt, dest: '${out}/flat-{{ inventory_hostname }}.txt', flat: true}
    - name: fetch missing
      fetch: {src: /tmp/ft/nope, dest: ${out}, fail_on_missing: false}
`,
    );
    const check = await play(file, lab().inventoryPath, { checkMode: true });
    expect(existsSync(out)).toBe(false);
    const first = await play(file, lab().inventoryPath);
    expect(statusesOf(check)).toEqual(statusesOf(first));
    expect(first.statuses.get('fetch|node1')).toBe('changed');
    expect(first.statuses.get('fetch missing|node1')).toBe('ok');
    expect(readFileSync(join(out, 'node1/tmp/ft/data.txt'), 'utf8')).toBe('from node1\n');
    expect(readFileSync(join(out, 'node2/tmp/ft/data.txt'), 'utf8')).toBe('from node2\n');
    expect(readFileSync(join(out, 'flat-node2.txt'), 'utf8')).toBe('from node2\n');
    expect(resultOf(first, 'fetch')?.result).toMatchObject({ checksum: sha('sha1', 'from node1\n'), dest: join(out, 'node1/tmp/ft/data.txt') });
    const second = await play(file, lab().inventoryPath);
    expect([...second.statuses.values()].every((s) => s === 'ok')).toBe(true);
    // A change on the host is fetched again.
    await sh(`printf 'changed\\n' > /tmp/ft/data.txt`, 1);
    const third = await play(file, lab().inventoryPath);
    expect(third.statuses.get('fetch|node2')).toBe('changed');
    expect(third.statuses.get('fetch|node1')).toBe('ok');
    expect(readFileSync(join(out, 'node2/tmp/ft/data.txt'), 'utf8')).toBe('changed\n');
  });

  describe('get_url', () => {
    let server: Server | undefined;
    let base = '';
    const body = 'payload of fleet get_url\n';
    afterAll(async () => {
      if (server) await new Promise((r) => server!.close(r));
    });

    async function startServer(): Promise<void> {
      if (server) return;
      // The host's address on the lab bridge: the nodes' /24 with .1.
      const host = lab().nodes[0]!.address.replace(/\.\d+$/, '.1');
      server = createServer((req, res) => {
        if (req.url === '/file.txt') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(body);
        } else if (req.url === '/needs-header') {
          res.writeHead(req.headers['x-token'] === 'secret' ? 200 : 403);
          res.end(req.headers['x-token'] === 'secret' ? 'ok\n' : 'no\n');
        } else {
          res.writeHead(404);
          res.end('not found\n');
        }
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(0, host, () => resolve());
      });
      const addr = server.address();
      base = `http://${host}:${typeof addr === 'object' && addr ? addr.port : 0}`;
    }

    it('downloads on the node, is idempotent, check mode predicts, checksum and headers work', async () => {
      await startServer();
      await Promise.all(lab().nodes.map((_, i) => sh('rm -rf /tmp/gu && mkdir -p /tmp/gu/dir', i)));
      const file = playbook(
        'get_url.yml',
        `
- hosts: all
  gather_facts: false
  tasks:
    - name: download
      get_url: {url: '${base}/file.txt', dest: /tmp/gu/file.txt, mode: '0640'}
    - name: into a directory
      get_url: {url: '${base}/file.txt', dest: /tmp/gu/dir/}
    - name: with checksum
      get_url: {url: '${base}/file.txt', dest: /tmp/gu/sum.txt, checksum: 'sha256:${sha('sha256', body)}'}
    - name: with header
      get_url: {url: '${base}/needs-header', dest: /tmp/gu/h.txt, headers: {X-Token: secret}}
`,
      );
      const check = await play(file, lab().inventoryPath, { checkMode: true });
      expect((await sh('ls -A /tmp/gu /tmp/gu/dir')).trim()).toBe('/tmp/gu:\ndir\n\n/tmp/gu/dir:');
      const first = await play(file, lab().inventoryPath);
      expect(statusesOf(check)).toEqual(statusesOf(first));
      for (const t of ['download', 'into a directory', 'with checksum', 'with header']) expect(first.statuses.get(`${t}|node2`), t).toBe('changed');
      expect(await sh('cat /tmp/gu/file.txt /tmp/gu/dir/file.txt /tmp/gu/sum.txt /tmp/gu/h.txt; stat -c %a /tmp/gu/file.txt; ls -A /tmp/gu | grep -c fleet || true')).toBe(`${body}${body}${body}ok\n640\n0\n`);
      expect(resultOf(first, 'download')?.result).toMatchObject({ dest: '/tmp/gu/file.txt', size: body.length, checksum_src: sha('sha1', body) });
      const second = await play(file, lab().inventoryPath);
      expect([...second.statuses.values()].every((s) => s === 'ok')).toBe(true);
    });

    it('force re-downloads but is ok when the content is the same; a wrong checksum or a 404 fails and leaves nothing', async () => {
      await startServer();
      await sh(`rm -rf /tmp/gu2 && mkdir -p /tmp/gu2 && printf '${body.trim()}\\n' > /tmp/gu2/same.txt && printf 'stale\\n' > /tmp/gu2/stale.txt`);
      const file = playbook(
        'get_url2.yml',
        `
- hosts: node1
  gather_facts: false
  tasks:
    - name: force same
      get_url: {url: '${base}/file.txt', dest: /tmp/gu2/same.txt, force: true}
    - name: checksum fixes a stale file
      get_url: {url: '${base}/file.txt', dest: /tmp/gu2/stale.txt, checksum: 'sha1:${sha('sha1', body)}'}
    - name: wrong checksum
      get_url: {url: '${base}/file.txt', dest: /tmp/gu2/bad.txt, checksum: 'md5:${'0'.repeat(32)}'}
      ignore_errors: true
    - name: not found
      get_url: {url: '${base}/missing', dest: /tmp/gu2/missing.txt}
      ignore_errors: true
`,
      );
      const run = await play(file, lab().inventoryPath);
      expect(run.statuses.get('force same|node1')).toBe('ok');
      expect(run.statuses.get('checksum fixes a stale file|node1')).toBe('changed');
      expect(run.statuses.get('wrong checksum|node1')).toBe('failed');
      expect(resultOf(run, 'wrong checksum')?.result.msg).toMatch(/The checksum for \/tmp\/gu2\/bad.txt did not match 0{32}; it was [0-9a-f]{32}\./);
      expect(run.statuses.get('not found|node1')).toBe('failed');
      expect(resultOf(run, 'not found')?.result.msg).toMatch(/^Request failed/);
      expect(await sh('cat /tmp/gu2/stale.txt; ls -A /tmp/gu2')).toBe(`${body}same.txt\nstale.txt\n`);
    });
  });
});
