import { createInterface } from 'node:readline';
import { UsageError } from '../errors.js';

/**
 * Ask for a secret on the terminal without echoing it. Without a terminal the first line of standard
 * input is read, so scripts can pipe it in; with neither, a clear error.
 */
export async function askSecret(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    const rl = createInterface({ input, terminal: false });
    const line = await new Promise<string | undefined>((resolveLine) => {
      rl.once('line', (l) => resolveLine(l));
      rl.once('close', () => resolveLine(undefined));
    });
    rl.close();
    if (line === undefined) throw new UsageError(`${question.trim()} asked for, but there is no terminal and standard input is empty`);
    return line;
  }
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  return new Promise((resolveSecret, reject) => {
    let secret = '';
    const done = (): void => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          done();
          resolveSecret(secret);
          return;
        }
        if (ch === '\u0003') {
          done();
          reject(new UsageError('interrupted at the password prompt'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') secret = secret.slice(0, -1);
        else secret += ch;
      }
    };
    input.on('data', onData);
  });
}

/** A passphrase callback that asks once per key file, however many hosts need it at once. */
export function passphrasePrompter(): (keyFile: string) => Promise<string> {
  const asked = new Map<string, Promise<string>>();
  return (keyFile) => {
    let answer = asked.get(keyFile);
    if (!answer) {
      if (!process.stdin.isTTY) {
        return Promise.reject(new UsageError(`private key ${keyFile} is encrypted and there is no terminal to ask for its passphrase`, { hint: 'load it into ssh-agent (ssh-add) or run fleet from a terminal' }));
      }
      answer = askSecret(`Enter passphrase for key '${keyFile}': `);
      asked.set(keyFile, answer);
    }
    return answer;
  };
}

/**
 * vars_prompt questions, asked on the terminal as Ansible words them (`Name [default]: `), private
 * ones without echo. Undefined when there is no terminal: the run then uses the defaults.
 */
export function varsPrompter(): ((q: { prompt: string; private: boolean; default?: unknown }) => Promise<string>) | undefined {
  if (!process.stdin.isTTY) return undefined;
  return async (q) => {
    const question = `${q.prompt}${q.default !== undefined && q.default !== null ? ` [${String(q.default)}]` : ''}: `;
    if (q.private) return askSecret(question);
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await new Promise<string>((resolveAnswer) => rl.question(question, resolveAnswer));
    } finally {
      rl.close();
    }
  };
}
