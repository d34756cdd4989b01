/**
 * The log-analysis handler, as pure units: parsing of each format, template mining, signatures,
 * bursts, severity, the shared "seen templates" memory (a Set here, Redis in production) and input
 * validation.
 */
import { describe, expect, it } from 'vitest';
import {
  BURST_MIN_ERRORS,
  LOG_MAX_BYTES,
  LOG_MAX_LINE_BYTES,
  LOG_MAX_LINES,
  TEMPLATE_NAMESPACE,
  TemplateMiner,
  findErrorBursts,
  findSignatures,
  logAnalysis,
  maskVariables,
  parseLines,
  severityOf,
  templateId,
  type LogAnalysisInput,
  type LogAnalysisOutput,
  type LogRecord,
} from '../src/pipeline/handlers/log-analysis/index.js';
import { PLANTS, syntheticLog } from '../src/pipeline/loadgen/synthetic-logs.js';
import { HandlerInputError, type HandlerContext, type SeenStore } from '../src/pipeline/handlers/types.js';
import { memorySeenStore } from '../src/pipeline/seen-store.js';

const setStore = memorySeenStore;

function context(seen: SeenStore = setStore()): HandlerContext {
  return { seen, signal: new AbortController().signal, modelDir: '/nonexistent' };
}

async function analyse(input: unknown, seen: SeenStore = setStore()): Promise<LogAnalysisOutput> {
  return logAnalysis.run(logAnalysis.validate(input), context(seen));
}

const kinds = (o: LogAnalysisOutput) => o.anomalies.map((a) => a.kind);
const anomaly = (o: LogAnalysisOutput, kind: string) => o.anomalies.find((a) => a.kind === kind);
/** Only what a record carries (fields the line lacked are undefined). */
const carried = (r: LogRecord) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));

function inputError(input: unknown): HandlerInputError {
  try {
    logAnalysis.validate(input);
  } catch (e) {
    if (e instanceof HandlerInputError) return e;
    throw e;
  }
  throw new Error(`validate accepted ${JSON.stringify(input).slice(0, 200)}`);
}

