/**
 * The one door to a host. Modules and the executor reach hosts only through a Connection;
 * nothing outside src/transport opens sockets to hosts.
 */

export interface RunOptions {
  /** Extra environment for this command only. */
  env?: Record<string, string>;
  /** Working directory for this command only. */
  cwd?: string;
  /** Bytes fed to the command's stdin; without it the command reads /dev/null. */
  stdin?: string | Buffer;
  /** Run through the host's privilege escalation (sudo) as `becomeUser` (default root). */
  become?: boolean;
  becomeUser?: string;
  /** sudo (default: the connection's BecomeSpec method) or su. */
  becomeMethod?: BecomeMethod;
  /** Give up on the command after this many milliseconds (the session is then reset). */
  timeoutMs?: number;
}

export interface CommandResult {
  rc: number;
  stdout: Buffer;
  stderr: Buffer;
}

export interface PutOptions {
  /** Octal permission bits for the file, e.g. 0o644. */
  mode?: number;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: BecomeMethod;
}

export interface GetOptions {
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: BecomeMethod;
}

export interface Connection {
  /** The inventory name of the host this connection reaches. */
  readonly host: string;
  /** Open the connection now (otherwise the first call opens it). Rejects with UnreachableError. */
  connect(): Promise<void>;
  /** Run a command line with POSIX sh semantics (`sh -c`), byte-exact stdout/stderr and its exit code. */
  run(command: string, options?: RunOptions): Promise<CommandResult>;
  /** Write a remote file atomically (temporary file in the same directory, then rename). */
  put(remotePath: string, content: string | Buffer, options?: PutOptions): Promise<void>;
  /** Read a remote file. */
  get(remotePath: string, options?: GetOptions): Promise<Buffer>;
  close(): Promise<void>;
}

export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

export type BecomeMethod = 'sudo' | 'su';

export interface BecomeSpec {
  method: BecomeMethod;
  /** Default become user (RunOptions.becomeUser wins). */
  user: string;
  /** Answered to sudo's prompt on its stdin; never logged or shown. */
  password?: string;
  /** Default: the method's name ('sudo' or 'su'). */
  exe?: string;
  /**
   * sudo: default '-H -S -n' (as Ansible); -n is dropped when a password is given; -S is always
   * added. su: default none.
   */
  flags?: string;
}

/**
 * Everything needed to reach one host, resolved from inventory variables, ~/.ssh/config and CLI flags.
 */
export interface ConnectionSpec {
  /** Inventory name (used in messages and known_hosts look-ups when no address is given). */
  host: string;
  kind: 'ssh' | 'local';
  /** The name or address given to ssh (matched against ~/.ssh/config Host patterns; HostName rewrites it). */
  address: string;
  /** Leave undefined to let ~/.ssh/config's Port (else 22) decide. */
  port?: number;
  user?: string;
  password?: string;
  privateKeyFiles?: string[];
  /** Asked for when a private key is encrypted and no passphrase was given. */
  passphrase?: string | ((keyFile: string) => Promise<string>);
  agent?: string;
  /** Leave undefined to let ~/.ssh/config's StrictHostKeyChecking (else 'strict') decide. */
  hostKeyChecking?: HostKeyChecking;
  knownHostsFiles?: string[];
  /** Connect timeout in seconds (ansible's -T); undefined: ~/.ssh/config's ConnectTimeout, else 10. */
  timeoutSec?: number;
  /** Seconds between keepalives; 0 turns them off; undefined: ServerAliveInterval, else 15. */
  keepaliveSec?: number;
  /** user@host:port[,user@host:port] of jump hosts, as OpenSSH's ProxyJump. */
  proxyJump?: string;
  become?: BecomeSpec;
  /**
   * Read ~/.ssh/config and /etc/ssh/ssh_config (undefined), only this file (as `ssh -F`), or none
   * (false), for HostName, User, Port, IdentityFile, IdentityAgent, ProxyJump, StrictHostKeyChecking,
   * UserKnownHostsFile, ConnectTimeout, ServerAliveInterval/CountMax, HashKnownHosts.
   */
  sshConfigFile?: string | false;
}
