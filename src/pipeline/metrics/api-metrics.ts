/**
 * The API's metrics: requests by route and status, and, read when Prometheus scrapes, the queue's
 * job counts by state and the number of workers online.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

export interface ApiMetrics {
  registry: Registry;
  request(route: string, code: number): void;
}

export function apiMetrics(sources: { jobCounts(): Promise<Record<string, number>>; workersOnline(): Promise<number> }): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fleet_pipeline_api_' });
  const requests = new Counter({ name: 'fleet_pipeline_api_requests_total', help: 'API requests by route and status code', labelNames: ['route', 'code'], registers: [registry] });
  new Gauge({
    name: 'fleet_pipeline_queue_jobs',
    help: 'Jobs in the queue by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await sources.jobCounts();
      for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: 'fleet_pipeline_workers_online',
    help: 'Workers with a live heartbeat',
    registers: [registry],
    async collect() {
      this.set(await sources.workersOnline());
    },
  });
  return {
    registry,
    request(route, code) {
      requests.inc({ route, code: String(code) });
    },
  };
}
