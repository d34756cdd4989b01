/**
 * Jinja2 on nunjucks: nunjucks's lexer and parser, adjusted where Jinja differs, and a compiler
 * that emits calls into fleet's runtime (runtime.ts) for every operation whose meaning is Python's
 * rather than JavaScript's: variable and attribute lookup (StrictUndefined), truthiness, `==`,
 * `+`, `in`, filters, tests, output.
 *
 * Differences from nunjucks's own parsing that this file adds:
 * - Python string escapes (`'\d'` stays `\d`); in playbook strings, string literals inside
 *   `{{ }}` keep their backslashes, as Ansible's templar does.
 * - `{{ {'a': {'b': 1}} }}`: a `}}` inside brackets does not end the expression.
 * - `foo.0`, `foo.0.bar`, slices `x[1:]`, `x[::-1]`, tuples `(a, b)`, trailing commas,
 *   expression dict keys `{item.key: item.value}`, `True`/`False`/`None`.
 * - `x is divisibleby 3`, `x is none`, `x is ansible.builtin.match('a')`.
 * - `{% for x in xs if cond %}`, `loop.cycle()`, `loop.previtem`, `{% set a, b = pair %}`,
 *   `{% set ns.value = 1 %}`, `{% do ... %}`, `{% break %}`, `{% continue %}`.
 * - trim_blocks also after comments, as Jinja does.
 */
import { Frame, lexer, nodes, nunjucks, transformer, type NjFrame, type NjNode, type NjToken, type NjTokenizer } from './nunjucks.js';

export interface ParseOptions {
  /** Playbook strings: string literals in `{{ }}` keep their backslashes (Ansible's escape_backslashes). */
  rawStrings: boolean;
  trimBlocks: boolean;
  lstripBlocks: boolean;
  /** Other delimiters than `{{ }}`, `{% %}`, `{# #}` (the template lookup's variable_start_string...). */
  delimiters?: Delimiters;
}

export interface Delimiters {
  variableStart?: string;
  variableEnd?: string;
  blockStart?: string;
  blockEnd?: string;
  commentStart?: string;
  commentEnd?: string;
}

export interface NameChecker {
  hasFilter(name: string): boolean;
  hasTest(name: string): boolean;
}

type Any = any;

const Slice = nodes.Node.extend('Slice', { fields: ['start', 'stop', 'step'] });
const LoopControl = nodes.Node.extend('LoopControl', { fields: ['kind'] });

const OPEN = new Set(['left-paren', 'left-bracket', 'left-curly']);
const CLOSE = new Set(['right-paren', 'right-bracket', 'right-curly']);

/** Read a quoted string literal with Python's escapes (or none, in raw mode). */
function readString(t: NjTokenizer, delimiter: string, raw: boolean): string {
  t.forward();
  let s = '';
  while (!t.isFinished() && t.current() !== delimiter) {
    const c = t.current();
    if (c !== '\\') {
      s += c;
      t.forward();
      continue;
    }
    t.forward();
    const n = t.current();
    if (raw) {
      s += `\\${n}`;
      t.forward();
      continue;
    }
    const simple: Record<string, string> = {
      '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
    };
    if (n === '\n') {
      t.forward();
    } else if (n in simple) {
      s += simple[n];
      t.forward();
    } else if (/[0-7]/.test(n)) {
      let digits = '';
      while (digits.length < 3 && /[0-7]/.test(t.current())) {
        digits += t.current();
        t.forward();
      }
      s += String.fromCharCode(Number.parseInt(digits, 8));
    } else if (n === 'x' || n === 'u' || n === 'U') {
      const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
      t.forward();
      let digits = '';
      while (digits.length < len && /[0-9a-fA-F]/.test(t.current())) {
        digits += t.current();
        t.forward();
      }
      s += digits.length === len ? String.fromCodePoint(Number.parseInt(digits, 16)) : `\\${n}${digits}`;
    } else {
      s += `\\${n}`;
      t.forward();
    }
  }
  t.forward();
  return s;
}

