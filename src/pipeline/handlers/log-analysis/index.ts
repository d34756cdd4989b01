/**
 * The `log-analysis` handler (docs/pipeline.md): log lines in; their templates (Drain), counts and
 * levels out, with anomalies: templates the pipeline has never seen, error bursts, and known
 * failure signatures; and the severity they add up to.
 *
 * Everything but the shared "seen templates" set is pure and linear in the input: parsing is per
 * line, the template tree bounds the clusters a line is compared with, signatures are a fixed list
 * of expressions, and the burst window slides once over the error lines.
 */
import { HandlerInputError, type Handler, type HandlerContext } from '../types.js';
import { findErrorBursts, severityOf, type Severity } from './detect.js';
import { TemplateMiner, templateId, templateText, type Cluster } from './drain.js';
import { LOG_SOURCES, levelRank, LOG_LEVELS, parseLines, type LogLevel, type LogRecord, type LogSource } from './parse.js';
import { findSignatures, MAX_ANOMALY_LINES, SIGNATURE_KINDS } from './signatures.js';

export { BURST_DEFAULTS, BURST_MIN_ERRORS, BURST_WINDOW_LINES, BURST_WINDOW_MS, ERROR_WORDS, findErrorBursts, isErrorRecord, severityOf } from './detect.js';
export type { BurstOptions, Severity } from './detect.js';
export { DRAIN_DEFAULTS, TemplateMiner, WILDCARD, maskVariables, templateId, templateText, tokenize } from './drain.js';
export type { Cluster, DrainOptions } from './drain.js';
export { LOG_LEVELS, LOG_SOURCES, SYSLOG_ASSUMED_YEAR, detectLevel, levelFromWord, levelRank, parseLines } from './parse.js';
export type { LogLevel, LogRecord, LogSource } from './parse.js';
export { LINE_SIGNATURES, MAX_ANOMALY_LINES, SIGNATURE_KINDS, findSignatures } from './signatures.js';
export type { SignatureHit, SignatureKind } from './signatures.js';

/** Lines per job (after splitting `text`), and for `baseline` on its own. */
export const LOG_MAX_LINES = 20_000;
/** UTF-8 bytes of text per job: the lines (with their newlines) and the baseline together. */
export const LOG_MAX_BYTES = 2 * 1024 * 1024;
/** UTF-8 bytes of one line. */
export const LOG_MAX_LINE_BYTES = 16 * 1024;
/** The SeenStore namespace of template ids. */
export const TEMPLATE_NAMESPACE = 'log-templates';

export const ANOMALY_KINDS = ['new_template', 'error_burst', ...SIGNATURE_KINDS] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

interface LogAnalysisOptions {
  /** Default `auto`: per line (syslog, journal JSON, application), or a journal export stream. */
  source?: LogSource;
  /** Known-normal lines: their templates are recorded as seen and never reported new. */
  baseline?: string[];
}
export type LogAnalysisInput = ({ lines: string[] } | { text: string }) & LogAnalysisOptions;

export interface LogTemplate {
  /** A hash of the template text: the same in every job and on every worker. */
  id: string;
  template: string;
  count: number;
  /** The most severe level its lines carried, when they carried one. */
  level?: LogLevel;
}

export interface LogAnomaly {
  kind: AnomalyKind;
  /** The template text of the lines (for a signature: of its first occurrence's key line). */
  template?: string;
  /** The triggering lines, at most MAX_ANOMALY_LINES. */
  lines: string[];
  /** Lines of the template (new_template), occurrences (signatures), error lines in bursts (error_burst). */
  count: number;
}

export interface LogAnalysisOutput {
  templates: LogTemplate[];
  anomalies: LogAnomaly[];
  severity: Severity;
  /** Log records analysed: non-blank lines, one per line of a multi-line journal or JSON message. */
  lineCount: number;
}

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

/** `text` as lines: split on LF or CRLF, without the empty line after a final newline. */
export function splitText(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines;
}