describe('parsing', () => {
  it('reads RFC 3164 syslog: priority as level, host, program, pid, the kernel uptime stamp dropped', () => {
    const [a, b, c] = parseLines([
      '<27>Dec  2 08:00:01 web1 nginx[812]: connect() failed (111: Connection refused) while connecting to upstream',
      'Dec  2 08:00:02 node3 kernel: [ 4242.512345] eth0: Link is Down',
      'Dec 12 23:59:59 node3 CRON[2211]: pam_unix(cron:session): session closed for user root',
    ]);
    expect(carried(a!)).toEqual({
      timestamp: Date.UTC(2000, 11, 2, 8, 0, 1),
      host: 'web1',
      program: 'nginx',
      pid: 812,
      level: 'error',
      message: 'connect() failed (111: Connection refused) while connecting to upstream',
      text: '<27>Dec  2 08:00:01 web1 nginx[812]: connect() failed (111: Connection refused) while connecting to upstream',
    });
    expect(carried(b!)).toMatchObject({ host: 'node3', program: 'kernel', message: 'eth0: Link is Down' });
    expect(b!.level).toBeUndefined();
    expect(c!.timestamp).toBe(Date.UTC(2000, 11, 12, 23, 59, 59));
  });

  it('moves RFC 3164 dates on a year when they go back over the new year', () => {
    const [a, b] = parseLines(['Dec 31 23:59:50 h app: before', 'Jan  1 00:00:10 h app: after'], 'syslog');
    expect(b!.timestamp! - a!.timestamp!).toBe(20_000);
  });

  it('reads short-iso syslog and RFC 5424 with their zones', () => {
    const [a, b, c] = parseLines([
      '2026-12-02T08:00:01+0100 web1 sshd[901]: Failed password for root from 203.0.113.7 port 52144 ssh2',
      '2026-12-02T08:00:01.250000-05:00 web1 systemd[1]: Started nginx.service - A high performance web server.',
      '<165>1 2026-12-02T08:00:01.003Z mymachine.example.com evntslog 4242 ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event log entry',
    ]);
    expect(carried(a!)).toMatchObject({ timestamp: Date.UTC(2026, 11, 2, 7, 0, 1), host: 'web1', program: 'sshd', pid: 901, message: 'Failed password for root from 203.0.113.7 port 52144 ssh2' });
    expect(b!.timestamp).toBe(Date.UTC(2026, 11, 2, 13, 0, 1, 250));
    expect(carried(c!)).toMatchObject({ timestamp: Date.UTC(2026, 11, 2, 8, 0, 1, 3), host: 'mymachine.example.com', program: 'evntslog', pid: 4242, level: 'notice', message: 'An application event log entry' });
  });

  it('reads `journalctl -o export` entries, PRIORITY as level, rendered like short-iso', () => {
    const lines = [
      '__CURSOR=s=6f1b;i=1a2;b=9e;m=5f1;t=62c;x=3d',
      '__REALTIME_TIMESTAMP=1796198401123456',
      '__MONOTONIC_TIMESTAMP=12345678',
      '_BOOT_ID=9e0c6f4a0d7b4f0d8b1c2a3e4f5a6b7c',
      'PRIORITY=3',
      '_TRANSPORT=journal',
      '_HOSTNAME=node3',
      'SYSLOG_IDENTIFIER=fleet-worker',
      '_PID=4321',
      '_COMM=node',
      'MESSAGE=job 17 failed: connect ECONNREFUSED 10.0.6.2:6379',
      '',
      '__CURSOR=s=6f1b;i=1a3;b=9e;m=5f2;t=62d;x=3e',
      '__REALTIME_TIMESTAMP=1796198402000000',
      'PRIORITY=6',
      '_HOSTNAME=node3',
      '_COMM=systemd',
      '_PID=1',
      'MESSAGE=Started fleet-worker.service - fleet queue worker.',
      '',
    ];
    const records = parseLines(lines);
    expect(records.map(carried)).toEqual([
      {
        timestamp: 1796198401123,
        host: 'node3',
        program: 'fleet-worker',
        pid: 4321,
        level: 'error',
        message: 'job 17 failed: connect ECONNREFUSED 10.0.6.2:6379',
        text: '2026-12-02T08:00:01.123Z node3 fleet-worker[4321]: job 17 failed: connect ECONNREFUSED 10.0.6.2:6379',
      },
      {
        timestamp: 1796198402000,
        host: 'node3',
        program: 'systemd',
        pid: 1,
        level: 'info',
        message: 'Started fleet-worker.service - fleet queue worker.',
        text: '2026-12-02T08:00:02.000Z node3 systemd[1]: Started fleet-worker.service - fleet queue worker.',
      },
    ]);
    expect(parseLines(lines, 'journal')).toEqual(records);
  });

  it('reads `journalctl -o json` lines: a multi-line MESSAGE gives a record per line, byte arrays are decoded', () => {
    const entry = {
      __CURSOR: 's=6f1b;i=1a4',
      __REALTIME_TIMESTAMP: '1796198403000000',
      PRIORITY: '3',
      _HOSTNAME: 'node4',
      SYSLOG_IDENTIFIER: 'ingest',
      _PID: '77',
      MESSAGE: 'Traceback (most recent call last):\n  File "/srv/ingest/main.py", line 41, in <module>\n    run()\nKeyError: \'host\'',
    };
    const binary = { ...entry, PRIORITY: '4', MESSAGE: [...Buffer.from('disk usage at 91%')] };
    const records = parseLines([JSON.stringify(entry), JSON.stringify(binary)], 'journal');
    expect(records.map((r) => r.message)).toEqual(['Traceback (most recent call last):', '  File "/srv/ingest/main.py", line 41, in <module>', '    run()', "KeyError: 'host'", 'disk usage at 91%']);
    expect(records.every((r) => r.host === 'node4' && r.program === 'ingest' && r.pid === 77)).toBe(true);
    expect(records[4]!.level).toBe('warning');
    expect(records[3]!.text).toBe("2026-12-02T08:00:03.000Z node4 ingest[77]: KeyError: 'host'");
    expect(parseLines([JSON.stringify(entry)])).toEqual(records.slice(0, 4));
  });

  it('reads application logs: timestamps, level words, logfmt, JSON loggers', () => {
    const records = parseLines(
      [
        '2026-12-02 08:00:01,234 ERROR [main] app.db: connection lost',
        '2026-12-02T08:00:02.500Z WARN  cache: 3 evictions',
        'time="2026-12-02T08:00:03Z" level=warning msg="disk almost full" path=/data',
        '{"level":50,"time":1796198404000,"pid":44,"hostname":"api1","msg":"request failed"}',
        '2026/12/02 08:00:05 [error] 812#812: *1 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory)',
        '[Wed Dec 02 08:00:06.123456 2026] [core:error] [pid 1234] [client 10.0.0.1:5555] AH00037: Symbolic link not allowed',
        'ERROR:root:something broke',
        'Error reading /etc/app.conf, using defaults',
        'Call Trace:',
      ],
      'app',
    );
    expect(records.map((r) => [r.timestamp, r.level])).toEqual([
      [Date.UTC(2026, 11, 2, 8, 0, 1, 234), 'error'],
      [Date.UTC(2026, 11, 2, 8, 0, 2, 500), 'warning'],
      [Date.UTC(2026, 11, 2, 8, 0, 3), 'warning'],
      [Date.UTC(2026, 11, 2, 8, 0, 4), 'error'],
      [Date.UTC(2026, 11, 2, 8, 0, 5), 'error'],
      [Date.UTC(2026, 11, 2, 8, 0, 6, 123), 'error'],
      [undefined, 'error'],
      [undefined, undefined],
      [undefined, undefined],
    ]);
    expect(records[0]!.message).toBe('ERROR [main] app.db: connection lost');
    expect(records[2]!.message).toBe('disk almost full');
    expect(carried(records[3]!)).toMatchObject({ host: 'api1', pid: 44, message: 'request failed' });
  });

  it('takes a JSON logger\'s stack as records of their own', () => {
    const line = JSON.stringify({ level: 'error', time: '2026-12-02T08:00:01Z', msg: 'request failed', err: { type: 'TypeError', stack: "TypeError: Cannot read properties of undefined (reading 'id')\n    at handler (/srv/api/routes.js:12:9)" } });
    expect(parseLines([line]).map((r) => r.message)).toEqual(['request failed', "TypeError: Cannot read properties of undefined (reading 'id')", '    at handler (/srv/api/routes.js:12:9)']);
  });

  it('does not take an application line for syslog in auto mode, and obeys an explicit source', () => {
    const line = '2026-12-02T08:00:01Z INFO server: listening on :8080';
    expect(carried(parseLines([line])[0]!)).toMatchObject({ level: 'info', message: 'INFO server: listening on :8080' });
    expect(parseLines([line])[0]!.host).toBeUndefined();
    const sys = '2026-12-02T08:00:01Z web1 sshd[4]: Accepted publickey for deploy from 10.0.6.9 port 50022 ssh2';
    expect(parseLines([sys])[0]!.program).toBe('sshd');
    expect(parseLines([sys], 'app')[0]).toMatchObject({ program: undefined, message: 'web1 sshd[4]: Accepted publickey for deploy from 10.0.6.9 port 50022 ssh2' });
  });

  it('skips blank lines and keeps unrecognized ones whole', () => {
    const records = parseLines(['', '   ', 'just some words']);
    expect(records).toHaveLength(1);
    expect(carried(records[0]!)).toEqual({ message: 'just some words', text: 'just some words' });
  });
});