function tokenize(src: string, options: ParseOptions): NjTokenizer {
  const t = lexer.lex(src, { trimBlocks: options.trimBlocks, lstripBlocks: options.lstripBlocks, ...(options.delimiters ? { tags: options.delimiters } : {}) });
  const tags = t.tags;
  const ends = new Set([tags.BLOCK_END!, `-${tags.BLOCK_END}`, tags.VARIABLE_END!, `-${tags.VARIABLE_END}`]);
  let depth = 0;
  let inVariable = false;
  let afterComment = false;
  const extract = t._extractString.bind(t);
  t._extractString = (s: string) => (depth > 0 && t.in_code && ends.has(s) ? null : extract(s));
  t._parseString = (delimiter: string) => readString(t, delimiter, options.rawStrings && inVariable);
  const next = t.nextToken.bind(t);
  t.nextToken = () => {
    const tok = next();
    if (!tok) return tok;
    if (OPEN.has(tok.type)) depth++;
    else if (CLOSE.has(tok.type)) depth = Math.max(0, depth - 1);
    else if (tok.type === 'variable-start') {
      inVariable = true;
      depth = 0;
    } else if (tok.type === 'block-start' || tok.type === 'variable-end' || tok.type === 'block-end') {
      inVariable = false;
      depth = 0;
    } else if (tok.type === 'data' && afterComment && options.trimBlocks) {
      const v = tok.value as string;
      if (v.startsWith('\r\n')) tok.value = v.slice(2);
      else if (v.startsWith('\n')) tok.value = v.slice(1);
    }
    if (tok.type !== 'whitespace') afterComment = tok.type === 'comment';
    return tok;
  };
  return t;
}

const ParserBase = nunjucks.parser.Parser as new (tokens: NjTokenizer) => Any;
const KEYWORDS = new Set(['and', 'or', 'not', 'if', 'else', 'in', 'is']);