function checkLines(value: unknown, field: 'lines' | 'baseline'): { lines: string[]; bytes: number } {
  if (!Array.isArray(value)) throw new HandlerInputError(`${field} must be an array of strings`, field);
  if (value.length > LOG_MAX_LINES) throw new HandlerInputError(`${field} has ${value.length} lines, the limit is ${LOG_MAX_LINES}`, field);
  let bytes = Math.max(value.length - 1, 0);
  for (let i = 0; i < value.length; i++) {
    const line: unknown = value[i];
    if (typeof line !== 'string') throw new HandlerInputError(`${field}[${i}] must be a string, not ${line === null ? 'null' : typeof line}`, field);
    const b = byteLength(line);
    if (b > LOG_MAX_LINE_BYTES) throw new HandlerInputError(`${field}[${i}] is ${b} bytes, the limit is ${LOG_MAX_LINE_BYTES} per line`, field);
    bytes += b;
    if (bytes > LOG_MAX_BYTES) throw new HandlerInputError(`${field} holds more than ${LOG_MAX_BYTES} bytes, the limit per job`, field);
  }
  return { lines: value as string[], bytes };
}

function checkText(value: unknown): { lines: string[]; bytes: number } {
  if (typeof value !== 'string') throw new HandlerInputError('text must be a string', 'text');
  const bytes = value.length > LOG_MAX_BYTES ? LOG_MAX_BYTES + 1 : byteLength(value);
  if (bytes > LOG_MAX_BYTES) throw new HandlerInputError(`text is more than ${LOG_MAX_BYTES} bytes, the limit per job`, 'text');
  const lines = splitText(value);
  if (lines.length > LOG_MAX_LINES) throw new HandlerInputError(`text has ${lines.length} lines, the limit is ${LOG_MAX_LINES}`, 'text');
  for (let i = 0; i < lines.length; i++) {
    const b = byteLength(lines[i]!);
    if (b > LOG_MAX_LINE_BYTES) throw new HandlerInputError(`text line ${i + 1} is ${b} bytes, the limit is ${LOG_MAX_LINE_BYTES} per line`, 'text');
  }
  return { lines, bytes };
}

export interface ValidLogAnalysisInput {
  lines: string[];
  source: LogSource;
  baseline?: string[];
}

function validate(input: unknown): ValidLogAnalysisInput {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new HandlerInputError('input must be an object { lines } or { text }');
  const i = input as Record<string, unknown>;
  const hasLines = i.lines !== undefined;
  const hasText = i.text !== undefined;
  if (hasLines && hasText) throw new HandlerInputError('give lines or text, not both', 'lines');
  if (!hasLines && !hasText) throw new HandlerInputError('lines (an array of strings) or text (a string) is required', 'lines');
  const field = hasLines ? 'lines' : 'text';
  const { lines, bytes } = hasLines ? checkLines(i.lines, 'lines') : checkText(i.text);
  if (!lines.some((l) => l.trim() !== '')) throw new HandlerInputError(`${field} is empty: give at least one non-blank log line`, field);
  let source: LogSource = 'auto';
  if (i.source !== undefined) {
    if (typeof i.source !== 'string' || !(LOG_SOURCES as readonly string[]).includes(i.source)) {
      throw new HandlerInputError(`source must be one of ${LOG_SOURCES.join(', ')}`, 'source');
    }
    source = i.source as LogSource;
  }
  const out: ValidLogAnalysisInput = { lines, source };
  if (i.baseline !== undefined) {
    const b = checkLines(i.baseline, 'baseline');
    if (bytes + b.bytes + 1 > LOG_MAX_BYTES) throw new HandlerInputError(`${field} and baseline hold more than ${LOG_MAX_BYTES} bytes together, the limit per job`, 'baseline');
    if (b.lines.length) out.baseline = b.lines;
  }
  return out;
}

interface TemplateStats {
  template: string;
  count: number;
  rank: number;
  examples: string[];
  first: number;
  baseline: boolean;
}

/** Mining text: the program names the event as much as its words do. */
const miningText = (r: LogRecord) => (r.program !== undefined ? `${r.program}: ${r.message}` : r.message);

/**
 * Mines the baseline then the job's records, and sums the job's lines by final template text (two
 * clusters can end with the same text; their lines are one template).
 */
