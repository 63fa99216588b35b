import type { Alert, AlertGroup } from "../model/index.ts";
import { intersect } from "../parse/build-group.ts";

/**
 * A group whose alerts name several clusters, as one for each: a central AMP workspace with `group_by:
 * [alertname]` puts every cluster's drops in one notification, and enriching them together would give one
 * cluster's alerts another's node facts and CoreDNS diagnosis. Each share keeps the message's fields, holds
 * its own alerts and common labels, and carries `<message id>/<cluster>` as its message id: each cluster's
 * share is delivered, scaled and verified once, and PagerDuty's incident (cluster, alertname) stays its own.
 * Alerts without the label form one more share (cluster null). A group of one cluster is returned as is.
 */
export function splitByCluster(group: AlertGroup, clusterLabel: string): AlertGroup[] {
  const shares = new Map<string | null, Alert[]>();
  for (const alert of group.alerts) {
    const cluster = Object.hasOwn(alert.labels, clusterLabel) ? alert.labels[clusterLabel] || null : null;
    const share = shares.get(cluster);
    if (share) share.push(alert);
    else shares.set(cluster, [alert]);
  }
  if (shares.size <= 1) return [group];
  const clusters = [...shares.keys()].sort(byName);
  const named = clusters.filter((c): c is string => c !== null);
  const note = `the message named ${named.length} clusters (${named.join(", ")}${clusters.includes(null) ? ", and alerts without one" : ""}); split into one group each`;
  return clusters.map((cluster) => {
    const alerts = shares.get(cluster) ?? [];
    return {
      ...group,
      status: statusOf(group, alerts),
      cluster,
      alerts,
      commonLabels: intersect(alerts.map((a) => a.labels)),
      commonAnnotations: intersect(alerts.map((a) => a.annotations)),
      source: {
        ...group.source,
        messageId: `${group.source.messageId}/${cluster ?? "no-cluster"}`,
        splitFrom: group.source.messageId,
      },
      // The parser's "using the first cluster" warning no longer holds.
      warnings: [...group.warnings.filter((w) => !/^alerts name \d+ clusters/.test(w)), note],
    };
  });
}

function statusOf(group: AlertGroup, alerts: readonly Alert[]): AlertGroup["status"] {
  if (group.status !== "firing" && group.status !== "resolved") return group.status;
  return alerts.some((a) => a.status === "firing") ? "firing" : "resolved";
}

function byName(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
