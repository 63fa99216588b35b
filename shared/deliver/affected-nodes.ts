import type { CapacityType, EnrichedAlert, EnrichedAlertGroup } from "../model/index.ts";

/**
 * One row per affected node, shared by the Slack table and PagerDuty's custom_details. Alerts on the same
 * node (several devices, duplicate series) fold into one row keeping the worst drop rate.
 */
export interface AffectedNode {
  /** Node name, else the alert's `instance` label, else its fingerprint: always something a human can grep. */
  name: string;
  /** True when `name` is a Kubernetes node name from enrichment. */
  matched: boolean;
  instanceId: string | null;
  instanceType: string | null;
  zone: string | null;
  capacityType: CapacityType | null;
  hostsCoreDNS: boolean | null;
  runsNodeLocalDNS: boolean | null;
  /** The alert's `value` annotation (or label) as sent, for display. */
  dropRate: string | null;
  /** Parsed `dropRate`, for sorting; null when it is not a number. */
  dropRateNumber: number | null;
  firing: boolean;
  alerts: number;
  enrichmentError: string | null;
}

export function affectedNodes(group: EnrichedAlertGroup): AffectedNode[] {
  const byName = new Map<string, AffectedNode>();
  for (const alert of group.alerts) {
    const row = rowOf(alert);
    const existing = byName.get(row.name);
    byName.set(row.name, existing === undefined ? row : merge(existing, row));
  }
  return [...byName.values()].sort(compareRows);
}

function rowOf(alert: EnrichedAlert): AffectedNode {
  const node = alert.node;
  const dropRate = alert.annotations.value ?? alert.labels.value ?? null;
  const parsed = dropRate === null ? Number.NaN : Number.parseFloat(dropRate);
  return {
    name: node?.name ?? alert.labels.instance ?? alert.fingerprint,
    matched: node !== null,
    instanceId: node?.instanceId ?? null,
    instanceType: node?.instanceType ?? null,
    zone: node?.zone ?? null,
    capacityType: node?.capacityType ?? null,
    hostsCoreDNS: node?.hostsCoreDNS ?? null,
    runsNodeLocalDNS: node?.runsNodeLocalDNS ?? null,
    dropRate,
    dropRateNumber: Number.isFinite(parsed) ? parsed : null,
    firing: alert.status === "firing",
    alerts: 1,
    enrichmentError: alert.enrichmentError ?? null,
  };
}

function merge(a: AffectedNode, b: AffectedNode): AffectedNode {
  const worse =
    (b.dropRateNumber ?? Number.NEGATIVE_INFINITY) > (a.dropRateNumber ?? Number.NEGATIVE_INFINITY) ? b : a;
  return {
    ...a,
    dropRate: worse.dropRate ?? a.dropRate ?? b.dropRate,
    dropRateNumber: worse.dropRateNumber ?? a.dropRateNumber ?? b.dropRateNumber,
    firing: a.firing || b.firing,
    alerts: a.alerts + b.alerts,
    enrichmentError: a.enrichmentError ?? b.enrichmentError,
  };
}

/** Firing first, CoreDNS hosts first (they matter most), then the worst drop rate, then by name. */
function compareRows(a: AffectedNode, b: AffectedNode): number {
  if (a.firing !== b.firing) return a.firing ? -1 : 1;
  if ((a.hostsCoreDNS === true) !== (b.hostsCoreDNS === true)) return a.hostsCoreDNS === true ? -1 : 1;
  const rateA = a.dropRateNumber ?? Number.NEGATIVE_INFINITY;
  const rateB = b.dropRateNumber ?? Number.NEGATIVE_INFINITY;
  if (rateA !== rateB) return rateB - rateA;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** `1234.5678` -> `1,235`; non-numbers are shown as sent. */
export function formatDropRate(row: Pick<AffectedNode, "dropRate" | "dropRateNumber">): string | null {
  if (row.dropRateNumber === null) return row.dropRate;
  return new Intl.NumberFormat("en", { maximumSignificantDigits: 4 }).format(row.dropRateNumber);
}

/** The severity label shared by the group, if any. */
export function groupSeverity(group: EnrichedAlertGroup): string | null {
  return (
    group.commonLabels.severity ?? group.groupLabels.severity ?? group.alerts[0]?.labels.severity ?? null
  );
}

/** A common annotation, else the first alert's. */
export function groupAnnotation(group: EnrichedAlertGroup, name: string): string | null {
  return (
    group.commonAnnotations[name] ??
    group.alerts.find((alert) => alert.annotations[name] !== undefined)?.annotations[name] ??
    null
  );
}

/** Earliest `startsAt` among the alerts (RFC 3339 strings sort chronologically when all are UTC). */
export function earliestStart(group: EnrichedAlertGroup): string | null {
  let earliest: string | null = null;
  for (const alert of group.alerts) {
    if (alert.startsAt !== null && (earliest === null || alert.startsAt < earliest))
      earliest = alert.startsAt;
  }
  return earliest;
}
