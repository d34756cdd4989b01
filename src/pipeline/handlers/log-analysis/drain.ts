/**
 * Drain (He, Zhu, Zheng, Lyu: "Drain: An Online Log Parsing Approach with Fixed Depth Tree", ICWS
 * 2017), an online template miner. Obvious variables are masked first (numbers, hex, IPs, UUIDs,
 * MACs, paths with digits, durations and sizes); the tokens then walk a tree of fixed depth: first
 * by token count, then by the leading tokens (a token with digits, or one past a node's child limit,
 * goes down the `<*>` branch). The leaf's clusters are the only candidates a line is compared with:
 * it joins the most similar one when the share of equal positions reaches the threshold (positions
 * where they differ become `<*>`), else it starts a cluster of its own. A leaf keeps its most
 * recently matched clusters only, so no line is ever compared with more than a fixed number.
 */
import { createHash } from 'node:crypto';

export const WILDCARD = '<*>';

export interface DrainOptions {
  /** Tree depth counting the root and the token-count layer: depth 4 routes on 2 leading tokens. */
  depth: number;
  /** The share of equal positions a line needs to join a cluster. */
  similarity: number;
  /** Children per inner node before new tokens share the `<*>` branch. */
  maxChildren: number;
  /** Clusters a leaf compares a line with (least recently matched ones leave the candidates). */
  maxLeafClusters: number;
}

export const DRAIN_DEFAULTS: Readonly<DrainOptions> = { depth: 4, similarity: 0.5, maxChildren: 100, maxLeafClusters: 64 };

const W = WILDCARD;

/**
 * Variables replaced by `<*>` before tokens are compared, in order. Each is anchored so it never
 * cuts a word in two: `eth0`, `ssh2`, `python3` and `ED25519` stay; `sshd[812]`, `10.0.6.4:22`,
 * `session-42.scope`, `0x7f3a`, `/proc/812/status`, `12ms`, `8123456kB` become variables.
 */
