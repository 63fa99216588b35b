import type { AlertGroup } from "../model/index.ts";

/**
 * The dead man's switch. infra/alert-rules.yaml keeps `LinkLocalSentinelHeartbeat` firing for as long as the
 * cluster's link-local counters reach AMP, and infra/alertmanager.yaml repeats it every few minutes through the
 * same SNS topic. Ingest records each one as a metric and never notifies; the stack's alarm fires when they
 * stop arriving: metrics no longer reach AMP (remote-write stalled, often because the agent resolves the AMP
 * endpoint through the same throttled DNS), or the rules, Alertmanager, topic or ingest broke.
 */
export const HEARTBEAT_ALERTNAME = "LinkLocalSentinelHeartbeat";

export function isHeartbeat(group: Pick<AlertGroup, "alertname">): boolean {
  return group.alertname === HEARTBEAT_ALERTNAME;
}
