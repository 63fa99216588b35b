import type { Alert, AlertGroup } from "./alert.ts";
import type { CoreDnsPlacement, NodeFacts, NodeTalkers } from "./cluster.ts";
import type { Diagnosis } from "./diagnosis.ts";

export const Sink = { slack: "slack", pagerduty: "pagerduty", corednsScale: "coredns-scale" } as const;
export type Sink = (typeof Sink)[keyof typeof Sink];

export interface EnrichedAlert extends Alert {
  node: NodeFacts | null;
  /** Why this alert has no node facts (no node could be matched, API error...). */
  enrichmentError?: string;
}

/**
 * The message ingest publishes to the internal topic, one per SNS message from AMP.
 * Sinks subscribe with a filter on the `routes` attribute and render it.
 */
export interface EnrichedAlertGroup extends Omit<AlertGroup, "alerts"> {
  schemaVersion: 1;
  alerts: EnrichedAlert[];
  coredns: CoreDnsPlacement | null;
  diagnosis: Diagnosis[];
  routes: Sink[];
  /** Pods resolving through the VPC resolver on throttled nodes without CoreDNS; absent when not looked up. */
  talkers?: NodeTalkers[];
}
