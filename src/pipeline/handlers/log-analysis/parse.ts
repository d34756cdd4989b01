/**
 * Log lines into records: syslog (RFC 3164 `Dec  2 08:00:01 host prog[pid]: msg`, the short-iso
 * form `2026-12-02T08:00:01+0000 host prog[pid]: msg`, RFC 5424, each with an optional `<PRI>`),
 * the systemd journal (`journalctl -o export` entries, `journalctl -o json` lines) and application
 * logs (an optional ISO or bracketed timestamp and a level word, logfmt `level=`, JSON lines with
 * msg/level/time). Whatever matches no format is kept whole as the message, so nothing is dropped.
 *
 * A journal or JSON message spanning several lines (a traceback logged in one call) becomes one
 * record per line with the same header, which is how syslog would have carried it.
 */

/** Syslog severities by number (0 emerg … 7 debug), the level vocabulary of every format. */
export const LOG_LEVELS = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_SOURCES = ['syslog', 'journal', 'app', 'auto'] as const;
export type LogSource = (typeof LOG_SOURCES)[number];

export interface LogRecord {
  /** Milliseconds since the epoch (UTC when the line names no zone; RFC 3164 lines carry no year, see below). */
  timestamp?: number;
  host?: string;
  program?: string;
  pid?: number;
  level?: LogLevel;
  message: string;
  /** The line as reported in anomalies: the input line, or a journal entry rendered as `journalctl -o short-iso` would. */
  text: string;
}

/**
 * A record with every field present (those the line lacks are undefined): one object shape for
 * all records keeps V8 on its fast path (spreading optional fields costs several times the parse).
 */
export function newRecord(message: string, text: string, header?: LogRecord): LogRecord {
  return {
    timestamp: header?.timestamp,
    host: header?.host,
    program: header?.program,
    pid: header?.pid,
    level: header?.level,
    message,
    text,
  };
}

/** Level words of application logs (lower case) and the syslog level each means. */
const LEVEL_WORDS: Readonly<Record<string, LogLevel>> = {
  emerg: 'emerg',
  emergency: 'emerg',
  panic: 'emerg',
  alert: 'alert',
  crit: 'crit',
  critical: 'crit',
  fatal: 'crit',
  err: 'error',
  error: 'error',
  severe: 'error',
  warn: 'warning',
  warning: 'warning',
  notice: 'notice',
  info: 'info',
  information: 'info',
  informational: 'info',
  debug: 'debug',
  trace: 'debug',
  verbose: 'debug',
};

/** The rank of a level (0 is the most severe). */
export function levelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

/** A level named by a word (`ERROR`, `warn`, `Fatal`) or a syslog number (`3`), else undefined. */
export function levelFromWord(word: unknown): LogLevel | undefined {
  if (typeof word === 'number') {
    if (Number.isInteger(word) && word >= 0 && word <= 7) return LOG_LEVELS[word];
    // pino / bunyan numeric levels
    if (word >= 60) return 'crit';
    if (word >= 50) return 'error';
    if (word >= 40) return 'warning';
    if (word >= 30) return 'info';
    if (word >= 10) return 'debug';
    return undefined;
  }
  if (typeof word !== 'string') return undefined;
  if (/^[0-7]$/.test(word)) return LOG_LEVELS[Number(word)];
  return LEVEL_WORDS[word.toLowerCase()];
}