describe('template mining', () => {
  it('masks numbers, IPs, hex, UUIDs, MACs, paths with digits and durations, not words with digits', () => {
    expect(maskVariables('Accepted publickey for deploy from 10.0.6.14 port 50522 ssh2: ED25519 SHA256:Qx7')).toBe('Accepted publickey for deploy from <*> port <*> ssh2: ED25519 SHA256:Qx7');
    expect(maskVariables('segfault at 0000000000000010 ip 00007f3a2b1c4d5e sp 0x7ffd1e2f3a40 error 4 in libc.so.6[7f3a2b000000+195000]')).toBe('segfault at <*> ip <*> sp <*> error <*> in libc.so.6[<*>+<*>]');
    expect(maskVariables('request 3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b took 12.5ms (1h2m3s total), read /proc/812/status')).toBe('request <*> took <*> (<*> total), read <*>');
    expect(maskVariables('eth0: link 52:54:00:12:34:56 up, peer fe80::1c2b:3aff:fe4d:5e6f, /etc/hosts unchanged')).toBe('eth0: link <*> up, peer <*>, /etc/hosts unchanged');
    expect(maskVariables('Started session-4242.scope - Session 17 of User deploy.')).toBe('Started session-<*>.scope - Session <*> of User deploy.');
  });

  it('merges lines that differ only in variables into one template', () => {
    const miner = new TemplateMiner();
    const a = miner.add('sshd: Accepted publickey for deploy from 10.0.6.14 port 50522 ssh2');
    const b = miner.add('sshd: Accepted publickey for ops from 10.0.6.99 port 40121 ssh2');
    const c = miner.add('sshd: Accepted publickey for root from 192.168.1.7 port 22 ssh2');
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(a.size).toBe(3);
    expect(a.tokens.join(' ')).toBe('sshd: Accepted publickey for <*> from <*> port <*> ssh2');
  });

  it('keeps different events apart', () => {
    const miner = new TemplateMiner();
    const lines = [
      'systemd: Started nginx.service - A high performance web server.',
      'systemd: Stopped nginx.service - A high performance web server.',
      'sshd: Accepted password for alice from 10.0.0.1 port 22 ssh2',
      'sshd: Failed password for alice from 10.0.0.1 port 22 ssh2',
      'sshd: Received disconnect from 10.0.0.1 port 22:11: disconnected by user',
      'kernel: eth0: Link is Up - 10Gbps/Full - flow control off',
      'kernel: eth0: Link is Down',
      'CRON: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)',
      'CRON: pam_unix(cron:session): session closed for user root',
    ];
    const clusters = lines.map((l) => miner.add(l));
    expect(new Set(clusters).size).toBe(lines.length);
    expect(miner.clusters).toHaveLength(lines.length);
  });

  it('compares a line with a bounded set of clusters: a full leaf forgets its least recently matched one', () => {
    const miner = new TemplateMiner({ maxLeafClusters: 2 });
    const first = miner.add('app: alpha beta gamma delta');
    miner.add('app: alpha zeta eta theta');
    miner.add('app: alpha iota kappa lambda');
    expect(miner.add('app: alpha beta gamma delta')).not.toBe(first);
    const wide = new TemplateMiner();
    const kept = wide.add('app: alpha beta gamma delta');
    wide.add('app: alpha zeta eta theta');
    wide.add('app: alpha iota kappa lambda');
    expect(wide.add('app: alpha beta gamma delta')).toBe(kept);
    expect(kept.size).toBe(2);
  });

  it('derives template ids from the text: the same in two runs with other lines, orders and stores', async () => {
    const one = await analyse({ lines: ['Dec  2 08:00:01 node2 sshd[100]: Accepted publickey for deploy from 10.0.6.14 port 50522 ssh2', 'Dec  2 08:00:02 node2 sshd[101]: Accepted publickey for ops from 10.0.6.99 port 40121 ssh2', 'Dec  2 08:00:03 node2 CRON[7]: pam_unix(cron:session): session closed for user root'] });
    const two = await analyse({ lines: ['Dec  3 09:00:00 node5 CRON[9999]: pam_unix(cron:session): session closed for user root', 'Dec  3 09:00:01 node5 sshd[3]: Accepted publickey for git from 10.0.7.1 port 2222 ssh2', 'Dec  3 09:00:02 node5 sshd[4]: Accepted publickey for root from 10.0.7.2 port 2223 ssh2'] });
    const ids = (o: LogAnalysisOutput) => Object.fromEntries(o.templates.map((t) => [t.template, t.id]));
    expect(ids(one)).toEqual(ids(two));
    expect(ids(one)['sshd: Accepted publickey for <*> from <*> port <*> ssh2']).toBe(templateId('sshd: Accepted publickey for <*> from <*> port <*> ssh2'));
    expect(templateId('a <*> b')).toMatch(/^[0-9a-f]{16}$/);
    expect(templateId('a <*> b')).not.toBe(templateId('a <*> c'));
  });

  it('counts lines per template and gives each the most severe level its lines carried', async () => {
    const out = await analyse({
      lines: [
        '<30>Dec  2 08:00:01 db1 postgres[812]: checkpoint starting: time',
        '<30>Dec  2 08:00:31 db1 postgres[812]: checkpoint starting: time',
        '<28>Dec  2 08:01:01 db1 postgres[812]: checkpoint starting: wal',
        'Dec  2 08:01:02 db1 kernel: [ 12.000001] eth0: Link is Up - 10Gbps/Full - flow control off',
      ],
    });
    expect(out.lineCount).toBe(4);
    expect(out.templates.map(({ template, count, level }) => ({ template, count, level }))).toEqual([
      { template: 'postgres: checkpoint starting: <*>', count: 3, level: 'warning' },
      { template: 'kernel: eth0: Link is Up - 10Gbps/Full - flow control off', count: 1, level: undefined },
    ]);
    expect('level' in out.templates[1]!).toBe(false);
  });
});

