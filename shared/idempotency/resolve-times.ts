/**
 * The last resolve of each PagerDuty incident, which shared/deliver/pagerduty/incident-order.ts reads to tell a
 * late trigger from a new one. Declared here, below deliver, so the store does not import the sink it serves;
 * incident-order.ts takes it from here.
 */
export interface ResolveTimes {
  /** When the incident was last resolved (the latest `endsAt` of its resolve), or null. */
  lastResolvedAt(dedupKey: string): Promise<string | null>;
  /** Remembers a resolve, keeping the later time when one is already stored. */
  recordResolve(dedupKey: string, resolvedAt: string): Promise<void>;
}
