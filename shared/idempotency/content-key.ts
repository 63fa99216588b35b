import { createHash } from "node:crypto";
import type { EnrichedAlertGroup } from "../model/index.ts";

/**
 * What a notification says, as a key: cluster, alertname, status and each alert's fingerprint with its
 * times. Two Alertmanager peers notifying the same group send this same content under two SNS message ids;
 * a node joining, a resolve or a new firing changes it. Enrichment is left out: it may differ between the
 * two copies without the alert being any different.
 */
export function groupContentKey(group: EnrichedAlertGroup): string {
  const alerts = group.alerts
    .map((a) => [a.fingerprint, a.status, a.startsAt ?? "", a.endsAt ?? ""].join(" "))
    .sort();
  // A raw fallback has no alerts: its text is its content.
  const raw = group.raw === null ? null : [group.raw.reason, group.raw.text];
  const content = JSON.stringify([
    group.cluster,
    group.alertname,
    group.status,
    group.truncatedAlerts,
    alerts,
    raw,
  ]);
  return createHash("sha256").update(content).digest("hex");
}
