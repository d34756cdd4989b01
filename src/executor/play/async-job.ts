/**
 * `async:` / `poll:` as Ansible runs them: the task becomes a job with a time limit, its status kept
 * in a results file on the host (~/.ansible_async/<jid>, the file async_status reads). With
 * `poll: 0` the task returns at once with the job id; otherwise the job is polled every `poll`
 * seconds until it finishes or its time is up.
 *
 * fleet's modules run from the controller, so the job does too, on a connection of its own (its
 * commands never queue behind the next tasks'); the run waits for unfinished jobs before it ends.
 */
import { randomInt } from 'node:crypto';
import type { ModuleResult } from '../../modules/types.js';
import type { Connection } from '../../transport/connection.js';
import { asyncFilePath } from '../../modules/async_status.js';
import type { Runtime } from './runtime.js';
import type { TaskConnection } from './task-connection.js';
import { sleep } from '../../util/sleep.js';

export interface AsyncSettings {
  /** The job's time limit in seconds (`async:`). */
  seconds: number;
  /** Seconds between polls (`poll:`); 0 fires and forgets. */
  poll: number;
}

function becomeOptions(tc: TaskConnection): { become?: boolean; becomeUser?: string; becomeMethod?: 'sudo' | 'su' } {
  return tc.become ? { become: true, ...(tc.becomeUser ? { becomeUser: tc.becomeUser } : {}), ...(tc.becomeMethod ? { becomeMethod: tc.becomeMethod } : {}) } : {};
}

/** Write the job's results file atomically, as the user the job runs as; returns its absolute path. */
async function writeJobFile(connection: Connection, tc: TaskConnection, jid: string, data: Record<string, unknown>): Promise<string> {
  const script = `f=${asyncFilePath(jid)}; mkdir -p -- "$(dirname -- "$f")" && cat > "$f.tmp" && mv -f -- "$f.tmp" "$f" && printf '%s' "$f"`;
  const r = await connection.run(script, { stdin: JSON.stringify(data), ...becomeOptions(tc) });
  if (r.rc !== 0) throw new Error(`could not write the async results file: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}`);
  return r.stdout.toString('utf8');
}

/**
 * Start the job: `run` gets the job's connection and deadline (commands still running then are
 * killed). Resolves with what the task reports: the job handle (poll 0) or the job's result.
 */
export async function runAsync(
  rt: Runtime,
  tc: TaskConnection,
  settings: AsyncSettings,
  run: (connection: Connection, deadline: number) => Promise<ModuleResult>,
  failure: (error: unknown) => ModuleResult,
): Promise<ModuleResult> {
  const jid = `j${randomInt(0, 2 ** 40)}.${process.pid}`;
  const connection = rt.pool.dedicated(tc.spec);
  const resultsFile = await writeJobFile(connection, tc, jid, { started: 1, finished: 0, ansible_job_id: jid });
  const deadline = Date.now() + settings.seconds * 1000;
  let timedOut = false;
  let finished = false;
  const job = (async (): Promise<ModuleResult> => {
    let timer: NodeJS.Timeout | undefined;
    let result: ModuleResult;
    try {
      const limit = new Promise<ModuleResult>((resolve) => {
        timer = setTimeout(() => {
          timedOut = true;
          resolve({ changed: false, failed: true, msg: 'Timeout exceeded' });
        }, Math.max(0, deadline - Date.now()));
      });
      result = await Promise.race([run(connection, deadline).catch(failure), limit]);
    } finally {
      clearTimeout(timer);
    }
    if (timedOut) result = { changed: false, failed: true, msg: 'Timeout exceeded' };
    try {
      await writeJobFile(connection, tc, jid, { ...result, ansible_job_id: jid });
    } catch {
      // The host went away: the job's status stays "started".
    }
    finished = true;
    await connection.close();
    return result;
  })();
  rt.pool.track(job);
  if (settings.poll <= 0) return { changed: true, ansible_job_id: jid, failed: false, finished: 0, results_file: resultsFile, started: 1 };

  while (!finished && !rt.signal?.aborted) await sleep(Math.min(settings.poll * 1000, Math.max(50, deadline + 1000 - Date.now())), rt.signal);
  const result = await job;
  if (timedOut) {
    return { changed: false, failed: true, msg: `async task did not complete within the requested time - ${settings.seconds}s`, async_result: { ansible_job_id: jid, started: 1, finished: 0, results_file: resultsFile } };
  }
  // Ansible removes the results file of a job it polled to the end.
  await rt.pool.get(tc.spec).run(`rm -f -- ${asyncFilePath(jid)}`, becomeOptions(tc)).catch(() => undefined);
  return { ...result, ansible_job_id: jid, finished: 1, started: 1, results_file: resultsFile };
}