const MASKS: readonly (readonly [RegExp, string | ((m: string) => string), RegExp?])[] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, W, /-/],
  // paths (absolute, ./ ~/) holding a digit somewhere: the whole path is the variable
  [/(?<![^\s"'=([{,])(?:~|\.{1,2})?\/[^\s"'`,;()[\]{}<>]*/g, (m) => (/\d/.test(m) ? W : m), /\//],
  [/(?<![\w:.])(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}(?![\w:])/gi, W, /[:-][0-9a-fA-F]{2}[:-]/],
  [/(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\d.]*\d)/g, W, /\d\.\d/],
  // IPv6, full or compressed (tried only where two colons are at most four hex digits apart)
  [
    /(?<![\w:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])|(?<![\w:])(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?(?![\w:])/gi,
    W,
    /:[0-9a-fA-F]{0,4}:/,
  ],
  [/\b0x[0-9a-f]+\b/gi, W, /0[xX]/],
  // bare hex of 8+ digits with both a digit and a letter, in one case (addresses, hashes, ids; not ED25519)
  [/\b[0-9a-fA-F]{8,}\b/g, (m) => (/\d/.test(m) && (/^[0-9a-f]+$/.test(m) || /^[0-9A-F]+$/.test(m)) && /[a-fA-F]/.test(m) ? W : m)],
  // compound durations: 1h2m3s, 3m20.5s
  [/(?<![A-Za-z0-9.])(?:\d+(?:\.\d+)?(?:h|m|s|ms|us|µs|ns)){2,}(?![A-Za-z0-9])/g, W, /\d[hms]\d/],
  // numbers, decimals, versions, with a unit or percent sign
  [/(?<![A-Za-z0-9.])\d+(?:\.\d+)*(?:[eE][-+]?\d+)?(?:ns|us|µs|ms|s|sec|secs|min|mins|m|h|hr|hrs|d|days?|[kKMGTP]i?B|[kKMGTP]|B|bytes|%)?(?![A-Za-z0-9])/g, W],
];

/** The text with its obvious variables replaced by `<*>` (each mask is tried only where a cheap test says it may match). */
export function maskVariables(text: string): string {
  let out = text;
  for (const [re, to, hint] of MASKS) if (!hint || hint.test(out)) out = out.replace(re, to as string);
  return out;
}

/** Masked tokens (whitespace-separated). */
export function tokenize(text: string): string[] {
  const t = maskVariables(text).trim();
  return t === '' ? [] : t.split(/\s+/);
}

/** A template's id: a hash of its text, so the same template has the same id in every job and worker. */
export function templateId(template: string): string {
  return createHash('sha256').update(template).digest('hex').slice(0, 16);
}

export interface Cluster {
  /** Creation order within this miner. */
  readonly index: number;
  tokens: string[];
  /** Lines merged into it. */
  size: number;
  /** The last line number (of this miner) that matched it. */
  lastUsed: number;
}

interface Node {
  children: Map<string, Node>;
  clusters: Cluster[];
}

const node = (): Node => ({ children: new Map(), clusters: [] });
const DIGIT = /\d/;

export class TemplateMiner {
  readonly options: DrainOptions;
  private readonly root = new Map<number, Node>();
  private readonly all: Cluster[] = [];
  private seq = 0;

  constructor(options: Partial<DrainOptions> = {}) {
    this.options = { ...DRAIN_DEFAULTS, ...options };
  }

  /** Every cluster so far, in creation order. */
  get clusters(): readonly Cluster[] {
    return this.all;
  }

  /** Adds a line; returns the cluster it joined or started. */
  add(text: string): Cluster {
    return this.addTokens(tokenize(text));
  }

  addTokens(tokens: readonly string[]): Cluster {
    const line = ++this.seq;
    let cur = this.root.get(tokens.length);
    if (!cur) this.root.set(tokens.length, (cur = node()));
    const layers = Math.min(Math.max(this.options.depth - 2, 0), tokens.length);
    for (let i = 0; i < layers; i++) {
      const token = tokens[i]!;
      let key = token;
      if (!cur.children.has(token) && (DIGIT.test(token) || cur.children.size >= this.options.maxChildren)) key = W;
      let next = cur.children.get(key);
      if (!next) cur.children.set(key, (next = node()));
      cur = next;
    }
    const best = this.bestMatch(cur.clusters, tokens);
    if (best) {
      for (let i = 0; i < tokens.length; i++) if (best.tokens[i] !== tokens[i]) best.tokens[i] = W;
      best.size++;
      best.lastUsed = line;
      return best;
    }
    const cluster: Cluster = { index: this.all.length, tokens: [...tokens], size: 1, lastUsed: line };
    this.all.push(cluster);
    cur.clusters.push(cluster);
    if (cur.clusters.length > this.options.maxLeafClusters) {
      let lru = 0;
      for (let i = 1; i < cur.clusters.length; i++) if (cur.clusters[i]!.lastUsed < cur.clusters[lru]!.lastUsed) lru = i;
      cur.clusters.splice(lru, 1);
    }
    return cluster;
  }

  /**
   * The most similar candidate at or above the threshold. Similarity is the share of positions
   * whose tokens are equal (a template's `<*>` counts only against a masked `<*>`); ties go to the
   * cluster with more wildcards (the more general), then to the older one.
   */
  private bestMatch(candidates: readonly Cluster[], tokens: readonly string[]): Cluster | undefined {
    if (tokens.length === 0) return candidates[0];
    let best: Cluster | undefined;
    let bestSim = -1;
    let bestParams = -1;
    for (const c of candidates) {
      let equal = 0;
      let params = 0;
      for (let i = 0; i < tokens.length; i++) {
        const t = c.tokens[i]!;
        if (t === tokens[i]) equal++;
        else if (t === W) params++;
      }
      const sim = equal / tokens.length;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        best = c;
        bestSim = sim;
        bestParams = params;
      }
    }
    return best && bestSim >= this.options.similarity ? best : undefined;
  }
}

/** A cluster's template text. */
export function templateText(cluster: Cluster): string {
  return cluster.tokens.join(' ');
}
