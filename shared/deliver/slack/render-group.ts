import type { CoreDnsPlacement, Diagnosis, EnrichedAlertGroup } from "../../model/index.ts";
import {
  type AffectedNode,
  affectedNodes,
  earliestStart,
  formatDropRate,
  groupAnnotation,
  groupSeverity,
} from "../affected-nodes.ts";
import { dashboardLink, type MessageLinks, NO_LINKS, runbookLink } from "../links.ts";
import { cutText, escapeAndCut, escapeCode, escapeValueAndCut, oneLine } from "../text.ts";
import {
  context,
  divider,
  fieldsSection,
  header,
  type SlackBlock,
  type SlackMessage,
  section,
} from "./blocks.ts";
import { capBlocks, countOf, footer } from "./common-blocks.ts";
import { firstLine, fixWithCommandBlocks, headroomLine } from "./first-line.ts";
import { SlackLimits } from "./limits.ts";
import { fitLines, nameList, packLines, slackLink } from "./pack.ts";
import { renderRawFallback } from "./render-raw.ts";

/**
 * How much of a group one message shows. A message is read at a glance in a channel: the worst nodes, the
 * placement and the fix; the full list lives in PagerDuty's details and the CLI's --json report.
 */
export const MessageBudget = {
  tableRowsFiring: 30,
  tableRowsResolved: 10,
  tableSections: 3,
  diagnoses: 8,
  enrichmentErrors: 5,
  warnings: 3,
  annotationChars: 1500,
} as const;

const STATUS_LOOK = {
  firing: { emoji: ":rotating_light:", word: "FIRING" },
  resolved: { emoji: ":white_check_mark:", word: "RESOLVED" },
  unknown: { emoji: ":grey_question:", word: "UNKNOWN" },
} as const;

/** One Block Kit message for one alert group (never one per alert). Pure. */
export function renderSlackMessage(group: EnrichedAlertGroup, links: MessageLinks = NO_LINKS): SlackMessage {
  if (group.raw !== null) return renderRawFallback(group);
  const look = STATUS_LOOK[group.status];
  const alertname = group.alertname ?? "alert";
  const cluster = group.cluster ?? "unknown cluster";
  const nodes = affectedNodes(group);
  const resolved = group.status === "resolved";

  const blocks: SlackBlock[] = [
    header(
      escapeAndCut(
        oneLine(`${look.emoji} ${look.word}: ${alertname} · ${cluster}`),
        SlackLimits.headerTextChars,
      ),
    ),
  ];
  const first = resolved ? null : (headroomLine(group, links) ?? firstLine(group.diagnosis, links));
  if (first !== null) blocks.push(section(first));
  blocks.push(summaryFields(group, nodes));
  const description = describe(group);
  if (description !== null) blocks.push(section(description));
  if (group.truncated) blocks.push(context([truncationNote(group)]));
  blocks.push(...nodeTable(nodes, resolved));
  if (!resolved) {
    blocks.push(divider, section(corednsText(group.coredns)));
    blocks.push(...diagnosisBlocks(group.diagnosis, links));
  }
  const linkLine = linksText(group, links);
  if (linkLine !== null) blocks.push(section(linkLine));
  const problems = problemLines(group);
  if (problems.length > 0) blocks.push(context([fitLines(problems, SlackLimits.contextTextChars)]));
  blocks.push(footer(group));

  const text = escapeValueAndCut(
    oneLine(`${look.word}: ${alertname} on ${cluster}: ${countOf(nodes.length, "node")}`),
    SlackLimits.fallbackTextChars,
  );
  return { text, blocks: capBlocks(blocks) };
}

function summaryFields(group: EnrichedAlertGroup, nodes: AffectedNode[]): SlackBlock {
  const firing = group.alerts.filter((alert) => alert.status === "firing").length;
  const resolved = group.alerts.length - firing;
  const coredns = nodes.filter((node) => node.hostsCoreDNS === true).length;
  const fields = [
    `*Cluster*\n${escapeValueAndCut(group.cluster ?? "unknown", 200)}`,
    `*Alert*\n${escapeValueAndCut(group.alertname ?? "unknown", 200)}`,
    `*Nodes affected*\n${nodes.length}${coredns > 0 ? ` (${coredns} hosting CoreDNS)` : ""}`,
    `*Alerts*\n${firing} firing · ${resolved} resolved`,
  ];
  const severity = groupSeverity(group);
  if (severity !== null) fields.push(`*Severity*\n${escapeValueAndCut(severity, 200)}`);
  const since = earliestStart(group);
  if (since !== null) fields.push(`*Since*\n${slackDate(since)}`);
  const lasted = group.status === "resolved" ? duration(since, latestEnd(group)) : null;
  if (lasted !== null) fields.push(`*Lasted*\n${lasted}`);
  return fieldsSection(fields);
}

