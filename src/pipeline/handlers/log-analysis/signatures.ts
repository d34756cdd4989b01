/**
 * Known failure signatures: crashes the kernel, systemd, Python and Node.js write in recognizable
 * words. Single-line signatures match one record; tracebacks gather the header with the frame and
 * exception lines that follow it (from the same host, program and pid when the records carry them:
 * other programs' lines interleaved in a syslog stream are stepped over) into one occurrence.
 */
import type { LogRecord } from './parse.js';

export const SIGNATURE_KINDS = ['kernel_panic', 'kernel_oops', 'oom_kill', 'segfault', 'service_failure', 'python_traceback', 'node_traceback'] as const;
export type SignatureKind = (typeof SIGNATURE_KINDS)[number];

interface LineSignature {
  kind: SignatureKind;
  patterns: readonly RegExp[];
  /** When the record names its program, it must be one of these. */
  programs?: RegExp;
}

/** The single-line signatures (a record may match several kinds: `Failed with result 'oom-kill'` is both). */
export const LINE_SIGNATURES: readonly LineSignature[] = [
  { kind: 'kernel_panic', patterns: [/\bKernel panic - not syncing\b/] },
  {
    kind: 'kernel_oops',
    patterns: [/\bOops: /, /\bBUG: unable to handle\b/, /\bBUG: kernel NULL pointer dereference\b/, /\bgeneral protection fault\b/],
  },
  { kind: 'oom_kill', patterns: [/\bOut of memory: Kill(?:ed)? process\b/, /\boom-kill\b/, /\binvoked oom-killer\b/] },
  { kind: 'segfault', patterns: [/\bsegfault at\b/, /\bSIGSEGV\b/, /\bSegmentation fault\b/i, /\bstatus=11\/SEGV\b/] },
  {
    kind: 'service_failure',
    patterns: [
      /\bFailed to start\b/,
      // a non-zero exit, a core dump, or death by a crash signal (not the TERM/INT/HUP of a stop)
      /\bMain process exited, code=(?:exited, status=[1-9]\d*|dumped|killed, status=(?:4|6|7|8|9|11)\/)/,
      /\bentered failed state\b/,
      /\bFailed with result '/,
    ],
    programs: /^(?:systemd|init)$/,
  },
];

export interface SignatureHit {
  kind: SignatureKind;
  /** Indices of the records that make up the occurrence (at most 5: see `pickLines`). */
  records: number[];
  /** The record whose template names the occurrence: the line itself, a traceback's exception or error line. */
  anchor: number;
}

export const MAX_ANOMALY_LINES = 5;

/** At most 5 lines of an occurrence: the first, then the last ones (a traceback's innermost frames and its exception). */
export function pickLines(indices: readonly number[], max = MAX_ANOMALY_LINES): number[] {
  if (indices.length <= max) return [...indices];
  return [indices[0]!, ...indices.slice(indices.length - (max - 1))];
}

const sourceKey = (r: LogRecord) => (r.host === undefined && r.program === undefined && r.pid === undefined ? '' : `${r.host ?? ''}\u0000${r.program ?? ''}\u0000${r.pid ?? ''}`);

/** How far a traceback may reach past lines of other sources (and its own length). */
const MAX_TRACEBACK_RECORDS = 200;

