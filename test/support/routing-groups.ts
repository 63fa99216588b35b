import type { EnrichedAlertGroup, GroupStatus, LabelSet } from "../../shared/model/index.ts";
import type { RoutableGroup } from "../../shared/route/index.ts";

/** A group as routing sees it: common labels plus the cluster, alertname and status the parser derived. */
export function routableGroup(
  commonLabels: LabelSet,
  overrides: { status?: GroupStatus; cluster?: string | null; alertname?: string | null } = {},
): RoutableGroup {
  return {
    commonLabels,
    status: overrides.status ?? "firing",
    cluster: overrides.cluster === undefined ? (commonLabels.cluster ?? null) : overrides.cluster,
    alertname: overrides.alertname === undefined ? (commonLabels.alertname ?? null) : overrides.alertname,
  };
}

/** A minimal, real-shaped enriched group as ingest publishes it on the internal topic. */
export function enrichedGroup(overrides: Partial<EnrichedAlertGroup> = {}): EnrichedAlertGroup {
  const labels = { alertname: "LinkLocalAllowanceExceeded", cluster: "prod-eu-1", severity: "critical" };
  return {
    schemaVersion: 1,
    status: "firing",
    receiver: "sns",
    groupKey: '{}:{alertname="LinkLocalAllowanceExceeded"}',
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: { summary: "DNS packets dropped at the ENI" },
    externalURL: null,
    alerts: [
      {
        status: "firing",
        labels: { ...labels, instance: "10.0.1.17:9100", node: "ip-10-0-1-17.eu-west-1.compute.internal" },
        annotations: { summary: "DNS packets dropped at the ENI" },
        startsAt: "2026-11-23T08:00:00.000Z",
        endsAt: null,
        generatorURL: null,
        fingerprint: "0123456789abcdef",
        node: null,
        enrichmentError: "enrichment disabled in this test",
      },
    ],
    alertname: labels.alertname,
    cluster: labels.cluster,
    source: {
      messageId: "5f1c8d2e-0b7a-4c47-9d4e-2b1f8a6e7c01",
      topicArn: "arn:aws:sns:eu-west-1:111122223333:amp-alerts",
      subject: null,
      timestamp: "2026-11-23T08:00:05.000Z",
      format: "webhook-json",
    },
    truncated: false,
    truncatedAlerts: 0,
    warnings: [],
    raw: null,
    coredns: null,
    diagnosis: [],
    routes: ["slack", "pagerduty"],
    ...overrides,
  };
}
