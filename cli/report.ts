import type { EnrichedAlertGroup, ScaleOutcome, Sink } from "../shared/model/index.ts";

/** One delivery the run made or, with --dry-run, would have made. */
export interface DeliveryRecord {
  sink: Sink;
  /** What was (or would be) sent: the Slack message, the PagerDuty events. Secrets are never included. */
  payload: unknown;
  sent: boolean;
  error?: string;
  /** Why nothing was sent when that is not an error. */
  note?: string;
  /** --dry-run only: where to look at the Slack message. */
  preview?: { blockKitBuilder: string; html: string };
}

/** The `replay --json` document; its shape is a stable interface (DESIGN.md "Interfaces"). */
export interface ReplayReport {
  groups: ReportGroup[];
  deliveries: DeliveryRecord[];
  /** What the scaler decided for the last group routed to `coredns-scale`; null when none was. */
  scale: ScaleOutcome | null;
  errors: string[];
}

export type ReportGroup = Pick<
  EnrichedAlertGroup,
  | "status"
  | "alertname"
  | "cluster"
  | "truncated"
  | "truncatedAlerts"
  | "alerts"
  | "coredns"
  | "diagnosis"
  | "routes"
  | "warnings"
  | "raw"
  | "talkers"
> & { messageId: string; format: string };

export function reportGroup(group: EnrichedAlertGroup): ReportGroup {
  return {
    messageId: group.source.messageId,
    format: group.source.format,
    status: group.status,
    alertname: group.alertname,
    cluster: group.cluster,
    truncated: group.truncated,
    truncatedAlerts: group.truncatedAlerts,
    alerts: group.alerts,
    coredns: group.coredns,
    diagnosis: group.diagnosis,
    routes: group.routes,
    warnings: group.warnings,
    raw: group.raw,
    ...(group.talkers ? { talkers: group.talkers } : {}),
  };
}

/** The human-readable report: what a platform engineer wants to see at a glance. */
export function formatReport(report: ReplayReport, options: { links: boolean } = { links: true }): string {
  const lines: string[] = [];
  for (const group of report.groups) {
    const title = group.raw
      ? `UNREADABLE message ${group.messageId} (raw fallback)`
      : `${group.status.toUpperCase()} ${group.alertname ?? "(no alertname)"} on ${group.cluster ?? "(no cluster label)"}`;
    lines.push(`== ${title}`);
    if (group.raw) {
      lines.push(`   reason: ${group.raw.reason}`);
      lines.push(`   text:   ${oneLine(group.raw.text, 100)}`);
    } else {
      lines.push(...groupLines(group));
    }
    for (const warning of group.warnings.slice(0, 5)) lines.push(`   warning: ${warning}`);
    lines.push(`   routes: ${group.routes.join(", ") || "(none)"}`);
  }
  lines.push(...deliveryLines(report.deliveries, options.links));
  if (report.scale) lines.push(...scaleLines(report.scale));
  return `${lines.join("\n")}\n`;
}

/** A parsed group: its alerts and their nodes, CoreDNS placement, talkers, and the diagnosis with fixes. */
function groupLines(group: ReportGroup): string[] {
  const lines: string[] = [];
  const nodes = new Set(group.alerts.map((a) => a.node?.name).filter(Boolean));
  lines.push(
    `   format ${group.format}, ${group.alerts.length} alert(s), ${nodes.size} node(s) identified${group.truncated ? `, TRUNCATED (${group.truncatedAlerts} alerts missing)` : ""}`,
  );
  for (const alert of group.alerts.slice(0, 10)) {
    const where = alert.node
      ? `${alert.node.name} ${alert.node.instanceType ?? "?"} ${alert.node.zone ?? "?"} ${alert.node.capacityType}${alert.node.hostsCoreDNS ? " [CoreDNS]" : ""}${alert.node.runsNodeLocalDNS ? " [NodeLocal]" : ""}`
      : `node unknown${alert.enrichmentError ? `: ${alert.enrichmentError}` : ""}`;
    lines.push(`   - ${alert.status.padEnd(8)} ${alert.labels.instance ?? alert.fingerprint}  ${where}`);
  }
  if (group.alerts.length > 10) lines.push(`   … and ${group.alerts.length - 10} more alerts`);
  if (group.coredns) {
    const c = group.coredns;
    if (c.deployment === null) lines.push(`   CoreDNS: no Deployment; ${c.replicaController.detail}`);
    else
      lines.push(
        `   CoreDNS: ${c.readyReplicas}/${c.desiredReplicas} ready on ${c.nodes.length} node(s) of ${c.clusterNodeCount}; NodeLocal DNSCache ${c.nodeLocalDns.present ? `${c.nodeLocalDns.ready}/${c.nodeLocalDns.desired}` : "absent"}; replica owner ${c.replicaController.kind} (${c.replicaController.detail})`,
      );
  }
  for (const entry of group.talkers ?? []) {
    const pods = entry.talkers.map(
      (t) => `${t.namespace}/${t.name}${t.hostNetwork ? " (hostNetwork)" : ""} dnsPolicy ${t.dnsPolicy}`,
    );
    lines.push(
      `   talkers on ${entry.node}: ${pods.length > 0 ? pods.join(", ") : "none"}${entry.quiet.length > 0 ? `; usually quiet: ${entry.quiet.map((t) => t.owner ?? t.name).join(", ")}` : ""}`,
    );
  }
  for (const d of group.diagnosis) {
    lines.push(`   ! ${d.code}: ${d.reason}`);
    lines.push(`     fix: ${d.fix}`);
  }
  return lines;
}

/** Each sink's outcome, with the dry-run preview's links when asked for. */
function deliveryLines(deliveries: ReplayReport["deliveries"], links: boolean): string[] {
  const lines: string[] = [];
  for (const d of deliveries) {
    // The error itself goes to stderr, once (cli/main.ts): here only that it failed.
    const state = d.error ? "FAILED (error below)" : d.sent ? "sent" : (d.note ?? "not sent (dry run)");
    lines.push(`-> ${d.sink}: ${state}`);
    if (d.preview && links) {
      lines.push(`   preview: ${d.preview.html}`);
      lines.push(`   Block Kit Builder: ${d.preview.blockKitBuilder}`);
    }
  }
  return lines;
}

/** The scaler's decision: mode, owner, action, replicas before and after, the guardrail, where they landed. */
function scaleLines(s: NonNullable<ReplayReport["scale"]>): string[] {
  const replicas = s.from === null && s.to === null ? "" : ` ${s.from ?? "?"} → ${s.to ?? "?"}`;
  const lines = [
    `   CoreDNS scale-up (${s.mode}, owner ${s.owner}): ${s.action}${replicas}${s.guardrail ? ` [${s.guardrail}]` : ""}`,
  ];
  if (s.landedOn.length > 0) lines.push(`   new replicas on: ${s.landedOn.join(", ")}`);
  return lines;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
