import {
  type EnrichedAlertGroup,
  ScaleAction,
  type ScaleReport,
  Sink,
  type VerificationReport,
} from "../model/index.ts";

/**
 * What one verification asks AMP about: a firing group's nodes since its first drop, and what was done in
 * between. It comes from the group itself, or from the scaler's report on it when the scaler acted (then the
 * check runs after the scale-up, and says so).
 */
export interface FollowUpTarget {
  cluster: string | null;
  alertname: string | null;
  /** The SNS message id of the alert group: the notifiers deliver one verification per group and sink. */
  messageId: string;
  nodes: string[];
  /** Unix seconds of the group's first firing alert; null when no alert said. */
  firstFiringAt: number | null;
  routes: Sink[];
  after: VerificationReport["after"];
}

/**
 * The nodes of a group's firing alerts as the series name them: the alert's own `node` label (copied from the
 * series by the rule), else enrichment's node name.
 */
export function firingNodeNames(group: EnrichedAlertGroup): string[] {
  const names = group.alerts
    .filter((alert) => alert.status === "firing")
    .map((alert) => alert.labels.node || alert.node?.name)
    .filter((node): node is string => typeof node === "string" && node !== "");
  return [...new Set(names)].sort();
}

/** RFC 3339 start of the group's earliest firing alert. */
export function firstFiringAt(group: EnrichedAlertGroup): string | null {
  const starts = group.alerts
    .filter((alert) => alert.status === "firing")
    .map((alert) => Date.parse(alert.startsAt ?? ""))
    .filter(Number.isFinite);
  return starts.length > 0 ? new Date(Math.min(...starts)).toISOString() : null;
}

export function targetOfGroup(group: EnrichedAlertGroup): FollowUpTarget {
  const first = firstFiringAt(group);
  return {
    cluster: group.cluster,
    alertname: group.alertname,
    messageId: group.source.messageId,
    nodes: firingNodeNames(group),
    firstFiringAt: first === null ? null : Date.parse(first) / 1000,
    routes: group.routes.filter((sink) => sink === Sink.slack || sink === Sink.pagerduty),
    after: null,
  };
}

export function targetOfScaleReport(report: ScaleReport): FollowUpTarget {
  // A report from a scaler older than these fields names no node: nothing to check, rather than a crash.
  const first = typeof report.firstFiringAt === "string" ? Date.parse(report.firstFiringAt) : Number.NaN;
  return {
    cluster: report.cluster,
    alertname: report.alertname,
    messageId: report.messageId,
    nodes: Array.isArray(report.nodes) ? report.nodes.filter((node) => typeof node === "string") : [],
    firstFiringAt: Number.isFinite(first) ? first / 1000 : null,
    routes: report.routes,
    after: afterScale(report),
  };
}

/** The scaler's decision in the words a verification ends with. */
function afterScale(report: ScaleReport): string {
  switch (report.action) {
    case ScaleAction.scaled:
      return `after scaling CoreDNS from ${report.from} to ${report.to}`;
    case ScaleAction.wouldScale:
      return `CoreDNS not scaled (dry-run: it would have gone from ${report.from} to ${report.to})`;
    default:
      return `CoreDNS not scaled (${report.guardrail ?? report.action})`;
  }
}
