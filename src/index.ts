/**
 * fleet as a library: what the CLI calls. `import { runAdhoc, loadInventory } from 'fleet'`.
 */
export * from './errors.js';
export type { Inventory, Host, Group, Vars } from './inventory/model.js';
export * from './inventory/index.js';
export { runAdhoc, exitCodeFor, type AdhocOptions, type AdhocSummary } from './executor/adhoc.js';
export { connectionSpecFor, type ConnectionOverrides } from './executor/connection-spec.js';
export type { FleetEvent, HostStats, HostStatus, EventSink } from './executor/events.js';
export type { Connection, ConnectionSpec, CommandResult, RunOptions } from './transport/connection.js';
export { createConnection } from './transport/index.js';
export { moduleNames, getModule } from './modules/index.js';
export { adhocTextReporter, formatAdhocResult } from './output/adhoc-text.js';
export { adhocJsonReporter } from './output/adhoc-json.js';
export { labUp, labDown, labStatus, type LabInfo, type LabNode } from './lab/index.js';
