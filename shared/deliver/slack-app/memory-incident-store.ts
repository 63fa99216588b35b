import { IncidentBusyError } from "./dynamo-incident-store.ts";
import {
  EMPTY_INCIDENT,
  type IncidentLease,
  type IncidentRecord,
  type IncidentStore,
} from "./incident-record.ts";

/**
 * Incident records in memory, for one process (the screenshot, local runs): the same contract as the
 * DynamoDB store, leases included, without any table. Never for Lambda, where invocations share nothing.
 */
export function memoryIncidentStore(): IncidentStore {
  const records = new Map<string, IncidentRecord>();
  const held = new Set<string>();
  const links = new Map<string, string>();
  return {
    async acquire(key) {
      if (held.has(key)) throw new IncidentBusyError(key);
      held.add(key);
      return { key, record: structuredClone(records.get(key) ?? EMPTY_INCIDENT) };
    },
    async save(lease: IncidentLease, record) {
      records.set(lease.key, structuredClone(record));
      held.delete(lease.key);
    },
    async release(lease) {
      held.delete(lease.key);
    },
    async link(messageId, key) {
      links.set(messageId, key);
    },
    async incidentOf(messageId) {
      return links.get(messageId) ?? null;
    },
  };
}