/** Slack's date formatting (shown in the reader's time zone), the RFC 3339 time as its fallback text. */
function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return escapeAndCut(iso, 200);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${escapeAndCut(iso, 100)}>`;
}

function latestEnd(group: EnrichedAlertGroup): string | null {
  let latest: string | null = null;
  for (const alert of group.alerts)
    if (alert.endsAt !== null && (latest === null || alert.endsAt > latest)) latest = alert.endsAt;
  return latest;
}

/** "1 h 12 min", "4 min", "40 s": how long the drops lasted, from the first start to the last end. */
function duration(from: string | null, to: string | null): string | null {
  if (from === null || to === null) return null;
  const seconds = Math.round((Date.parse(to) - Date.parse(from)) / 1000);
  if (!Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h${minutes % 60 > 0 ? ` ${minutes % 60} min` : ""}`;
}

function describe(group: EnrichedAlertGroup): string | null {
  const lines: string[] = [];
  for (const name of ["summary", "description"]) {
    const value = groupAnnotation(group, name);
    if (value !== null && value.trim() !== "") {
      lines.push(
        `*${name === "summary" ? "Summary" : "Description"}:* ${escapeValueAndCut(value, MessageBudget.annotationChars)}`,
      );
    }
  }
  return lines.length === 0 ? null : fitLines(lines, SlackLimits.sectionTextChars);
}

function truncationNote(group: EnrichedAlertGroup): string {
  const missing = group.truncatedAlerts > 0 ? ` ${countOf(group.truncatedAlerts, "alert")} missing;` : "";
  return `:warning: The alert message was cut before it reached us;${missing} the node list below is incomplete.`;
}

const TABLE_COLUMNS = [
  { title: "NODE", width: 40 },
  { title: "TYPE", width: 12 },
  { title: "ZONE", width: 12 },
  { title: "CAPACITY", width: 9 },
  { title: "COREDNS", width: 7 },
  { title: "DROPS", width: 10 },
] as const;

