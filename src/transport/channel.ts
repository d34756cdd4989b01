/**
 * What a persistent shell runs on: an ssh2 exec channel or a local child process. Both are
 * reduced to this small shape so the framing and become code is shared.
 */
export interface ShellChannel {
  write(data: string | Buffer): void;
  onStdout(listener: (chunk: Buffer) => void): void;
  onStderr(listener: (chunk: Buffer) => void): void;
  /** Called once when the channel or process is gone. */
  onClose(listener: (reason: string) => void): void;
  /** Close the channel (and kill the local process); never throws. */
  close(): void;
}

/** Opens a channel running `commandLine` through the host's shell (`$SHELL -c`). */
export type ChannelOpener = (commandLine: string) => Promise<ShellChannel>;
