/** The handlers the pipeline knows, by job name (docs/pipeline.md). */
import { caption } from './caption/index.js';
import { logAnalysis } from './log-analysis/index.js';
import { sleep } from './sleep.js';
import type { Handler } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const HANDLERS: ReadonlyMap<string, Handler<any, any>> = new Map<string, Handler<any, any>>([
  [logAnalysis.name, logAnalysis],
  [caption.name, caption],
  [sleep.name, sleep],
]);
