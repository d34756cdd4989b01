/**
 * Hostile module parameters on a real lab node: values that once ran shell code, passed for an
 * option or wrote another account's line now arrive as one literal argument or are refused, in
 * check mode and in a real run; a canary file each would have created stays absent. get_url's
 * request headers never appear on the downloader's command line (a logging wrapper records it).
 */
import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { labExec } from '../src/lab/index.js';
import { downloadScript, headerFileText, headerLines, type Downloader } from '../src/modules/get_url.js';
import { useLab } from './helpers/lab.js';
import { play, playbookWriter, resultOf, type PlayRun } from './helpers/play.js';

const playbook = playbookWriter('fleet-inject-');
const CANARIES = ['pip-extra', 'pip-venv', 'pip-name', 'git', 'git-update'].map((c) => `/tmp/fleet-canary-${c}`);
const SHADOW_MSG = "password contains a newline, NUL or ':', which would split its line in /etc/shadow (and could write another account's entry): give a crypt hash such as the one password_hash produces";

describe('hostile module parameters on a lab node', () => {
  const lab = useLab(1, 't-inject');
  const sh = async (cmd: string, input?: string) => {
    const r = await labExec(lab().nodes[0]!, ['sh', '-c', cmd], input !== undefined ? { input } : {});
    if (r.rc !== 0) throw new Error(`${cmd}: ${r.stderr}`);
    return r.stdout;
  };
  const present = async (paths: string[]) => (await sh(`for p in ${paths.join(' ')}; do [ -e "$p" ] && echo "$p"; done; exit 0`)).trim();
  const failedWith = (run: PlayRun, task: string) => {
    const r = resultOf(run, task, 'node1');
    expect(r.status, `${task}: ${String(r.msg)}`).toBe('failed');
    return String(r.msg);
  };

  it('pip, git, user and group: canaries stay absent, an account line cannot be injected', async () => {
    await sh(`rm -rf /tmp/fleet-canary-* /tmp/inj-* && python3 -m venv /tmp/inj-venv
      git init -q /tmp/inj-repo && git -C /tmp/inj-repo -c user.email=t@x -c user.name=t commit -q --allow-empty -m one
      git clone -q /tmp/inj-repo /tmp/inj-clone
      userdel -r fleetinjvictim 2>/dev/null; userdel -r fleetinjuser 2>/dev/null
      useradd fleetinjvictim && usermod -p '$6$orig$orighash' fleetinjvictim`);
    const victim = async () => (await sh('getent shadow fleetinjvictim | cut -d: -f2')).trim();
    expect(await victim()).toBe('$6$orig$orighash');
    const file = playbook(
      'hostile.yaml',
      `- hosts: node1
  gather_facts: false
  tasks:
    - name: pip extra_args
      pip: {name: fleetinjnothing, virtualenv: /tmp/inj-venv, state: latest, extra_args: "--no-index; touch /tmp/fleet-canary-pip-extra"}
      ignore_errors: true
    - name: pip virtualenv_command
      pip: {name: fleetinjnothing, virtualenv: /tmp/inj-v2, virtualenv_command: "python3 -m venv;touch /tmp/fleet-canary-pip-venv;:"}
      ignore_errors: true
    - name: pip name as an option
      pip: {name: "--log=/tmp/fleet-canary-pip-name", virtualenv: /tmp/inj-venv, extra_args: --no-index}
      ignore_errors: true
    - name: pip unbalanced quote
      pip: {name: fleetinjnothing, virtualenv: /tmp/inj-venv, extra_args: "--no-index '--log=/tmp/x"}
      ignore_errors: true
    - name: git clone repo as an option
      git: {repo: "--upload-pack=touch /tmp/fleet-canary-git;:", dest: /tmp/inj-git}
      ignore_errors: true
    - name: git update repo as an option
      git: {repo: "--upload-pack=touch /tmp/fleet-canary-git-update;:", dest: /tmp/inj-clone}
      ignore_errors: true
    - name: user password with another account's line
      user: {name: fleetinjuser, password: "$6$s$h\\nfleetinjvictim:$6$x$y"}
      ignore_errors: true
    - name: user name as an option
      user: {name: "-oevil", state: absent}
      ignore_errors: true
    - name: group name as an option
      group: {name: "-fevil"}
      ignore_errors: true
`,
    );
    for (const checkMode of [true, false]) {
      const run = await play(file, lab().inventoryPath, { checkMode });
      const mode = checkMode ? 'check' : 'real';
      expect(await present(CANARIES), mode).toBe('');
      expect(await present(['/tmp/inj-v2', "'/tmp/fleet-canary-pip-venv;:'"]), mode).toBe('');
      expect(await victim(), mode).toBe('$6$orig$orighash');
      expect((await sh('getent passwd fleetinjuser; exit 0')).trim(), mode).toBe('');
      expect(failedWith(run, 'pip unbalanced quote')).toBe(`extra_args: cannot split "--no-index '--log=/tmp/x" into words: No closing quotation (balance the quotes)`);
      expect(failedWith(run, 'git clone repo as an option')).toContain("cannot read --upload-pack=touch /tmp/fleet-canary-git;:");
      expect(failedWith(run, 'git update repo as an option')).toContain('cannot read --upload-pack=touch /tmp/fleet-canary-git-update;:');
      const userMsg = failedWith(run, "user password with another account's line");
      expect(userMsg).toBe(SHADOW_MSG);
      expect(JSON.stringify(run.events)).not.toContain('$6$s$h');
      expect(failedWith(run, 'user name as an option')).toContain('the user name "-oevil" starts with "-"');
      expect(failedWith(run, 'group name as an option')).toContain('the group name "-fevil" starts with "-"');
      if (checkMode) {
        // Check mode runs only the probes: the pip steps are predicted, with their quoted words.
        expect(resultOf(run, 'pip extra_args', 'node1').would_run).toEqual([":\n/tmp/inj-venv/bin/pip install -U '--no-index;' touch /tmp/fleet-canary-pip-extra -- fleetinjnothing"]);
      } else {
        // The real run hands pip and python3 the hostile words literally, and they refuse them.
        expect(failedWith(run, 'pip extra_args')).toMatch(/no such option: --no-index;/);
        expect(failedWith(run, 'pip virtualenv_command')).toMatch(/No module named venv;touch/);
        expect(failedWith(run, 'pip name as an option')).toMatch(/Invalid requirement: '--log=\/tmp\/fleet-canary-pip-name'/);
      }
    }
    await sh('userdel -r fleetinjvictim; exit 0');
  });

  describe('get_url headers', () => {
    let server: Server | undefined;
    let base = '';
    const token = `t0ken-${process.pid}-${Date.now()}`;
    afterAll(async () => {
      if (server) await new Promise((r) => server!.close(r));
    });

    async function startServer(): Promise<void> {
      const host = lab().nodes[0]!.address.replace(/\.\d+$/, '.1');
      server = createServer((req, res) => {
        const ok = req.headers['x-token'] === token && req.headers['x-two'] === 'a b: c';
        res.writeHead(ok ? 200 : 403);
        res.end(ok ? 'ok\n' : 'no\n');
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(0, host, () => resolve());
      });
      const addr = server.address();
      base = `http://${host}:${typeof addr === 'object' && addr ? addr.port : 0}`;
    }

    /** Wrappers earlier on PATH record each downloader's command line (and the header file's mode), then run the real one. */
    async function installWrappers(): Promise<void> {
      await sh('rm -rf /tmp/inj-gu /tmp/fleet-argv && mkdir -p /tmp/inj-gu');
      for (const t of ['curl', 'wget']) {
        const wrapper = `#!/bin/sh
printf '%s\\n' "$*" >> /tmp/fleet-argv
for a; do case "$a" in @*) stat -c %a "\${a#@}" >> /tmp/fleet-argv;; --config=*) stat -c %a "\${a#--config=}" >> /tmp/fleet-argv;; esac; done
exec /usr/bin/${t} "$@"
`;
        await sh(`cat > /usr/local/bin/${t} && chmod 755 /usr/local/bin/${t}`, wrapper);
      }
    }

    it('headers reach the server through a 0600 file that is removed; the command line never holds them', async () => {
      await startServer();
      await installWrappers();
      const file = playbook(
        'get_url.yaml',
        `- hosts: node1
  gather_facts: false
  tasks:
    - name: with headers
      get_url: {url: '${base}/f', dest: /tmp/inj-gu/f.txt, headers: {X-Token: '${token}', X-Two: 'a b: c'}}
    - name: header that adds a header
      get_url: {url: '${base}/f', dest: /tmp/inj-gu/g.txt, headers: {X-Token: "a\\r\\nX-Admin: 1"}}
      ignore_errors: true
`,
      );
      const check = await play(file, lab().inventoryPath, { checkMode: true });
      expect(check.statuses.get('with headers|node1')).toBe('changed');
      expect(failedWith(check, 'header that adds a header')).toBe('get_url: the value of header X-Token contains a line break or NUL, which would add another header: give a one-line value');
      const run = await play(file, lab().inventoryPath);
      expect(run.statuses.get('with headers|node1')).toBe('changed');
      expect(failedWith(run, 'header that adds a header')).toContain('contains a line break or NUL');
      expect(await sh('cat /tmp/inj-gu/f.txt; ls /tmp/inj-gu; ls /tmp | grep -c fleet-headers; exit 0')).toBe('ok\nf.txt\n0\n');
      const argv = await sh('cat /tmp/fleet-argv');
      expect(argv).toMatch(/^-fsSL --max-time 10 -H @\/tmp\/fleet-headers\.\w{8} -o \/tmp\/inj-gu\/\.f\.txt\.fleet-dl-\w{8} -- http:\/\/\S+\/f\n600\n$/);
      expect(argv).not.toContain(token);
    });

    it('curl, wget and python3 each send the headers from the file', async () => {
      if (!server) await startServer();
      await installWrappers();
      const lines = headerLines({ 'X-Token': token, 'X-Two': 'a b: c' });
      for (const tool of ['curl', 'wget', 'python3'] as Downloader[]) {
        await sh(`rm -f /tmp/fleet-argv /tmp/inj-gu/${tool}.txt; mkdir -p /tmp/inj-gu`);
        const script = downloadScript({ kind: 'download', url: `${base}/f`, dest: `/tmp/inj-gu/${tool}.txt`, tool, backup: false }, { timeout: 10, validate_certs: true }, true);
        expect(script).not.toContain(token);
        await sh(script, headerFileText(tool, lines));
        expect(await sh(`cat /tmp/inj-gu/${tool}.txt; ls /tmp | grep -c fleet-headers; exit 0`), tool).toBe('ok\n0\n');
        if (tool !== 'python3') expect(await sh('cat /tmp/fleet-argv'), tool).toMatch(/\n600\n$/);
      }
    });
  });
});
