import { spawn } from 'node:child_process';
import { LabError } from '../errors.js';
import type { ExecResult } from './types.js';

export interface RunOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** A fixed, predictable environment for everything the lab starts, on the host or in a node. */
export const CLEAN_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
  HOME: '/root',
  USER: 'root',
  LOGNAME: 'root',
};

/** Runs a program (never through a shell) and resolves with its exit code and output. */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env ?? CLEAN_ENV,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    }
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new LabError(`cannot run ${file}: ${e.message}`, { command: [file, ...args].join(' ') }));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({
        rc: code ?? 128 + (signal ? signalNumber(signal) : 0),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: signal && options.timeoutMs !== undefined ? `${stderr}[killed after ${options.timeoutMs} ms]\n` : stderr,
      });
    });
    // A child that exits without reading its stdin makes the write fail with EPIPE: that is its business.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Like run, but a non-zero exit is a LabError that says what was being done. */
export async function must(what: string, file: string, args: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
  const r = await run(file, args, options);
  if (r.rc !== 0) {
    const command = [file, ...args].join(' ');
    throw new LabError(`${what} failed: ${command} exited with ${r.rc}${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}`, {
      command,
      rc: r.rc,
      stderr: r.stderr,
    });
  }
  return r;
}

function signalNumber(signal: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return table[signal] ?? 0;
}