const PY_HEADER = /^\s*Traceback \(most recent call last\):\s*$/;
const PY_BODY = /^(?:\s+\S|\s*\^[\^~\s]*$|\s*\[Previous line repeated \d+ more times?\])/;
const PY_EXCEPTION = /^[A-Za-z_][\w.]*(?::\s.*|:)?$/;
/** A V8 stack frame: `    at fn (file.js:12:5)`, `    at file.js:12:5`, `    at async Promise.all (index 0)`, `    at new X (<anonymous>)`. */
const NODE_FRAME = /^\s+at\s.+(?::\d+:\d+\)?|\((?:native|<anonymous>|index \d+)\)|<anonymous>)\s*$/;
/** The line a V8 stack trace hangs from: `Error: …`, `TypeError: …`, `Uncaught RangeError …`, `[Error: ENOENT …]`. */
const NODE_ERROR_LINE = /(?:^|[\s[(])(?:[A-Z]\w*)?(?:Error|Exception)\b|\bUncaught\b/;
const NODE_STANDALONE = [/UnhandledPromiseRejection/, /\bFATAL ERROR:.*JavaScript heap out of memory\b/];

/** The next record after `from` from the same source as `key`, skipping others; -1 at the end or past the reach. */
function nextOfSource(records: readonly LogRecord[], from: number, key: string, limit: number): number {
  for (let j = from + 1; j < records.length && j <= limit; j++) if (sourceKey(records[j]!) === key) return j;
  return -1;
}

function pythonTraceback(records: readonly LogRecord[], start: number, used: Uint8Array): SignatureHit {
  const head = records[start]!;
  const key = sourceKey(head);
  const limit = start + MAX_TRACEBACK_RECORDS;
  const members = [start];
  let anchor = start;
  for (let j = nextOfSource(records, start, key, limit); j !== -1; j = nextOfSource(records, j, key, limit)) {
    const r = records[j]!;
    // an application line of its own (it has a time stamp where the traceback had none) ends it
    if (head.timestamp === undefined && r.timestamp !== undefined) break;
    if (PY_HEADER.test(r.message)) break;
    if (r.message.trim() === '' || PY_BODY.test(r.message)) {
      if (r.message.trim() !== '') members.push(j);
      used[j] = 1;
      continue;
    }
    if (PY_EXCEPTION.test(r.message.trimEnd())) {
      members.push(j);
      used[j] = 1;
      anchor = j;
    }
    break;
  }
  return { kind: 'python_traceback', records: pickLines(members), anchor };
}

function nodeFrames(records: readonly LogRecord[], start: number, key: string, members: number[], used: Uint8Array): void {
  const limit = start + MAX_TRACEBACK_RECORDS;
  for (let j = nextOfSource(records, start, key, limit); j !== -1 && NODE_FRAME.test(records[j]!.message); j = nextOfSource(records, j, key, limit)) {
    members.push(j);
    used[j] = 1;
  }
}

/** Every signature occurrence in the records, in order of their first line. */
export function findSignatures(records: readonly LogRecord[]): SignatureHit[] {
  const hits: SignatureHit[] = [];
  const used = new Uint8Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const m = r.message;
    for (const sig of LINE_SIGNATURES) {
      if (sig.programs && r.program !== undefined && !sig.programs.test(r.program)) continue;
      if (sig.patterns.some((p) => p.test(m))) hits.push({ kind: sig.kind, records: [i], anchor: i });
    }
    if (used[i]) continue;
    if (PY_HEADER.test(m)) {
      used[i] = 1;
      hits.push(pythonTraceback(records, i, used));
      continue;
    }
    if (NODE_STANDALONE.some((p) => p.test(m))) {
      used[i] = 1;
      const members = [i];
      nodeFrames(records, i, sourceKey(r), members, used);
      hits.push({ kind: 'node_traceback', records: pickLines(members), anchor: i });
      continue;
    }
    if (NODE_FRAME.test(m)) {
      // frames under no header taken yet: the error line is the record of the same source before them
      // (frames under anything else, a console.trace say, are no failure)
      const key = sourceKey(r);
      let head = -1;
      for (let j = i - 1; j >= 0 && j >= i - MAX_TRACEBACK_RECORDS; j--) {
        if (sourceKey(records[j]!) !== key) continue;
        if (!used[j] && NODE_ERROR_LINE.test(records[j]!.message)) head = j;
        break;
      }
      const members = [head, i];
      used[i] = 1;
      nodeFrames(records, i, key, members, used);
      if (head < 0) continue;
      used[head] = 1;
      hits.push({ kind: 'node_traceback', records: pickLines(members), anchor: head });
    }
  }
  return hits;
}
