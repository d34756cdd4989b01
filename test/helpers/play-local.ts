import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { play, type PlayRun } from './play.js';

/** Inventory lines that make every host run its tasks in a local /bin/sh. */
export const LOCAL_VARS = '[all:vars]\nansible_connection=local\nansible_python_interpreter=/usr/bin/python3\n';
export const FOUR = `[web]\nh1\nh2\nh3\nh4\n${LOCAL_VARS}`;

export interface Setup {
  dir: string;
  run: (options?: Parameters<typeof play>[2]) => Promise<PlayRun>;
}

/**
 * A fresh directory with the playbook (WORK in it becomes the directory) and the inventory, removed
 * when the test ends (mutation testing runs these tests once per mutant). Set FLEET_KEEP_PLAY_DIRS=1
 * to keep them, e.g. to run ansible-playbook on the same files.
 */
export function setup(playbook: string, inventory = FOUR): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-play-local-'));
  if (!process.env.FLEET_KEEP_PLAY_DIRS) onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'play.yml');
  const inv = join(dir, 'inventory.ini');
  writeFileSync(file, playbook.replaceAll('WORK', dir));
  writeFileSync(inv, inventory);
  return { dir, run: (options) => play(file, inv, options) };
}

/** Hosts that got a result for a task, in event order. */
export function hostsOf(run: PlayRun, task: string): string[] {
  return run.events.filter((e) => e.type === 'host_result' && e.task.name === task).map((e) => (e.type === 'host_result' ? e.host : ''));
}

/** Task names in the order their task_start events came. */
export function tasksStarted(run: PlayRun): string[] {
  return run.events.filter((e) => e.type === 'task_start').map((e) => (e.type === 'task_start' ? e.task.name : ''));
}