function mine(records: readonly LogRecord[], baseline: readonly LogRecord[]) {
  const miner = new TemplateMiner();
  const inBaseline = new Set<Cluster>();
  for (const r of baseline) inBaseline.add(miner.add(miningText(r)));
  const clusterOf: Cluster[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) clusterOf[i] = miner.add(miningText(records[i]!));

  const byText = new Map<string, TemplateStats>();
  const stats = (c: Cluster, first: number) => {
    const text = templateText(c);
    let s = byText.get(text);
    if (!s) byText.set(text, (s = { template: text, count: 0, rank: LOG_LEVELS.length, examples: [], first, baseline: false }));
    return s;
  };
  for (const c of inBaseline) stats(c, Number.MAX_SAFE_INTEGER).baseline = true;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const s = stats(clusterOf[i]!, i);
    s.first = Math.min(s.first, i);
    s.count++;
    if (r.level !== undefined) s.rank = Math.min(s.rank, levelRank(r.level));
    if (s.examples.length < MAX_ANOMALY_LINES) s.examples.push(r.text);
  }
  return { clusterOf, byText };
}

/** Analyses the records; `seen` decides which templates are new (baseline ones are recorded first). */
export async function analyzeRecords(records: readonly LogRecord[], baseline: readonly LogRecord[], seen: HandlerContext['seen']): Promise<LogAnalysisOutput> {
  const { clusterOf, byText } = mine(records, baseline);
  const ids = new Map<string, string>();
  const idOf = (text: string) => {
    let id = ids.get(text);
    if (id === undefined) ids.set(text, (id = templateId(text)));
    return id;
  };
  const all = [...byText.values()];
  const baselineIds = all.filter((s) => s.baseline).map((s) => idOf(s.template));
  const jobNew = all.filter((s) => !s.baseline && s.count > 0).sort((a, b) => a.first - b.first);
  if (baselineIds.length) await seen.addNew(TEMPLATE_NAMESPACE, baselineIds);
  const fresh = new Set(jobNew.length ? await seen.addNew(TEMPLATE_NAMESPACE, jobNew.map((s) => idOf(s.template))) : []);

  const templates: LogTemplate[] = all
    .filter((s) => s.count > 0)
    .sort((a, b) => b.count - a.count || a.first - b.first)
    .map((s) => ({ id: idOf(s.template), template: s.template, count: s.count, ...(s.rank < LOG_LEVELS.length ? { level: LOG_LEVELS[s.rank]! } : {}) }));

  const anomalies: LogAnomaly[] = [];
  const hits = findSignatures(records);
  for (const kind of SIGNATURE_KINDS) {
    const of = hits.filter((h) => h.kind === kind);
    if (!of.length) continue;
    const lines: string[] = [];
    for (const h of of) for (const i of h.records) if (lines.length < MAX_ANOMALY_LINES) lines.push(records[i]!.text);
    anomalies.push({ kind, template: templateText(clusterOf[of[0]!.anchor]!), lines, count: of.length });
  }
  const burst = findErrorBursts(records);
  if (burst.length) anomalies.push({ kind: 'error_burst', lines: burst.slice(0, MAX_ANOMALY_LINES).map((i) => records[i]!.text), count: burst.length });
  for (const s of jobNew) {
    if (fresh.has(idOf(s.template))) anomalies.push({ kind: 'new_template', template: s.template, lines: s.examples, count: s.count });
  }
  return { templates, anomalies, severity: severityOf(anomalies.map((a) => a.kind)), lineCount: records.length };
}

export const logAnalysis: Handler<LogAnalysisInput, LogAnalysisOutput> = {
  name: 'log-analysis',
  validate,
  async run(input, ctx) {
    if (ctx.signal.aborted) throw new Error('log-analysis: aborted');
    const source = input.source ?? 'auto';
    const lines = 'lines' in input ? input.lines : splitText(input.text);
    const records = parseLines(lines, source);
    const baseline = input.baseline?.length ? parseLines(input.baseline, source) : [];
    return analyzeRecords(records, baseline, ctx.seen);
  },
};