// Realistic failure lines, as syslog writes them.
const SYSLOG = {
  normal: [
    'Dec  2 08:00:01 node3 systemd[1]: Started session-42.scope - Session 42 of User deploy.',
    'Dec  2 08:00:02 node3 sshd[9120]: Accepted publickey for deploy from 10.0.6.14 port 50522 ssh2: ED25519 SHA256:Qx7',
    'Dec  2 08:00:03 node3 CRON[9121]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)',
  ],
  segfault: 'Dec  2 08:00:04 node3 kernel: [81234.512345] worker[4242]: segfault at 10 ip 00007f3a2b1c4d5e sp 00007ffd1e2f3a40 error 4 in libc.so.6[7f3a2b000000+195000] likely on CPU 1 (core 1, socket 0)',
  sigsegv: 'Dec  2 08:00:04 node3 java[2211]: # SIGSEGV (0xb) at pc=0x00007f8e1c2d3e4f, pid=2211, tid=2212',
  segmentationFault: 'Dec  2 08:00:04 node3 postgres[812]: LOG:  server process (PID 4242) was terminated by signal 11: Segmentation fault',
  oomInvoked: 'Dec  2 08:00:05 node3 kernel: [81235.100200] python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0',
  oomKilled: 'Dec  2 08:00:05 node3 kernel: [81235.100900] Out of memory: Killed process 4242 (python3) total-vm:8123456kB, anon-rss:7012345kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:14000kB oom_score_adj:0',
  oomKill: 'Dec  2 08:00:05 node3 kernel: [81235.100800] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=python3,pid=4242,uid=1000',
  oops: 'Dec  2 08:00:06 node3 kernel: [81236.000100] Oops: 0002 [#1] PREEMPT SMP NOPTI',
  bug: 'Dec  2 08:00:06 node3 kernel: [81236.000000] BUG: unable to handle page fault for address: ffffa3c4d5e6f000',
  gpf: 'Dec  2 08:00:06 node3 kernel: [81236.000200] general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] SMP PTI',
  panic: 'Dec  2 08:00:07 node3 kernel: [81237.000001] Kernel panic - not syncing: Fatal exception in interrupt',
  failedStart: 'Dec  2 08:00:08 node3 systemd[1]: Failed to start fleet-worker.service - fleet queue worker.',
  exited: 'Dec  2 08:00:08 node3 systemd[1]: fleet-worker.service: Main process exited, code=exited, status=1/FAILURE',
  failedResult: "Dec  2 08:00:08 node3 systemd[1]: fleet-worker.service: Failed with result 'exit-code'.",
  failedState: 'Dec  2 08:00:08 node3 systemd[1]: Unit fleet-worker.service entered failed state.',
};

