/** ANSI colours as Ansible uses them: green ok, yellow changed, red failed, cyan skipped. */
export type Tone = 'ok' | 'changed' | 'failed' | 'skipped' | 'warn' | 'plain';

const codes: Record<Tone, string> = { ok: '32', changed: '33', failed: '31', skipped: '36', warn: '35', plain: '' };

export function painter(enabled: boolean): (tone: Tone, text: string) => string {
  return (tone, text) => (enabled && codes[tone] ? `\u001b[${codes[tone]}m${text}\u001b[0m` : text);
}

/** Colour when writing to a terminal, unless NO_COLOR is set (or FORCE_COLOR asks for it). */
export function colorWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return !!stream.isTTY;
}