function nodeTable(nodes: AffectedNode[], resolved: boolean): SlackBlock[] {
  if (nodes.length === 0) return [section("*Affected nodes:* none listed in the alert message")];
  const maxRows = resolved ? MessageBudget.tableRowsResolved : MessageBudget.tableRowsFiring;
  const shown = nodes.slice(0, maxRows);
  const rows = shown.map((node) => [
    node.name,
    node.instanceType ?? "-",
    node.zone ?? "-",
    node.capacityType ?? "-",
    node.hostsCoreDNS === null ? "?" : node.hostsCoreDNS ? "yes" : "no",
    formatDropRate(node) ?? "-",
  ]);
  const cells = [TABLE_COLUMNS.map((column) => column.title), ...rows].map((row) =>
    row.map((cell, index) => cutText(oneLine(cell), TABLE_COLUMNS[index]?.width ?? 12)),
  );
  const widths = TABLE_COLUMNS.map((_, index) => Math.max(...cells.map((row) => row[index]?.length ?? 0)));
  const lines = cells.map((row) =>
    row
      .map((cell, index) => escapeCode(cell.padEnd(widths[index] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
  const title = resolved ? "*Recovered nodes*" : "*Affected nodes*";
  const packed = packLines(lines, {
    maxChars: SlackLimits.sectionTextChars,
    maxTexts: MessageBudget.tableSections,
    prefix: `${title}\n\`\`\`\n`,
    suffix: "\n```",
  });
  const blocks: SlackBlock[] = packed.texts.map((text) => section(text));
  const more = nodes.length - shown.length + packed.omitted;
  if (more > 0) {
    blocks.push(
      context([`+${countOf(more, "more node")} (showing ${nodes.length - more} of ${nodes.length})`]),
    );
  }
  return blocks;
}

function corednsText(placement: CoreDnsPlacement | null): string {
  if (placement === null) return "*CoreDNS:* placement unknown (cluster enrichment was not available)";
  const cluster = `• Cluster: ${countOf(placement.clusterNodeCount, "node")} (${placement.schedulableNodeCount} schedulable)`;
  // EKS Auto Mode, or another DNS provider: no replicas to count, the owner's detail says why.
  if (placement.deployment === null) {
    const why = escapeValueAndCut(placement.replicaController.detail, 600);
    return fitLines([`*CoreDNS:* no CoreDNS Deployment: ${why}`, cluster], SlackLimits.sectionTextChars);
  }
  const lines = [
    `*CoreDNS:* ${placement.readyReplicas}/${placement.desiredReplicas} replicas ready on ${countOf(placement.nodes.length, "node")}` +
      (placement.nodes.length > 0 ? `: ${nameList(placement.nodes)}` : ""),
    `• Co-located replicas: ${placement.colocatedNodes.length === 0 ? "none" : nameList(placement.colocatedNodes)}`,
    `• On spot capacity: ${placement.spotNodes.length === 0 ? "none" : nameList(placement.spotNodes)}`,
    `• NodeLocal DNSCache: ${
      placement.nodeLocalDns.present
        ? `${placement.nodeLocalDns.ready}/${placement.nodeLocalDns.desired} ready`
        : "not installed"
    }`,
    `• Replicas controlled by: ${escapeValueAndCut(placement.replicaController.detail || placement.replicaController.kind, 300)}`,
    cluster,
  ];
  return fitLines(lines, SlackLimits.sectionTextChars);
}

function diagnosisBlocks(diagnoses: Diagnosis[], links: MessageLinks): SlackBlock[] {
  if (diagnoses.length === 0) return [];
  const shown = diagnoses.slice(0, MessageBudget.diagnoses);
  const blocks: SlackBlock[] = shown.map((diagnosis) => {
    const lines = [
      `*\`${escapeCode(diagnosis.code)}\`* ${escapeValueAndCut(diagnosis.reason, 1000)}`,
      fixWithCommandBlocks(diagnosis, 1500),
    ];
    if (diagnosis.nodes.length > 0) lines.push(`*Nodes:* ${nameList(diagnosis.nodes)}`);
    const runbook = slackLink(runbookLink(links, diagnosis.code), "Runbook section");
    if (runbook !== null) lines.push(runbook);
    return section(fitLines(lines, SlackLimits.sectionTextChars));
  });
  const more = diagnoses.length - shown.length;
  if (more > 0) {
    const codes = diagnoses.slice(shown.length).map((diagnosis) => diagnosis.code);
    blocks.push(context([`+${countOf(more, "more finding")}: ${nameList(codes)}`]));
  }
  return blocks;
}

function linksText(group: EnrichedAlertGroup, configured: MessageLinks): string | null {
  const generatorURL = group.alerts.find((alert) => alert.generatorURL !== null)?.generatorURL ?? null;
  const dashboard =
    groupAnnotation(group, "dashboard_url") ??
    groupAnnotation(group, "grafana_url") ??
    groupAnnotation(group, "dashboard");
  const links = [
    slackLink(generatorURL, "Prometheus query"),
    slackLink(dashboardLink(configured, group.cluster) ?? dashboard, "Dashboard"),
    slackLink(groupAnnotation(group, "runbook_url"), "Runbook"),
    slackLink(group.externalURL, "Alertmanager"),
  ].filter((link): link is string => link !== null);
  return links.length === 0 ? null : `*Links:* ${links.join(" · ")}`;
}

/** Enrichment errors (grouped by reason) and parse warnings: what a human should distrust in this message. */
function problemLines(group: EnrichedAlertGroup): string[] {
  const reasons = new Map<string, number>();
  for (const alert of group.alerts) {
    if (alert.enrichmentError !== undefined)
      reasons.set(alert.enrichmentError, (reasons.get(alert.enrichmentError) ?? 0) + 1);
  }
  const lines = [...reasons.entries()]
    .slice(0, MessageBudget.enrichmentErrors)
    .map(
      ([reason, count]) =>
        `:warning: Enrichment: ${escapeValueAndCut(oneLine(reason), 300)} (${countOf(count, "alert")})`,
    );
  if (reasons.size > MessageBudget.enrichmentErrors) {
    lines.push(`+${countOf(reasons.size - MessageBudget.enrichmentErrors, "more enrichment error")}`);
  }
  for (const warning of group.warnings.slice(0, MessageBudget.warnings)) {
    lines.push(`:information_source: Parsing: ${escapeValueAndCut(oneLine(warning), 300)}`);
  }
  if (group.warnings.length > MessageBudget.warnings) {
    lines.push(`+${countOf(group.warnings.length - MessageBudget.warnings, "more parsing warning")}`);
  }
  return lines;
}