/** Every level word holds one of these: most lines are ruled out by one test. */
const LEVEL_HINT = /emerg|panic|alert|crit|fatal|err|severe|warn|notice|info|debug|trace|verbose/i;
const LEVEL_KV = /(?:^|\s)(?:level|lvl|severity|loglevel)=("?)([A-Za-z]+)\1(?=\s|$)/i;

/**
 * The level an application message declares in its first tokens: `ERROR`, `[error]`, `warn:`,
 * `[core:error]` (Apache), `ERROR:root:…` (Python logging's default), or `level=error` anywhere.
 * An upper-case word counts in the first four tokens, a bracketed one too; any other spelling only
 * as the first token followed by a colon (`error: …`), so "Error reading…" or the kernel's
 * "Call Trace:" is not mistaken for a level (error words still feed bursts).
 */
export function detectLevel(message: string): LogLevel | undefined {
  if (message.includes('=')) {
    const kv = LEVEL_KV.exec(message);
    const l = kv ? levelFromWord(kv[2]) : undefined;
    if (l) return l;
  }
  const head = message.slice(0, 120);
  if (!LEVEL_HINT.test(head)) return undefined;
  const tokens = head.trimStart().split(/\s+/, 4);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const bracketed = /^[[(<]/.test(token);
    const core = token.replace(/^[[(<|]+/, '').replace(/[\])>|:,]+$/, '');
    const parts = core.split(':');
    for (const candidate of new Set([core, parts[0]!, parts.at(-1)!])) {
      const level = LEVEL_WORDS[candidate.toLowerCase()];
      if (!level) continue;
      const upper = candidate.length >= 3 && candidate === candidate.toUpperCase();
      if (upper || bracketed || (i === 0 && (token.endsWith(':') || parts.length > 1))) return level;
    }
  }
  return undefined;
}

const MONTHS: Readonly<Record<string, number>> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** RFC 3164 carries no year: lines are dated in this (leap) year, moving on a year when the date goes back over six months. */
export const SYSLOG_ASSUMED_YEAR = 2000;
const HALF_YEAR_MS = 183 * 24 * 3600 * 1000;

/** `2026-12-02`, `08:00:01`, fraction digits, zone (`Z`, `+0100`, `-05:00`, `UTC`, none: UTC) into epoch ms. */
function isoToMs(date: string, time: string, frac: string | undefined, zone: string | undefined): number | undefined {
  const [y, mo, d] = date.split(/[-/]/).map(Number) as [number, number, number];
  const [h, mi, s] = time.split(':').map(Number) as [number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  let ms = Date.UTC(y, mo - 1, d, h, mi, s) + (frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0);
  if (zone && zone !== 'Z' && zone !== 'UTC') {
    const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (m) ms -= (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  }
  return Number.isFinite(ms) ? ms : undefined;
}

const ISO_PARTS = /^(\d{4}[-/]\d{2}[-/]\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}:?\d{2}|UTC)?$/;

function parseIso(text: string): number | undefined {
  const m = ISO_PARTS.exec(text);
  return m ? isoToMs(m[1]!, m[2]!, m[3], m[4]) : undefined;
}

/** A timestamp given as a string (ISO) or a number (epoch seconds or milliseconds). */
function anyTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string') return undefined;
  if (/^\d{10}(?:\.\d+)?$/.test(value)) return Number(value) * 1000;
  if (/^\d{13}$/.test(value)) return Number(value);
  return parseIso(value.trim()) ?? (Number.isFinite(Date.parse(value)) ? Date.parse(value) : undefined);
}

function isoString(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

// ---------------------------------------------------------------------------------------------
// syslog

const PRI = /^<(\d{1,3})>/;
const BSD = /^([A-Z][a-z]{2}) ([ \d]?\d) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (\S+) ?(.*)$/;
const ISO_SYSLOG = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})? (\S+) (.*)$/;
const RFC5424 = /^1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?$/;
const TAG = /^([^\s:[\]]+)(?:\[(\d+)\])?: ?(.*)$/;
const KERNEL_UPTIME = /^\[\s*\d+\.\d+\]\s?/;

/** The program tag (`sshd[812]: …`), the kernel's uptime stamp removed, and the level a message names. */
function withTag(out: LogRecord, rest: string, requireTag: boolean): LogRecord | undefined {
  const tag = TAG.exec(rest);
  if (!tag && requireTag) return undefined;
  out.message = rest;
  if (tag) {
    out.program = tag[1]!;
    if (tag[2] !== undefined) out.pid = Number(tag[2]);
    out.message = tag[3]!;
  }
  if (out.program === 'kernel') out.message = out.message.replace(KERNEL_UPTIME, '');
  const level = out.level ?? detectLevel(out.message);
  if (level) out.level = level;
  return out;
}

/** Parses syslog lines, tracking the year RFC 3164 leaves out. */
class SyslogParser {
  private year = SYSLOG_ASSUMED_YEAR;
  private last: number | undefined;

  /** `strict`: an ISO-stamped line must carry a `prog:` tag and no level word as its host (auto mode, where app logs look alike). */
  parse(line: string, strict: boolean): LogRecord | undefined {
    let rest = line;
    const base = newRecord('', line);
    const pri = PRI.exec(rest);
    if (pri) {
      const n = Number(pri[1]);
      if (n > 191) return undefined;
      base.level = LOG_LEVELS[n & 7];
      rest = rest.slice(pri[0].length);
    }
    const v5 = pri ? RFC5424.exec(rest) : null;
    if (v5) {
      const [, ts, host, app, procid, , , msg] = v5;
      const r = base;
      r.message = (msg ?? '').replace(/^\uFEFF/, '');
      const t = ts !== '-' ? parseIso(ts!) : undefined;
      if (t !== undefined) r.timestamp = t;
      if (host !== '-') r.host = host!;
      if (app !== '-') r.program = app!;
      if (procid !== '-' && /^\d+$/.test(procid!)) r.pid = Number(procid);
      const level = r.level ?? detectLevel(r.message);
      if (level) r.level = level;
      return r;
    }
    const bsd = BSD.exec(rest);
    if (bsd && MONTHS[bsd[1]!] !== undefined) {
      const [, mon, day, h, mi, s, frac, host, tail] = bsd;
      const at = (year: number) => Date.UTC(year, MONTHS[mon!]!, Number(day), Number(h), Number(mi), Number(s)) + (frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0);
      let t = at(this.year);
      if (this.last !== undefined && t < this.last - HALF_YEAR_MS) t = at(++this.year);
      this.last = t;
      base.timestamp = t;
      base.host = host!;
      return withTag(base, tail!, false);
    }
    const iso = ISO_SYSLOG.exec(rest);
    if (iso) {
      const [, date, time, frac, zone, host, tail] = iso;
      if (strict && levelFromWord(host!.replace(/[[\]:]/g, ''))) return undefined;
      const t = isoToMs(date!, time!, frac, zone);
      base.timestamp = t;
      base.host = host!;
      return withTag(base, tail!, strict);
    }
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// application logs

const APP_TS = /^\[?(\d{4}[-/]\d{2}[-/]\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}:?\d{2}|UTC)?\]?(?:\s+|$)/;
/** Apache's `[Fri Mar 01 12:00:00.123456 2024]`. */
const APACHE_TS = /^\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))? (\d{4})\]\s*/;
const LOGFMT_MSG = /(?:^|\s)msg=(?:"((?:[^"\\]|\\.)*)"|(\S+))/;
const LOGFMT_TS = /(?:^|\s)(?:ts|time|timestamp)=("?)(\S+?)\1(?=\s|$)/;

/** Keys JSON application loggers use (pino, bunyan, winston, zap, logrus, structlog, python-json-logger, ECS). */
const JSON_MESSAGE_KEYS = ['msg', 'message', 'MESSAGE', 'log', 'event'];
const JSON_LEVEL_KEYS = ['level', 'severity', 'lvl', 'log.level', 'levelname', 'loglevel'];
const JSON_TIME_KEYS = ['time', 'timestamp', 'ts', '@timestamp', 't', 'asctime'];
const JSON_STACK_KEYS = ['stack', 'exc_info', 'exception', 'stack_trace', 'traceback'];

function jsonString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A JSON application log object: one record per line of its message, then per line of any stack it carries. */
function appJson(obj: Record<string, unknown>, line: string): LogRecord[] {
  let message: string | undefined;
  for (const k of JSON_MESSAGE_KEYS) if ((message = jsonString(obj[k])) !== undefined) break;
  const base = newRecord('', line);
  for (const k of JSON_LEVEL_KEYS) {
    const l = levelFromWord(obj[k]);
    if (l) {
      base.level = l;
      break;
    }
  }
  for (const k of JSON_TIME_KEYS) {
    const t = anyTimestamp(obj[k]);
    if (t !== undefined) {
      base.timestamp = t;
      break;
    }
  }
  const host = jsonString(obj.hostname ?? obj.host);
  if (host) base.host = host;
  const program = jsonString(obj.name ?? obj.logger ?? obj.service);
  if (program) base.program = program;
  if (typeof obj.pid === 'number' && Number.isInteger(obj.pid)) base.pid = obj.pid;
  const texts: string[] = [];
  if (message !== undefined) texts.push(...message.split(/\r?\n/));
  else texts.push(line);
  const err = obj.err ?? obj.error;
  const stacks = [...JSON_STACK_KEYS.map((k) => obj[k]), err && typeof err === 'object' ? (err as Record<string, unknown>).stack : undefined];
  for (const s of stacks) if (typeof s === 'string' && s.trim()) texts.push(...s.split(/\r?\n/));
  const single = texts.length === 1;
  return texts.filter((t) => t.trim() !== '').map((t) => newRecord(t, single ? line : t, base));
}

/** A text application line: an optional timestamp, a level word, or logfmt. */
function appText(line: string): LogRecord {
  const r = newRecord(line, line);
  let rest = line;
  const ts = APP_TS.exec(rest);
  if (ts) {
    const t = isoToMs(ts[1]!, ts[2]!, ts[3], ts[4]);
    if (t !== undefined) {
      r.timestamp = t;
      rest = rest.slice(ts[0].length);
    }
  } else {
    const ap = APACHE_TS.exec(rest);
    if (ap && MONTHS[ap[1]!] !== undefined) {
      const t = isoToMs(`${ap[5]}-${String(MONTHS[ap[1]!]! + 1).padStart(2, '0')}-${ap[2]}`, ap[3]!, ap[4], undefined);
      if (t !== undefined) {
        r.timestamp = t;
        rest = rest.slice(ap[0].length);
      }
    }
  }
  if (LOGFMT_MSG.test(rest) && LEVEL_KV.test(rest)) {
    const m = LOGFMT_MSG.exec(rest)!;
    const lt = LOGFMT_TS.exec(rest);
    const t = lt ? anyTimestamp(lt[2]) : undefined;
    if (t !== undefined) r.timestamp ??= t;
    const level = detectLevel(rest);
    if (level) r.level = level;
    r.message = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!;
    return r;
  }
  r.message = rest;
  const level = detectLevel(rest);
  if (level) r.level = level;
  return r;
}

function parseJsonObject(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(line);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// journal

/** A journal field's value: a string, an array of byte values (non-UTF-8 or binary data), or several values. */
function journalValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) {
    if (v.every((b) => typeof b === 'number')) return Buffer.from(v as number[]).toString('utf8');
    const first = v.find((x) => typeof x === 'string');
    return typeof first === 'string' ? first : undefined;
  }
  return undefined;
}