class FleetParser extends ParserBase {
  /** `foo.0`, `foo.0.bar`, `x[1:2]` on top of nunjucks's postfix parsing. */
  parsePostfix(node: NjNode): NjNode {
    let tok: NjToken | null = this.peekToken();
    while (tok) {
      if (tok.type === 'left-paren') {
        node = new nodes.FunCall!(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === 'left-bracket') {
        node = new nodes.LookupVal!(tok.lineno, tok.colno, node, this.parseSubscript());
      } else if (tok.type === 'operator' && tok.value === '.') {
        this.nextToken();
        const val: NjToken | null = this.nextToken();
        if (!val) this.fail('expected name as lookup value, got end of template');
        if (val!.type === 'symbol' || val!.type === 'boolean' || val!.type === 'none') {
          node = new nodes.LookupVal!(tok.lineno, tok.colno, node, new nodes.Literal!(val!.lineno, val!.colno, String(val!.value)));
        } else if (val!.type === 'int') {
          node = new nodes.LookupVal!(tok.lineno, tok.colno, node, new nodes.Literal!(val!.lineno, val!.colno, Number(val!.value)));
        } else if (val!.type === 'float') {
          const text = String(val!.value);
          for (const part of text.split('.')) {
            if (part !== '') node = new nodes.LookupVal!(tok.lineno, tok.colno, node, new nodes.Literal!(val!.lineno, val!.colno, Number(part)));
          }
          if (text.endsWith('.')) this.pushToken({ type: 'operator', value: '.', lineno: val!.lineno, colno: val!.colno });
        } else {
          this.fail(`expected name as lookup value, got ${String(val!.value)}`, val!.lineno, val!.colno);
        }
      } else {
        break;
      }
      tok = this.peekToken();
    }
    return node;
  }

  /** `[expr]` or a slice `[start:stop:step]`. */
  parseSubscript(): NjNode {
    const open: NjToken = this.nextToken();
    const parts: (NjNode | null)[] = [null, null, null];
    let isSlice = false;
    let field = 0;
    for (;;) {
      const tok: NjToken | null = this.peekToken();
      if (!tok) this.fail('unexpected end of template in subscript', open.lineno, open.colno);
      if (tok!.type === 'right-bracket') {
        this.nextToken();
        break;
      }
      if (tok!.type === 'colon') {
        this.nextToken();
        isSlice = true;
        field++;
        if (field > 2) this.fail('invalid slice', tok!.lineno, tok!.colno);
        continue;
      }
      if (parts[field]) this.fail('invalid subscript', tok!.lineno, tok!.colno);
      parts[field] = this.parseExpression();
    }
    if (!isSlice) {
      if (!parts[0]) this.fail('expected an index', open.lineno, open.colno);
      return parts[0]!;
    }
    return new Slice(open.lineno, open.colno, parts[0], parts[1], parts[2]);
  }

  /** List, tuple and dict literals: trailing commas, tuples, expression keys. */
  parseAggregate(): NjNode | null {
    const tok: NjToken = this.nextToken();
    let node: NjNode;
    switch (tok.type) {
      case 'left-paren':
        node = new nodes.Group!(tok.lineno, tok.colno);
        break;
      case 'left-bracket':
        node = new nodes.Array!(tok.lineno, tok.colno);
        break;
      case 'left-curly':
        node = new nodes.Dict!(tok.lineno, tok.colno);
        break;
      default:
        return null;
    }
    for (;;) {
      const type = this.peekToken()?.type;
      if (type === undefined) this.fail('unexpected end of template in a literal', tok.lineno, tok.colno);
      if (CLOSE.has(type)) {
        this.nextToken();
        break;
      }
      if (node.children.length > 0) {
        if (!this.skip('comma')) this.fail('expected comma after expression', tok.lineno, tok.colno);
        node.tuple = true;
        if (CLOSE.has(this.peekToken()?.type)) {
          this.nextToken();
          break;
        }
      }
      if (node.typename === 'Dict') {
        const key = this.parseExpression();
        if (!this.skip('colon')) this.fail('expected colon after dict key', tok.lineno, tok.colno);
        const value = this.parseExpression();
        node.addChild(new nodes.Pair!(key.lineno, key.colno, key, value));
      } else {
        node.addChild(this.parseExpression());
      }
    }
    return node;
  }

  /** `x is name`, `x is name(args)`, `x is name arg`, dotted names, `none`/`true`/`false`. */
  parseIs(): NjNode {
    let node = this.parseCompare();
    if (!this.skipSymbol('is')) return node;
    const not = this.skipSymbol('not');
    const first: NjToken | null = this.nextToken();
    if (!first || !['symbol', 'none', 'boolean'].includes(first.type)) {
      this.fail('expected a test name after "is"', first?.lineno, first?.colno);
    }
    let name = first!.type === 'none' ? 'none' : String(first!.value);
    while (this.peekToken()?.type === 'operator' && this.peekToken().value === '.') {
      this.nextToken();
      const part: NjToken = this.nextToken();
      if (!part || part.type !== 'symbol') this.fail('expected a test name', first!.lineno, first!.colno);
      name += `.${part.value}`;
    }
    let right: NjNode = new nodes.Symbol!(first!.lineno, first!.colno, name);
    const peek: NjToken | null = this.peekToken();
    if (peek && peek.type === 'left-paren') {
      right = new nodes.FunCall!(peek.lineno, peek.colno, right, this.parseSignature());
    } else if (
      peek &&
      (['string', 'int', 'float', 'left-bracket', 'left-curly', 'none', 'boolean'].includes(peek.type) ||
        (peek.type === 'symbol' && !KEYWORDS.has(peek.value)))
    ) {
      const arg = this.parsePrimary();
      right = new nodes.FunCall!(peek.lineno, peek.colno, right, new nodes.NodeList!(peek.lineno, peek.colno, [arg]));
    }
    node = new nodes.Is!(node.lineno, node.colno, node, right);
    return not ? new nodes.Not!(node.lineno, node.colno, node) : node;
  }
}

const doExtension = {
  __name: 'fleet_do',
  tags: ['do'],
  parse(parser: Any): NjNode {
    const tok = parser.nextToken();
    const args = parser.parseSignature(null, true);
    parser.advanceAfterBlockEnd(tok.value);
    const CallExtension = nodes.CallExtension as unknown as new (...a: unknown[]) => NjNode;
    return new CallExtension(doExtension, 'run', args, []);
  },
  run(): string {
    return '';
  },
};

const loopControlExtension = {
  __name: 'fleet_loopcontrols',
  tags: ['break', 'continue'],
  parse(parser: Any): NjNode {
    const tok = parser.nextToken();
    parser.advanceAfterBlockEnd(tok.value);
    return new LoopControl(tok.lineno, tok.colno, tok.value);
  },
};

/** The extensions every template is parsed with; the environment registers the same objects. */
export const EXTENSIONS: { __name: string; tags: string[] }[] = [doExtension, loopControlExtension];

export function parseTemplate(src: string, options: ParseOptions): NjNode {
  const parser = new FleetParser(tokenize(src, options));
  parser.extensions = EXTENSIONS;
  return parser.parseAsRoot();
}

/** The single expression of a template that is exactly one `{{ expr }}`, else undefined. */
export function singleExpression(root: NjNode): NjNode | undefined {
  let found: NjNode | undefined;
  for (const child of root.children) {
    if (child.typename !== 'Output') return undefined;
    for (const part of child.children) {
      if (part.typename === 'TemplateData') {
        if (part.value !== '') return undefined;
        continue;
      }
      if (found) return undefined;
      found = part;
    }
  }
  return found;
}

const CompilerBase = nunjucks.compiler.Compiler as new (name?: string, throwOnUndefined?: boolean) => Any;

const BINARY: Record<string, string> = {
  Add: 'add', Sub: 'sub', Mul: 'mul', Div: 'div', FloorDiv: 'floordiv', Mod: 'mod', Pow: 'pow', Concat: 'concat',
};

function str(s: string): string {
  return JSON.stringify(s);
}

class FleetCompiler extends CompilerBase {
  checker!: NameChecker;