describe('failure signatures', () => {
  it.each([
    ['segfault', [SYSLOG.segfault], 'critical'],
    ['segfault', [SYSLOG.sigsegv], 'critical'],
    ['segfault', [SYSLOG.segmentationFault], 'critical'],
    ['oom_kill', [SYSLOG.oomInvoked, SYSLOG.oomKill, SYSLOG.oomKilled], 'critical'],
    ['kernel_oops', [SYSLOG.bug, SYSLOG.oops, SYSLOG.gpf], 'critical'],
    ['kernel_panic', [SYSLOG.panic], 'critical'],
    ['service_failure', [SYSLOG.exited, SYSLOG.failedResult, SYSLOG.failedStart, SYSLOG.failedState], 'warning'],
  ] as const)('finds %s in %j', async (kind, failure, severity) => {
    const lines = [...SYSLOG.normal, ...failure, ...SYSLOG.normal];
    const seen = setStore();
    await analyse({ lines: SYSLOG.normal }, seen);
    const out = await analyse({ lines }, seen);
    const a = anomaly(out, kind)!;
    expect(a).toBeDefined();
    expect(a.count).toBe(failure.length);
    expect(a.lines).toEqual(failure);
    // named by the template of its first line: that line's program and words, its variables masked
    const first = out.templates.find((t) => t.template === a.template)!;
    expect(first.count).toBe(1);
    expect(a.template!.split(' ')[0]).toBe(`${/ (\S+?)(?:\[\d+\])?: /.exec(failure[0]!)![1]}:`);
    expect(a.template).not.toMatch(/\d{3}/);
    expect(kinds(out).filter((k) => k !== 'new_template')).toEqual([kind]);
    expect(out.severity).toBe(severity);
  });

  it('names a signature by the template of its first line and keeps at most 5 lines', async () => {
    const kills = Array.from({ length: 7 }, (_, i) => `Dec  2 08:00:0${i} node3 kernel: [8123${i}.100900] Out of memory: Killed process ${4000 + i} (python3) total-vm:8123456kB, anon-rss:7012345kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:14000kB oom_score_adj:0`);
    const a = anomaly(await analyse({ lines: kills }), 'oom_kill')!;
    expect(a.count).toBe(7);
    expect(a.lines).toEqual(kills.slice(0, 5));
    expect(a.template).toBe('kernel: Out of memory: Killed process <*> (python3) total-vm:<*>, anon-rss:<*>, file-rss:<*>, shmem-rss:<*>, UID:<*> pgtables:<*> oom_score_adj:<*>');
  });

  it("counts systemd's OOM result as both an OOM kill and a service failure", async () => {
    const out = await analyse({ lines: ["Dec  2 08:00:08 node3 systemd[1]: ingest.service: Failed with result 'oom-kill'."] });
    expect(kinds(out).filter((k) => k !== 'new_template').sort()).toEqual(['oom_kill', 'service_failure']);
  });

  it('does not take clean exits, stops, or other programs\' words for service failures', async () => {
    const out = await analyse({
      lines: [
        'Dec  2 08:00:08 node3 systemd[1]: backup.service: Main process exited, code=exited, status=0/SUCCESS',
        'Dec  2 08:00:09 node3 systemd[1]: nginx.service: Main process exited, code=killed, status=15/TERM',
        'Dec  2 08:00:09 node3 systemd[1]: nginx.service: Deactivated successfully.',
        'Dec  2 08:00:10 node3 myapp[77]: Failed to start worker thread, retrying',
      ],
    });
    expect(kinds(out).filter((k) => k !== 'new_template')).toEqual([]);
    expect(out.severity).toBe('info');
  });

  it('gathers a Python traceback, with other programs interleaved, into one anomaly named by its exception', async () => {
    const lines = [
      'Dec  2 08:00:01 node4 ingest[77]: Traceback (most recent call last):',
      'Dec  2 08:00:01 node4 ingest[77]:   File "/srv/ingest/main.py", line 41, in <module>',
      'Dec  2 08:00:01 node4 ingest[77]:     run()',
      'Dec  2 08:00:01 node4 CRON[9121]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)',
      'Dec  2 08:00:01 node4 ingest[77]:   File "/srv/ingest/main.py", line 17, in run',
      "Dec  2 08:00:01 node4 ingest[77]:     host = config['host']",
      'Dec  2 08:00:01 node4 ingest[77]:            ~~~~~~^^^^^^^^',
      "Dec  2 08:00:01 node4 ingest[77]: KeyError: 'host'",
      'Dec  2 08:00:02 node4 ingest[78]: starting ingest v2.4.1',
    ];
    const out = await analyse({ lines });
    const a = anomaly(out, 'python_traceback')!;
    expect(a.count).toBe(1);
    // the header, then the innermost frames and the exception
    expect(a.lines).toEqual([lines[0], lines[4], lines[5], lines[6], lines[7]]);
    expect(a.template).toBe("ingest: KeyError: 'host'");
    expect(out.severity).toBe('warning');
  });

  it('counts each Python traceback of an application log once, the lines kept short', async () => {
    const tb = (exc: string) => [
      '2026-12-02 08:00:01,234 ERROR [web] Exception on /api/items [GET]',
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3.11/site-packages/flask/app.py", line 1455, in wsgi_app',
      '    response = self.full_dispatch_request()',
      '  File "/srv/web/views.py", line 88, in items',
      '    return jsonify(load(int(request.args["page"])))',
      exc,
    ];
    const lines = [...tb('ValueError: invalid literal for int() with base 10: \'x\''), '2026-12-02 08:00:02,000 INFO [web] GET /health 200', ...tb("KeyError: 'page'")];
    const hits = findSignatures(parseLines(lines, 'app'));
    expect(hits.map((h) => h.kind)).toEqual(['python_traceback', 'python_traceback']);
    const a = anomaly(await analyse({ lines, source: 'app' }), 'python_traceback')!;
    expect(a.count).toBe(2);
    expect(a.lines).toEqual([lines[1], lines[3], lines[4], lines[5], lines[6]]);
    expect(a.template).toBe("ValueError: invalid literal for int() with base <*>: 'x'");
  });

  it('finds Node.js stack traces, unhandled rejections and heap exhaustion', async () => {
    const lines = [
      "2026-12-02T08:00:01.000Z api1 node[4321]: TypeError: Cannot read properties of undefined (reading 'id')",
      '2026-12-02T08:00:01.000Z api1 node[4321]:     at getUser (/srv/api/users.js:14:22)',
      '2026-12-02T08:00:01.000Z api1 node[4321]:     at async Promise.all (index 0)',
      '2026-12-02T08:00:01.000Z api1 node[4321]:     at async handler (file:///srv/api/routes.mjs:31:5)',
      '2026-12-02T08:00:02.000Z api1 node[4321]: [UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "timeout".] {',
      '2026-12-02T08:00:03.000Z api1 node[4400]: FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    ];
    const out = await analyse({ lines });
    const a = anomaly(out, 'node_traceback')!;
    expect(a.count).toBe(3);
    expect(a.lines).toEqual(lines.slice(0, 5));
    expect(a.template).toBe("node: TypeError: Cannot read properties of undefined (reading 'id')");
    expect(out.severity).toBe('warning');
  });

  it('takes neither console.trace nor Java frames for a Node.js failure', async () => {
    const out = await analyse({
      lines: [
        'Trace: cache miss for user 17',
        '    at Cache.get (/srv/api/cache.js:40:13)',
        '    at getUser (/srv/api/users.js:12:9)',
        'java.lang.IllegalStateException: pool closed',
        '\tat com.example.Pool.borrow(Pool.java:88)',
      ],
    });
    expect(kinds(out).filter((k) => k !== 'new_template')).toEqual([]);
  });

  it('finds nothing in ordinary logs (the load generator\'s), and each failure it plants', async () => {
    const seen = setStore();
    for (let seed = 1; seed <= 5; seed++) {
      const out = await analyse({ lines: syntheticLog({ count: 400, seed }), source: 'syslog' }, seen);
      expect(kinds(out).filter((k) => k !== 'new_template')).toEqual([]);
      expect(out.severity).toBe(seed === 1 ? 'info' : 'ok');
    }
    for (const plant of Object.keys(PLANTS) as (keyof typeof PLANTS)[]) {
      const out = await analyse({ lines: syntheticLog({ count: 400, seed: 9, plant }), source: 'syslog' }, seen);
      expect(kinds(out)).toContain(plant);
    }
  });
});

describe('error bursts', () => {
  const at = (s: number) => {
    const d = new Date(Date.UTC(2026, 11, 2, 8, 0, 0) + s * 1000);
    return d.toISOString().replace('.000Z', '+00:00');
  };
  const err = (s: number, n: number) => `${at(s)} api1 api[812]: upstream request ${n} failed: connect ECONNREFUSED 10.0.6.2:8080`;
  const ok = (s: number, n: number) => `${at(s)} api1 api[812]: GET /items/${n} 200 12ms`;

  it(`reports ${BURST_MIN_ERRORS} error lines within 60 s`, async () => {
    const lines = [ok(0, 1), ...Array.from({ length: 10 }, (_, i) => err(5 + i * 6, i)), ok(70, 2)];
    const a = anomaly(await analyse({ lines }), 'error_burst')!;
    expect(a).toMatchObject({ count: 10, lines: lines.slice(1, 6) });
    expect(a.template).toBeUndefined();
  });

  it('does not report 9 errors in a minute, nor 10 spread over ten minutes', async () => {
    expect(anomaly(await analyse({ lines: Array.from({ length: 9 }, (_, i) => err(i, i)) }), 'error_burst')).toBeUndefined();
    expect(anomaly(await analyse({ lines: Array.from({ length: 10 }, (_, i) => err(i * 61, i)) }), 'error_burst')).toBeUndefined();
  });

  it('counts every error line in overlapping windows once, across hosts out of order', () => {
    const records = parseLines([...Array.from({ length: 15 }, (_, i) => err(30 - i * 2, i)), ok(100, 1), err(400, 99)]);
    expect(findErrorBursts(records)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it('uses levels where lines carry them: an error word at info level is no error', () => {
    const info = Array.from({ length: 12 }, (_, i) => `<30>Dec  2 08:00:${String(i).padStart(2, '0')} h app[1]: retry ${i}: previous attempt failed`);
    const errors = Array.from({ length: 12 }, (_, i) => `<27>Dec  2 08:00:${String(i).padStart(2, '0')} h app[1]: upstream said no`);
    expect(findErrorBursts(parseLines(info))).toEqual([]);
    expect(findErrorBursts(parseLines(errors))).toHaveLength(12);
  });

  it('counts lines when the log has no time stamps: 10 errors within 50 lines, not within 55', () => {
    const spread = (gap: number) => Array.from({ length: 10 * gap }, (_, i) => (i % gap === 0 ? `ERROR worker ${i}: job crashed` : `INFO worker ${i}: job done`));
    expect(findErrorBursts(parseLines(spread(5), 'app'))).toHaveLength(10); // the 10 errors span 46 lines
    expect(findErrorBursts(parseLines(spread(6), 'app'))).toEqual([]); // they span 55
  });
});

describe('severity', () => {
  it('ranks critical over warning over info over ok', () => {
    expect(severityOf([])).toBe('ok');
    expect(severityOf(['new_template'])).toBe('info');
    for (const k of ['service_failure', 'python_traceback', 'node_traceback', 'error_burst']) expect(severityOf(['new_template', k])).toBe('warning');
    for (const k of ['kernel_panic', 'kernel_oops', 'oom_kill', 'segfault']) expect(severityOf(['error_burst', k, 'new_template'])).toBe('critical');
  });
});

describe('new templates', () => {
  const day = ['Dec  2 08:00:01 node2 sshd[100]: Accepted publickey for deploy from 10.0.6.14 port 50522 ssh2', 'Dec  2 08:00:02 node2 CRON[7]: pam_unix(cron:session): session closed for user root'];
  const odd = 'Dec  2 08:00:03 node2 dhclient[612]: DHCPNAK from 10.0.6.1';

  it('reports everything on a fresh pipeline, then only what was never seen, once, across jobs', async () => {
    const seen = setStore();
    const first = await analyse({ lines: day }, seen);
    expect(first.anomalies).toEqual([
      { kind: 'new_template', template: 'sshd: Accepted publickey for deploy from <*> port <*> ssh2', lines: [day[0]], count: 1 },
      { kind: 'new_template', template: 'CRON: pam_unix(cron:session): session closed for user root', lines: [day[1]], count: 1 },
    ]);
    expect(first.severity).toBe('info');
    const again = await analyse({ text: day.join('\n') }, seen);
    expect(again.anomalies).toEqual([]);
    expect(again.severity).toBe('ok');
    const third = await analyse({ lines: [...day, odd, odd.replace('612', '613')] }, seen);
    expect(third.anomalies).toEqual([{ kind: 'new_template', template: 'dhclient: DHCPNAK from <*>', lines: [odd, odd.replace('612', '613')], count: 2 }]);
    expect(kinds(await analyse({ lines: [odd] }, seen))).toEqual([]);
    expect(seen.sets.get(TEMPLATE_NAMESPACE)!.size).toBe(3);
  });

  it('never reports templates of the baseline, and records them for later jobs', async () => {
    const seen = setStore();
    const out = await analyse({ lines: [...day, odd], baseline: [day[1]!, 'Dec  1 07:00:00 node9 sshd[5]: Accepted publickey for deploy from 10.0.9.9 port 1022 ssh2'] }, seen);
    expect(out.anomalies.map((a) => a.template)).toEqual(['dhclient: DHCPNAK from <*>']);
    expect(out.templates.map((t) => t.count)).toEqual([1, 1, 1]);
    expect(out.lineCount).toBe(3);
    expect(kinds(await analyse({ lines: day }, seen))).toEqual([]);
  });
});

describe('the handler', () => {
  it('is named log-analysis and takes text like lines (CRLF too)', async () => {
    expect(logAnalysis.name).toBe('log-analysis');
    const lines = [...SYSLOG.normal, SYSLOG.panic];
    const fromText = await analyse({ text: `${lines.join('\r\n')}\r\n` });
    expect(fromText).toEqual(await analyse({ lines }));
    expect(fromText.lineCount).toBe(4);
    expect(fromText.severity).toBe('critical');
  });

  it('normalizes its input for the queue', () => {
    expect(logAnalysis.validate({ text: 'a\nb\n', source: 'app' })).toEqual({ lines: ['a', 'b'], source: 'app' });
    expect(logAnalysis.validate({ lines: ['a'], baseline: [] })).toEqual({ lines: ['a'], source: 'auto' });
    expect(logAnalysis.validate({ lines: ['a'], baseline: ['b'] })).toEqual({ lines: ['a'], source: 'auto', baseline: ['b'] });
  });

  it('stops when its job is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(logAnalysis.run({ lines: ['x'] } as LogAnalysisInput, { ...context(), signal: ac.signal })).rejects.toThrow(/aborted/);
  });

  it.each([
    [null, 'input must be an object { lines } or { text }', undefined],
    [['a'], 'input must be an object { lines } or { text }', undefined],
    [{}, 'lines (an array of strings) or text (a string) is required', 'lines'],
    [{ lines: ['a'], text: 'a' }, 'give lines or text, not both', 'lines'],
    [{ lines: 'a' }, 'lines must be an array of strings', 'lines'],
    [{ lines: ['a', 3] }, 'lines[1] must be a string, not number', 'lines'],
    [{ lines: ['a', null] }, 'lines[1] must be a string, not null', 'lines'],
    [{ lines: [] }, 'lines is empty: give at least one non-blank log line', 'lines'],
    [{ lines: ['', '  '] }, 'lines is empty: give at least one non-blank log line', 'lines'],
    [{ text: 3 }, 'text must be a string', 'text'],
    [{ text: '\n\n' }, 'text is empty: give at least one non-blank log line', 'text'],
    [{ lines: ['a'], source: 'windows' }, 'source must be one of syslog, journal, app, auto', 'source'],
    [{ lines: ['a'], source: 1 }, 'source must be one of syslog, journal, app, auto', 'source'],
    [{ lines: ['a'], baseline: 'b' }, 'baseline must be an array of strings', 'baseline'],
    [{ lines: ['a'], baseline: [{}] }, 'baseline[0] must be a string, not object', 'baseline'],
  ])('refuses %j: %s', (input, message, field) => {
    const e = inputError(input);
    expect(e.message).toBe(message);
    expect(e.field).toBe(field);
  });

  it(`refuses more than ${LOG_MAX_LINES} lines, in lines, text or baseline`, () => {
    const many = Array.from({ length: LOG_MAX_LINES + 1 }, () => 'x');
    expect(inputError({ lines: many })).toMatchObject({ message: `lines has ${LOG_MAX_LINES + 1} lines, the limit is ${LOG_MAX_LINES}`, field: 'lines' });
    expect(inputError({ text: many.join('\n') })).toMatchObject({ message: `text has ${LOG_MAX_LINES + 1} lines, the limit is ${LOG_MAX_LINES}`, field: 'text' });
    expect(inputError({ lines: ['a'], baseline: many })).toMatchObject({ message: `baseline has ${LOG_MAX_LINES + 1} lines, the limit is ${LOG_MAX_LINES}`, field: 'baseline' });
    expect(() => logAnalysis.validate({ lines: many.slice(1) })).not.toThrow();
  });

  it(`refuses a line over ${LOG_MAX_LINE_BYTES} bytes (counted in UTF-8)`, () => {
    const long = 'é'.repeat(LOG_MAX_LINE_BYTES / 2 + 1);
    expect(inputError({ lines: ['ok', long] })).toMatchObject({ message: `lines[1] is ${LOG_MAX_LINE_BYTES + 2} bytes, the limit is ${LOG_MAX_LINE_BYTES} per line`, field: 'lines' });
    expect(inputError({ text: `ok\n${long}` })).toMatchObject({ message: `text line 2 is ${LOG_MAX_LINE_BYTES + 2} bytes, the limit is ${LOG_MAX_LINE_BYTES} per line`, field: 'text' });
    expect(inputError({ lines: ['ok'], baseline: [long] })).toMatchObject({ message: `baseline[0] is ${LOG_MAX_LINE_BYTES + 2} bytes, the limit is ${LOG_MAX_LINE_BYTES} per line`, field: 'baseline' });
    expect(() => logAnalysis.validate({ lines: ['x'.repeat(LOG_MAX_LINE_BYTES)] })).not.toThrow();
  });

  it(`refuses more than ${LOG_MAX_BYTES} bytes per job, baseline included`, () => {
    const line = 'y'.repeat(LOG_MAX_LINE_BYTES - 1);
    const half = Array.from({ length: LOG_MAX_BYTES / LOG_MAX_LINE_BYTES / 2 }, () => line);
    const full = [...half, ...half, 'zz'];
    expect(inputError({ lines: full })).toMatchObject({ message: `lines holds more than ${LOG_MAX_BYTES} bytes, the limit per job`, field: 'lines' });
    expect(inputError({ text: full.join('\n') })).toMatchObject({ message: `text is more than ${LOG_MAX_BYTES} bytes, the limit per job`, field: 'text' });
    expect(inputError({ lines: half, baseline: [...half, 'zz'] })).toMatchObject({ message: `lines and baseline hold more than ${LOG_MAX_BYTES} bytes together, the limit per job`, field: 'baseline' });
    expect(() => logAnalysis.validate({ lines: [...half, ...half] })).not.toThrow();
  });
});