const JOURNAL_MARKERS = ['__REALTIME_TIMESTAMP', '__CURSOR', '_HOSTNAME', 'SYSLOG_IDENTIFIER', 'PRIORITY', '_SYSTEMD_UNIT', '_TRANSPORT'];

function isJournalObject(obj: Record<string, unknown>): boolean {
  return 'MESSAGE' in obj && JOURNAL_MARKERS.some((k) => k in obj);
}

/** A journal entry (from export or JSON) as records, rendered like `journalctl -o short-iso`. */
function journalEntry(get: (field: string) => string | undefined): LogRecord[] {
  const base = newRecord('', '');
  const us = get('_SOURCE_REALTIME_TIMESTAMP') ?? get('__REALTIME_TIMESTAMP');
  if (us && /^\d+$/.test(us)) base.timestamp = Math.floor(Number(us) / 1000);
  const host = get('_HOSTNAME');
  if (host) base.host = host;
  const program = get('SYSLOG_IDENTIFIER') ?? get('_COMM');
  if (program) base.program = program;
  const pid = get('_PID') ?? get('SYSLOG_PID');
  if (pid && /^\d+$/.test(pid)) base.pid = Number(pid);
  const priority = get('PRIORITY');
  if (priority && /^[0-7]$/.test(priority)) base.level = LOG_LEVELS[Number(priority)];
  const message = get('MESSAGE') ?? '';
  const head = [isoString(base.timestamp), base.host, base.program ? `${base.program}${base.pid !== undefined ? `[${base.pid}]` : ''}:` : undefined].filter((x) => x !== undefined).join(' ');
  return message
    .split(/\r?\n/)
    .filter((m) => m.trim() !== '')
    .map((m) => {
      const r = newRecord(base.program === 'kernel' ? m.replace(KERNEL_UPTIME, '') : m, head ? `${head} ${m}` : m, base);
      const level = r.level ?? detectLevel(r.message);
      if (level) r.level = level;
      return r;
    });
}