  _emitFuncBegin(node: NjNode, name: string): void {
    super._emitFuncBegin(node, name);
    this._emitLine('var fx = env.fx;');
  }

  /** A readable name for an expression, for "undefined" messages. */
  _path(node: NjNode): string {
    switch (node.typename) {
      case 'Symbol':
        return node.value;
      case 'LookupVal': {
        const base = this._path(node.target);
        const key = node.val;
        if (key.typename === 'Literal') {
          if (typeof key.value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key.value)) return `${base}.${key.value}`;
          return `${base}[${JSON.stringify(key.value)}]`;
        }
        return `${base}[...]`;
      }
      case 'FunCall':
        return `${this._path(node.name)}()`;
      case 'Filter':
        return `(... | ${node.name.value})`;
      default:
        return '(expression)';
    }
  }

  fail(message: string, lineno?: number, colno?: number): never {
    const err = new nunjucks.lib.TemplateError(message, lineno === undefined ? undefined : lineno + 1, colno === undefined ? undefined : colno + 1);
    throw err;
  }

  compileSymbol(node: NjNode, frame: NjFrame): void {
    const name: string = node.value;
    if (name === 'True') return void this._emit('true');
    if (name === 'False') return void this._emit('false');
    if (name === 'None') return void this._emit('null');
    const local = frame.lookup(name);
    if (local) this._emit(local);
    else this._emit(`fx.lookup(context, frame, ${str(name)})`);
  }

  compileLookupVal(node: NjNode, frame: NjFrame): void {
    if (node.val.typename === 'Slice') {
      this._emit('fx.slice(');
      this._compileExpression(node.target, frame);
      for (const part of [node.val.start, node.val.stop, node.val.step]) {
        this._emit(', ');
        if (part) this._compileExpression(part, frame);
        else this._emit('null');
      }
      this._emit(')');
      return;
    }
    this._emit('fx.member(');
    this._compileExpression(node.target, frame);
    this._emit(', ');
    this._compileExpression(node.val, frame);
    this._emit(`, ${str(this._path(node))})`);
  }

