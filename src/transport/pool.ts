/**
 * One connection per host for the whole run: the executor asks the pool, never opens its own.
 */
import type { Connection, ConnectionSpec } from './connection.js';
import { LocalConnection } from './local-connection.js';
import type { ShellConnection } from './shell-connection.js';
import { SshConnection } from './ssh-connection.js';

/** A new (not yet connected) Connection for the spec: local or ssh. */
export function createConnection(spec: ConnectionSpec): ShellConnection {
  return spec.kind === 'local' ? LocalConnection.fromSpec(spec) : new SshConnection(spec);
}

export class ConnectionPool {
  private readonly connections = new Map<string, ShellConnection>();

  /** The connection for spec.host, created (lazily connecting) on first request. */
  get(spec: ConnectionSpec): Connection {
    let c = this.connections.get(spec.host);
    if (!c) {
      c = createConnection(spec);
      this.connections.set(spec.host, c);
    }
    return c;
  }

  has(host: string): boolean {
    return this.connections.has(host);
  }

  /** Close one host's connection (Ansible's meta: reset_connection). */
  async reset(host: string): Promise<void> {
    const c = this.connections.get(host);
    this.connections.delete(host);
    await c?.close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.allSettled(all.map((c) => c.close()));
  }
}