/**
 * `journalctl -o export`: entries of `FIELD=value` lines separated by a blank line. Binary fields
 * (a field name alone on its line, then a length and raw bytes) cannot travel in a JSON string
 * array intact; a line without `=` is skipped.
 */
function parseJournalExport(lines: readonly string[]): LogRecord[] {
  const out: LogRecord[] = [];
  let fields = new Map<string, string>();
  const flush = () => {
    if (fields.has('MESSAGE')) out.push(...journalEntry((f) => fields.get(f)));
    fields = new Map();
  };
  for (const line of lines) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) continue;
    if (!fields.has(key)) fields.set(key, line.slice(eq + 1));
  }
  flush();
  return out;
}

/** Whether the lines are a `journalctl -o export` stream (auto mode). */
function looksLikeExport(lines: readonly string[]): boolean {
  let marker = false;
  let message = false;
  for (const line of lines) {
    if (!marker && (line.startsWith('__CURSOR=') || /^__REALTIME_TIMESTAMP=\d+$/.test(line))) marker = true;
    if (!message && line.startsWith('MESSAGE=')) message = true;
    if (marker && message) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------

/** One line of a line-oriented format; blank lines give nothing. */
function parseLine(line: string, source: Exclude<LogSource, 'journal'> | 'journal-json', syslog: SyslogParser): LogRecord[] {
  if (line.trim() === '') return [];
  if (source !== 'syslog') {
    const obj = parseJsonObject(line);
    if (obj) {
      if (source !== 'app' && isJournalObject(obj)) {
        const texts = new Map(Object.entries(obj).map(([k, v]) => [k, journalValue(v)]));
        return journalEntry((f) => texts.get(f));
      }
      return appJson(obj, line);
    }
  }
  if (source === 'syslog' || source === 'auto') {
    const r = syslog.parse(line, source === 'auto');
    if (r) return [r];
  }
  return [appText(line)];
}

/** Parses lines of the given source into records (`auto`: detected per line, or as a journal export stream). */
export function parseLines(lines: readonly string[], source: LogSource = 'auto'): LogRecord[] {
  const firstLine = lines.find((l) => l.trim() !== '') ?? '';
  if (source === 'journal' ? !firstLine.startsWith('{') : source === 'auto' && looksLikeExport(lines)) return parseJournalExport(lines);
  const syslog = new SyslogParser();
  const mode = source === 'journal' ? 'journal-json' : source;
  const out: LogRecord[] = [];
  for (const line of lines) for (const r of parseLine(line, mode, syslog)) out.push(r);
  return out;
}
