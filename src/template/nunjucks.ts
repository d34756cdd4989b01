/**
 * The parts of nunjucks fleet builds on: its lexer, parser, node classes, compiler and runtime.
 * nunjucks ships them as CommonJS without types for the internals, so this file loads them once and
 * gives them the few types the rest of src/template relies on.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface NjToken {
  type: string;
  value: any;
  lineno: number;
  colno: number;
}

export interface NjTokenizer {
  in_code: boolean;
  tags: Record<string, string>;
  nextToken(): NjToken | null;
  current(): string;
  forward(): void;
  isFinished(): boolean;
  _extractString(s: string): string | null;
  _parseString(delimiter: string): string;
  [key: string]: any;
}

export interface NjNode {
  typename: string;
  lineno: number;
  colno: number;
  fields: string[];
  children: NjNode[];
  [key: string]: any;
}

export type NjNodeClass = new (lineno: number, colno: number, ...args: any[]) => NjNode;

export interface NjFrame {
  parent: NjFrame | undefined;
  topLevel: boolean;
  set(name: string, value: unknown, resolveUp?: boolean): void;
  lookup(name: string): any;
  push(isolate?: boolean): NjFrame;
  pop(): NjFrame;
}

export interface NunjucksModule {
  Environment: new (loaders?: unknown, opts?: Record<string, unknown>) => any;
  Template: new (src: unknown, env?: unknown, path?: string, eagerCompile?: boolean) => any;
  runtime: {
    Frame: new (parent?: NjFrame, isolateWrites?: boolean) => NjFrame;
    [key: string]: any;
  };
  lexer: { lex(src: string, opts?: Record<string, unknown>): NjTokenizer; [key: string]: any };
  parser: { Parser: new (tokens: NjTokenizer) => any };
  compiler: { Compiler: new (name?: string, throwOnUndefined?: boolean) => any };
  nodes: Record<string, NjNodeClass> & { Node: { extend(name: string, props: Record<string, unknown>): NjNodeClass } };
  lib: { TemplateError: new (message: string | Error, lineno?: number, colno?: number) => Error };
}

export const nunjucks = require('nunjucks') as NunjucksModule;
export const transformer = require('nunjucks/src/transformer') as {
  transform(ast: NjNode, asyncFilters: string[], name?: string): NjNode;
};
export const lexer = nunjucks.lexer;
export const nodes = nunjucks.nodes;
export const runtime = nunjucks.runtime;
export const Frame = runtime.Frame;
