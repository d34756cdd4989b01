import { createConnection } from '../transport/index.js';
import type { Connection, ConnectionSpec } from '../transport/connection.js';

/**
 * One connection per host and login (transport, user, address, port, become settings) for the whole
 * run, opened on first use and closed at the end: a task with another remote_user or port gets its own.
 */
export class ConnectionPool {
  private readonly open = new Map<string, Connection>();

  get(spec: ConnectionSpec): Connection {
    // The become settings (password, exe, flags) belong to a connection too: a task that changes them gets its own.
    const become = spec.become ? [spec.become.method, spec.become.password ?? '', spec.become.exe ?? '', spec.become.flags ?? ''] : [];
    const key = [spec.host, spec.kind, spec.user ?? '', spec.address, spec.port ?? '', ...become].join('\u0000');
    let connection = this.open.get(key);
    if (!connection) {
      connection = createConnection(spec);
      this.open.set(key, connection);
    }
    return connection;
  }

  /** A connection of its own, for a job that runs beside the run's other tasks (async); closed by its owner or at the end. */
  dedicated(spec: ConnectionSpec): Connection {
    const connection = createConnection(spec);
    this.open.set(`${spec.host}\u0000job\u0000${this.open.size}\u0000${Math.random()}`, connection);
    return connection;
  }

  /** Work that must end before the connections close (async jobs fired with poll: 0). */
  private readonly pending = new Set<Promise<unknown>>();

  track(work: Promise<unknown>): void {
    const settled = work.catch(() => undefined).finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }

  async closeAll(): Promise<void> {
    // A fire-and-forget job runs from here: let it finish (each is bounded by its async time).
    while (this.pending.size) await Promise.allSettled([...this.pending]);
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map((c) => c.close()));
  }
}
