/**
 * Module cases: a module's decision on a host, kept as data. Each case holds the module's arguments,
 * what its probe read from a real lab node (recorded by test/helpers/record-module-cases.ts), and
 * what fleet decided from that: the plan's steps and the result check mode reports. The test
 * (test/module-cases.test.ts) replays the recorded answers and requires the same probe commands,
 * the same steps and the same result, so a change to a probe script, a parser or a plan shows.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { runModule } from '../../src/executor/run-module.js';
import { getModule } from '../../src/modules/index.js';
import { validateParams } from '../../src/modules/params.js';
import type { ModuleResult } from '../../src/modules/types.js';
import type { CommandResult, Connection, GetOptions, RunOptions } from '../../src/transport/connection.js';

export const CASES_DIR = join(import.meta.dirname, '..', 'fixtures', 'module-cases');

/** One call the probe made on the host, and the host's answer. */
export interface Exchange {
  /** sha256 of the command (its first 16 hex digits): the probe's script is compared, not stored. */
  run?: string;
  get?: string;
  rc?: number;
  stdout?: string;
  stderr?: string;
  /** env and cwd of the command, when given. */
  options?: Record<string, unknown>;
}

export interface ModuleCase {
  name: string;
  module: string;
  args: Record<string, unknown>;
  vars?: Record<string, unknown>;
  /** Shell run on the node before recording, to put it in the state the case is about. */
  setup?: string;
  /** Recorded: the probe's calls and answers, in order. */
  host?: Exchange[];
  /** Recorded: the plan's steps (argv, a script, or the module's own action). */
  steps?: unknown[];
  /** Recorded: what check mode reports. */
  result?: ModuleResult;
  /** Recorded instead of a result: the error the task fails with. */
  error?: string;
}

export const commandHash = (command: string): string => createHash('sha256').update(command).digest('hex').slice(0, 16);

export function caseFiles(): string[] {
  return readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

export function readCases(file: string): ModuleCase[] {
  return parse(readFileSync(join(CASES_DIR, file), 'utf8')) as ModuleCase[];
}

export function writeCases(file: string, cases: ModuleCase[]): void {
  writeFileSync(join(CASES_DIR, file), stringify(cases, { lineWidth: 0, blockQuote: 'literal' }));
}

/** A step as data: argv and script steps by what they run, other actions as they are. */
export function stepData(action: unknown): unknown {
  const a = action as { kind?: string; argv?: string[]; script?: string; usesStdin?: boolean };
  if (a && a.kind === 'run' && a.argv) return { argv: a.argv };
  if (a && a.kind === 'run' && a.script !== undefined) return { script: a.script };
  return JSON.parse(JSON.stringify(action, (_k, v: unknown) => (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('utf8') : v)));
}

function optionsData(options: RunOptions | GetOptions | undefined): Record<string, unknown> | undefined {
  const o = options as RunOptions | undefined;
  const kept = { ...(o?.env ? { env: o.env } : {}), ...(o?.cwd ? { cwd: o.cwd } : {}) };
  return Object.keys(kept).length ? kept : undefined;
}

/** A connection that answers from the recorded exchanges, and fails on any call that differs. */
export class ReplayConnection implements Connection {
  private next = 0;
  constructor(
    readonly host: string,
    private readonly exchanges: Exchange[],
  ) {}
  async connect(): Promise<void> {}
  async close(): Promise<void> {}
  private take(kind: 'run' | 'get', what: string, options: RunOptions | GetOptions | undefined): Exchange {
    const e = this.exchanges[this.next++];
    const asked = kind === 'run' ? { run: commandHash(what) } : { get: what };
    if (!e || (kind === 'run' ? e.run !== asked.run : e.get !== asked.get)) {
      throw new Error(`call ${this.next} differs from the recording: ${kind} ${kind === 'run' ? `${commandHash(what)}:\n${what}` : what}\n(recorded: ${JSON.stringify(e ?? 'nothing')}); if the change is meant, record again`);
    }
    const o = optionsData(options);
    if (JSON.stringify(o ?? null) !== JSON.stringify(e.options ?? null)) throw new Error(`call ${this.next}: options ${JSON.stringify(o)} differ from the recorded ${JSON.stringify(e.options)}`);
    return e;
  }
  async run(command: string, options?: RunOptions): Promise<CommandResult> {
    const e = this.take('run', command, options);
    return { rc: e.rc ?? 0, stdout: Buffer.from(e.stdout ?? ''), stderr: Buffer.from(e.stderr ?? '') };
  }
  async get(remotePath: string, options?: GetOptions): Promise<Buffer> {
    return Buffer.from(this.take('get', remotePath, options).stdout ?? '');
  }
  async put(): Promise<void> {
    throw new Error('a probe or a check-mode run wrote to the host');
  }
  /** Every recorded exchange was asked for. */
  get exhausted(): boolean {
    return this.next === this.exchanges.length;
  }
  rewind(): void {
    this.next = 0;
  }
}

/** A real connection that keeps what the probe asked and what the host answered. */
export class RecordingConnection implements Connection {
  readonly exchanges: Exchange[] = [];
  constructor(private readonly inner: Connection) {}
  get host(): string {
    return this.inner.host;
  }
  connect(): Promise<void> {
    return this.inner.connect();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  async run(command: string, options?: RunOptions): Promise<CommandResult> {
    const r = await this.inner.run(command, options);
    const o = optionsData(options);
    this.exchanges.push({ run: commandHash(command), ...(r.rc ? { rc: r.rc } : {}), stdout: r.stdout.toString('utf8'), ...(r.stderr.length ? { stderr: r.stderr.toString('utf8') } : {}), ...(o ? { options: o } : {}) });
    return r;
  }
  async get(remotePath: string, options?: GetOptions): Promise<Buffer> {
    const b = await this.inner.get(remotePath, options);
    const o = optionsData(options);
    this.exchanges.push({ get: remotePath, stdout: b.toString('utf8'), ...(o ? { options: o } : {}) });
    return b;
  }
  put(): Promise<void> {
    throw new Error('a probe or a check-mode run wrote to the host');
  }
}

/** The module's steps and check-mode result on a connection (a recording one, or a replay). */
export async function decide(c: ModuleCase, connection: Connection): Promise<Pick<ModuleCase, 'steps' | 'result' | 'error'>> {
  const real = getModule(c.module);
  const params = validateParams(real.name, real.params, c.args, { additionalParams: !!real.additionalParams });
  // The executor's own check-mode run, with the plan it made kept aside.
  let steps: unknown[] = [];
  const module = {
    ...real,
    plan: (p: unknown, s: unknown) => {
      const plan = real.plan(p, s);
      steps = plan.actions.map(stepData);
      return plan;
    },
  };
  try {
    const result = await runModule({ module, params, host: connection.host, connection, become: false, checkMode: true, diffMode: true, ...(c.vars ? { vars: c.vars } : {}) });
    return { steps, result: JSON.parse(JSON.stringify(result)) as ModuleResult };
  } catch (error) {
    return { steps, error: error instanceof Error ? error.message : String(error) };
  }
}
