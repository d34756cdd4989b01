/**
 * Synthetic but realistic syslog lines for load and end-to-end tests: a stream of ordinary events
 * (sshd logins, cron sessions, systemd starts, kernel link messages) from a few hosts, into which
 * known failures can be planted. Deterministic for a given seed.
 */

/** The failures that can be planted, by the anomaly kind the log-analysis handler reports. */
export const PLANTS = {
  segfault: (host: string, pid: number) => [`${host} kernel: [${(pid % 9000) + 100}.512345] worker[${pid}]: segfault at 0000000000000010 ip 00007f3a2b1c4d5e sp 00007ffd1e2f3a40 error 4 in libc.so.6[7f3a2b000000+195000]`],
  oom_kill: (host: string, pid: number) => [
    `${host} kernel: [${(pid % 9000) + 100}.100200] python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0`,
    `${host} kernel: [${(pid % 9000) + 100}.100900] Out of memory: Killed process ${pid} (python3) total-vm:8123456kB, anon-rss:7012345kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:14000kB oom_score_adj:0`,
  ],
  service_failure: (host: string, pid: number) => [
    `${host} systemd[1]: fleet-worker.service: Main process exited, code=exited, status=1/FAILURE`,
    `${host} systemd[1]: fleet-worker.service: Failed with result 'exit-code'.`,
    `${host} systemd[1]: Failed to start fleet-worker.service - fleet queue worker (pid ${pid}).`,
  ],
  kernel_panic: (host: string) => [`${host} kernel: [ 4242.000001] Kernel panic - not syncing: Fatal exception in interrupt`],
} as const;

export type PlantKind = keyof typeof PLANTS;

const PROGRAMS: ((r: () => number, host: string) => string)[] = [
  (r, h) => `${h} sshd[${1000 + Math.floor(r() * 30000)}]: Accepted publickey for deploy from 10.0.6.${Math.floor(r() * 250) + 2} port ${30000 + Math.floor(r() * 30000)} ssh2: ED25519 SHA256:${'abcdefghij'.slice(0, 4 + Math.floor(r() * 6))}`,
  (r, h) => `${h} CRON[${1000 + Math.floor(r() * 30000)}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`,
  (r, h) => `${h} CRON[${1000 + Math.floor(r() * 30000)}]: pam_unix(cron:session): session closed for user root`,
  (r, h) => `${h} systemd[1]: Started session-${Math.floor(r() * 9000)}.scope - Session ${Math.floor(r() * 9000)} of User deploy.`,
  (r, h) => `${h} kernel: [${Math.floor(r() * 90000)}.${Math.floor(r() * 900000)}] eth0: Link is Up - 10Gbps/Full - flow control off`,
  (r, h) => `${h} fleet-worker[${1000 + Math.floor(r() * 30000)}]: job ${Math.floor(r() * 1e6)} completed in ${Math.floor(r() * 900)} ms`,
  (r, h) => `${h} dhclient[${1000 + Math.floor(r() * 30000)}]: DHCPACK of 10.0.6.${Math.floor(r() * 250) + 2} from 10.0.6.1`,
];

/** mulberry32: a small, good-enough seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function stamp(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `count` ordinary syslog lines, with `plant`'s lines inserted in the middle when given. */
export function syntheticLog(options: { count: number; seed: number; plant?: PlantKind; start?: number }): string[] {
  const r = prng(options.seed);
  const hosts = ['node2', 'node3', 'node4', 'node5'];
  let t = options.start ?? Date.UTC(2026, 11, 2, 8, 0, 0);
  const lines: string[] = [];
  for (let i = 0; i < options.count; i++) {
    t += Math.floor(r() * 4000);
    const host = hosts[Math.floor(r() * hosts.length)]!;
    lines.push(`${stamp(t)} ${PROGRAMS[Math.floor(r() * PROGRAMS.length)]!(r, host)}`);
    if (options.plant && i === Math.floor(options.count / 2)) {
      for (const l of PLANTS[options.plant](host, 2000 + Math.floor(r() * 30000))) lines.push(`${stamp(t)} ${l}`);
    }
  }
  return lines;
}
