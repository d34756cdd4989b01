import { createConnection } from '../transport/index.js';
import type { Connection, ConnectionSpec } from '../transport/connection.js';

/** One connection per host for the whole run, opened on first use and closed at the end. */
export class ConnectionPool {
  private readonly open = new Map<string, Connection>();

  get(spec: ConnectionSpec): Connection {
    let connection = this.open.get(spec.host);
    if (!connection) {
      connection = createConnection(spec);
      this.open.set(spec.host, connection);
    }
    return connection;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map((c) => c.close()));
  }
}