  compileFunCall(node: NjNode, frame: NjFrame): void {
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, fx.call(`);
    this._compileExpression(node.name, frame);
    this._emit(`, ${str(this._path(node.name))}, context, `);
    this._compileAggregate(node.args, frame, '[', ']');
    this._emit('))');
  }

  compileFilter(node: NjNode, frame: NjFrame): void {
    const name: string = node.name.value;
    if (!this.checker.hasFilter(name)) this.fail(`no filter named '${name}'`, node.lineno, node.colno);
    this._emit(`fx.filter(${str(name)}, context, `);
    this._compileAggregate(node.args, frame, '[', ']');
    this._emit(')');
  }

  compileIs(node: NjNode, frame: NjFrame): void {
    const right = node.right;
    const call = right.typename === 'FunCall';
    const name: string = call ? right.name.value : right.value;
    if (!this.checker.hasTest(name)) this.fail(`no test named '${name}'`, node.lineno, node.colno);
    this._emit(`fx.test(${str(name)}, context, `);
    this.compile(node.left, frame);
    this._emit(', ');
    if (call) this._compileAggregate(right.args, frame, '[', ']');
    else this._emit('[]');
    this._emit(')');
  }

  compileKeywordArgs(node: NjNode, frame: NjFrame): void {
    this._emit('runtime.makeKeywordArgs({');
    node.children.forEach((pair: NjNode, i: number) => {
      if (i) this._emit(', ');
      this._emit(`${str(String(pair.key.value))}: `);
      this._compileExpression(pair.value, frame);
    });
    this._emit('})');
  }

  compileDict(node: NjNode, frame: NjFrame): void {
    this._emit('fx.dict([');
    node.children.forEach((pair: NjNode, i: number) => {
      if (i) this._emit(', ');
      this._compileExpression(pair.key, frame);
      this._emit(', ');
      this._compileExpression(pair.value, frame);
    });
    this._emit('])');
  }

  compileGroup(node: NjNode, frame: NjFrame): void {
    if (node.children.length === 1 && !node.tuple) this._compileAggregate(node, frame, '(', ')');
    else this._compileAggregate(node, frame, '[', ']');
  }

  compileInlineIf(node: NjNode, frame: NjFrame): void {
    this._emit('(fx.truthy(');
    this.compile(node.cond, frame);
    this._emit(') ? ');
    this.compile(node.body, frame);
    this._emit(' : ');
    if (node.else_) this.compile(node.else_, frame);
    else this._emit('fx.undef("the inline if-expression evaluated to false and no else section was defined")');
    this._emit(')');
  }

  compileIn(node: NjNode, frame: NjFrame): void {
    this._emit('fx.contains(');
    this.compile(node.right, frame);
    this._emit(', ');
    this.compile(node.left, frame);
    this._emit(')');
  }

  compileOr(node: NjNode, frame: NjFrame): void {
    this._emit('fx.or(');
    this.compile(node.left, frame);
    this._emit(', function () { return ');
    this.compile(node.right, frame);
    this._emit('; })');
  }

  compileAnd(node: NjNode, frame: NjFrame): void {
    this._emit('fx.and(');
    this.compile(node.left, frame);
    this._emit(', function () { return ');
    this.compile(node.right, frame);
    this._emit('; })');
  }

  compileNot(node: NjNode, frame: NjFrame): void {
    this._emit('!fx.truthy(');
    this.compile(node.target, frame);
    this._emit(')');
  }

  _binary(node: NjNode, frame: NjFrame): void {
    this._emit(`fx.${BINARY[node.typename]}(`);
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  }

  compileAdd(node: NjNode, frame: NjFrame): void {
    this._binary(node, frame);
  }

  compileSub(node: NjNode, frame: NjFrame): void {
    this._binary(node, frame);
  }

  compileMul(node: NjNode, frame: NjFrame): void {
    this._binary(node, frame);
  }

  compileDiv(node: NjNode, frame: NjFrame): void {
    this._binary(node, frame);
  }

  compileFloorDiv(node: NjNode, frame: NjFrame): void {
    this._binary(node, frame);
  }

  compileMod(node: NjNode, frame: NjFrame): void {
    this._binary(node, frame);
  }

  compilePow(node: NjNode, frame: NjFrame): void {
    this._binary(node, frame);
  }

  compileConcat(node: NjNode, frame: NjFrame): void {
    this._binary(node, frame);
  }

  compileNeg(node: NjNode, frame: NjFrame): void {
    this._emit('fx.neg(');
    this.compile(node.target, frame);
    this._emit(')');
  }

  compilePos(node: NjNode, frame: NjFrame): void {
    this._emit('fx.pos(');
    this.compile(node.target, frame);
    this._emit(')');
  }

  compileCompare(node: NjNode, frame: NjFrame): void {
    this._emit('fx.compare(');
    this.compile(node.expr, frame);
    this._emit(', [');
    node.ops.forEach((op: NjNode, i: number) => {
      if (i) this._emit(', ');
      this._emit(`${str(op.type)}, `);
      this.compile(op.expr, frame);
    });
    this._emit('])');
  }

  compileOutput(node: NjNode, frame: NjFrame): void {
    for (const child of node.children) {
      if (child.typename === 'TemplateData') {
        if (child.value) {
          this._emit(`${this.buffer} += `);
          this.compileLiteral(child, frame);
          this._emitLine(';');
        }
      } else {
        this._emitLine(`lineno = ${child.lineno}; colno = ${child.colno};`);
        this._emit(`${this.buffer} += fx.out(`);
        this.compile(child, frame);
        this._emitLine(');');
      }
    }
  }

  compileIf(node: NjNode, frame: NjFrame): void {
    this._emitLine(`lineno = ${node.lineno}; colno = ${node.colno};`);
    this._emit('if (fx.truthy(');
    this._compileExpression(node.cond, frame);
    this._emitLine(')) {');
    this._withScopedSyntax(() => this.compile(node.body, frame));
    if (node.else_) {
      this._emitLine('} else {');
      this._withScopedSyntax(() => this.compile(node.else_, frame));
    }
    this._emitLine('}');
  }

  _bindLoopNames(names: string[], itemExpr: string, frame: NjFrame): void {
    if (names.length === 1) {
      const id = this._tmpid();
      this._emitLine(`var ${id} = ${itemExpr};`);
      this._emitLine(`frame.set(${str(names[0]!)}, ${id});`);
      frame.set(names[0]!, id);
      return;
    }
    const row = this._tmpid();
    this._emitLine(`var ${row} = fx.unpack(${itemExpr}, ${names.length});`);
    names.forEach((name, u) => {
      const id = this._tmpid();
      this._emitLine(`var ${id} = ${row}[${u}];`);
      this._emitLine(`frame.set(${str(name)}, ${id});`);
      frame.set(name, id);
    });
  }

  compileFor(node: NjNode, frame: NjFrame): void {
    const i = this._tmpid();
    const len = this._tmpid();
    const arr = this._tmpid();
    // Jinja scoping: a {% set %} inside the loop does not leak out of it (use namespace() for that).
    frame = frame.push(true);
    this._emitLine(`lineno = ${node.lineno}; colno = ${node.colno};`);
    this._emitLine('frame = frame.push(true);');
    let iterable = node.arr;
    let condition: NjNode | null = null;
    if (iterable.typename === 'InlineIf' && iterable.else_ === null) {
      condition = iterable.cond;
      iterable = iterable.body;
    }
    const names: string[] =
      node.name.typename === 'Array' ? node.name.children.map((c: NjNode) => c.value as string) : [node.name.value as string];
    this._emit(`var ${arr} = fx.iter(`);
    this._compileExpression(iterable, frame);
    this._emitLine(`, ${names.length});`);
    if (condition) {
      const kept = this._tmpid();
      const j = this._tmpid();
      const condFrame = frame.push();
      this._emitLine(`var ${kept} = [];`);
      this._emitLine('frame = frame.push();');
      this._emitLine(`for (var ${j} = 0; ${j} < ${arr}.length; ${j}++) {`);
      this._bindLoopNames(names, `${arr}[${j}]`, condFrame);
      this._emit('if (fx.truthy(');
      this._compileExpression(condition, condFrame);
      this._emitLine(`)) ${kept}.push(${arr}[${j}]);`);
      this._emitLine('}');
      this._emitLine('frame = frame.pop();');
      this._emitLine(`${arr} = ${kept};`);
    }
    this._emitLine(`var ${len} = ${arr}.length;`);
    this._emitLine(`for (var ${i} = 0; ${i} < ${len}; ${i}++) {`);
    // Each iteration gets a fresh scope, as in Jinja.
    this._emitLine('frame = frame.push(true);');
    this._emitLine('try {');
    this._bindLoopNames(names, `${arr}[${i}]`, frame);
    const bindings: [string, string][] = [
      ['index', `${i} + 1`],
      ['index0', i],
      ['revindex', `${len} - ${i}`],
      ['revindex0', `${len} - ${i} - 1`],
      ['first', `${i} === 0`],
      ['last', `${i} === ${len} - 1`],
      ['length', len],
      ['cycle', `fx.cycler(${i})`],
      ['previtem', `${i} > 0 ? ${arr}[${i} - 1] : fx.undef("there is no previous item", "loop.previtem")`],
      ['nextitem', `${i} < ${len} - 1 ? ${arr}[${i} + 1] : fx.undef("there is no next item", "loop.nextitem")`],
    ];
    for (const [name, value] of bindings) this._emitLine(`frame.set("loop.${name}", ${value});`);
    this._withScopedSyntax(() => this.compile(node.body, frame));
    this._emitLine('} finally {');
    this._emitLine('frame = frame.pop();');
    this._emitLine('}');
    this._emitLine('}');
    if (node.else_) {
      this._emitLine(`if (!${len}) {`);
      this.compile(node.else_, frame);
      this._emitLine('}');
    }
    this._emitLine('frame = frame.pop();');
  }

  compileLoopControl(node: NjNode): void {
    this._emitLine(`${node.kind};`);
  }

  compileSet(node: NjNode, frame: NjFrame): void {
    this._emitLine(`lineno = ${node.lineno}; colno = ${node.colno};`);
    const targets: NjNode[] = node.targets;
    if (targets.length === 1 && targets[0]!.typename === 'LookupVal') {
      const target = targets[0]!;
      this._emit('fx.setattr(');
      this._compileExpression(target.target, frame);
      this._emit(', ');
      this._compileExpression(target.val, frame);
      this._emit(', ');
      if (node.value) this._compileExpression(node.value, frame);
      else this.compile(node.body, frame);
      this._emitLine(');');
      return;
    }
    const ids = targets.map((target) => {
      if (target.typename !== 'Symbol') this.fail('can only assign to names and attributes', target.lineno, target.colno);
      let id = frame.lookup(target.value);
      if (id === null || id === undefined) {
        id = this._tmpid();
        this._emitLine(`var ${id};`);
      }
      return id as string;
    });
    if (node.value) {
      if (ids.length === 1) {
        this._emit(`${ids[0]} = `);
        this._compileExpression(node.value, frame);
        this._emitLine(';');
      } else {
        const row = this._tmpid();
        this._emit(`var ${row} = fx.unpack(`);
        this._compileExpression(node.value, frame);
        this._emitLine(`, ${ids.length});`);
        ids.forEach((id, k) => this._emitLine(`${id} = ${row}[${k}];`));
      }
    } else {
      this._emit(`${ids.join(' = ')} = `);
      this.compile(node.body, frame);
      this._emitLine(';');
    }
    targets.forEach((target, k) => {
      const id = ids[k]!;
      const name = str(target.value);
      this._emitLine(`frame.set(${name}, ${id}, true);`);
      this._emitLine(`if (frame.topLevel) { context.setVariable(${name}, ${id}); }`);
      if (!String(target.value).startsWith('_')) this._emitLine(`if (frame.topLevel) { context.addExport(${name}, ${id}); }`);
    });
  }

  compileInclude(node: NjNode, frame: NjFrame): void {
    this._emit(`${this.buffer} += fx.include(`);
    this._compileExpression(node.template, frame);
    this._emitLine(`, context, frame, ${node.ignoreMissing ? 'true' : 'false'});`);
  }
}

export type RootProps = Record<string, (...args: unknown[]) => void> & { root: (...args: unknown[]) => void };
export type ExpressionFn = (env: unknown, context: unknown, frame: NjFrame, runtime: unknown) => unknown;

/** Compile a whole template to nunjucks's render functions (root and blocks). */
export function compileTemplate(root: NjNode, name: string, checker: NameChecker): RootProps {
  const compiler = new FleetCompiler(name, false);
  compiler.checker = checker;
  compiler.compile(transformer.transform(root, [], name));
  return new Function(compiler.getCode())() as RootProps;
}

/** Compile one expression to a function returning its native value. */
export function compileExpression(expr: NjNode, checker: NameChecker): ExpressionFn {
  const compiler = new FleetCompiler('expression', false);
  compiler.checker = checker;
  compiler._compileExpression(expr, new Frame());
  const body = `var fx = env.fx; var lineno = ${expr.lineno}, colno = ${expr.colno}; return (${compiler.getCode()});`;
  return new Function('env', 'context', 'frame', 'runtime', body) as ExpressionFn;
}

/** The message of a nunjucks parse or compile error, without its "(unknown path)" prefix. */
export function nunjucksMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^\([^)]*\)(?: \[Line \d+(?:, Column \d+)?\])?\n\s*/, '').replace(/^Template render error: /, '');
}

