import { createHash } from "node:crypto";
import type { EnrichedAlertGroup } from "../../model/index.ts";

/**
 * The Slack incident an alert group belongs to: its cluster, alertname and Alertmanager group key, hashed so
 * label values never become table keys. Every notification of one Alertmanager group (first firing, nodes
 * joining or leaving, the resolve) shares it. Formats without a group key fall back to cluster and alertname,
 * PagerDuty's incident.
 */
export function slackIncidentKey(
  group: Pick<EnrichedAlertGroup, "cluster" | "alertname" | "groupKey">,
): string {
  return createHash("sha256")
    .update(JSON.stringify([group.cluster ?? "", group.alertname ?? "", group.groupKey ?? ""]))
    .digest("hex");
}
