import { isHeadroomGroup } from "../../diagnose/headroom.ts";
import type { EnrichedAlertGroup } from "../../model/index.ts";
import { affectedNodes, earliestStart, groupAnnotation, groupSeverity } from "../affected-nodes.ts";
import { dashboardLink, type MessageLinks, NO_LINKS, runbookLink } from "../links.ts";
import { cutText, oneLine, safeHttpUrl, wellFormed } from "../text.ts";
import { pagerDutyDedupKey } from "./dedup-key.ts";
import type { PagerDutyEventBody } from "./event.ts";
import { DetailBudget, PagerDutyLimits } from "./limits.ts";
import { mapSeverity } from "./severity.ts";

const CLIENT = "linklocal-sentinel";
/** Bytes kept free for the routing_key added at send time (keys are 32 characters). */
const ROUTING_KEY_RESERVE_BYTES = 256;

/**
 * The Events API v2 event for one alert group: `trigger` while firing (nodes joining re-trigger the same
 * dedup_key with fresh details), `resolve` once the group resolves, and `trigger` for a raw fallback. Pure.
 */
export function renderPagerDutyEvent(
  group: EnrichedAlertGroup,
  links: MessageLinks = NO_LINKS,
): PagerDutyEventBody {
  const dedupKey = pagerDutyDedupKey(group);
  if (group.raw !== null)
    return fitEvent(
      fitRawText(rawFallbackEvent(group, dedupKey, DetailBudget.rawTextChars), group, dedupKey),
    );
  if (group.status === "resolved") return { event_action: "resolve", dedup_key: dedupKey };
  return fitEvent(triggerEvent(group, dedupKey, links));
}

function triggerEvent(
  group: EnrichedAlertGroup,
  dedupKey: string,
  configured: MessageLinks,
): PagerDutyEventBody {
  const facts = triggerFacts(group);
  const { alertname, cluster } = facts;
  const severityLabel = groupSeverity(group);
  const severity = mapSeverity(severityLabel);
  const event: PagerDutyEventBody = {
    event_action: "trigger",
    dedup_key: dedupKey,
    payload: {
      summary: summaryText(triggerSummary(group, facts)),
      source: cutText(oneLine(group.cluster ?? "unknown-cluster"), 255),
      severity: severity.severity,
      component: "eni-link-local",
      group: cutText(oneLine(cluster), 255),
      class: cutText(oneLine(alertname), 255),
      custom_details: triggerDetails(group, facts, { label: severityLabel, note: severity.note }),
    },
    links: groupLinks(group, configured),
    client: CLIENT,
  };
  const timestamp = earliestStart(group) ?? group.source.timestamp;
  if (timestamp !== null && event.payload !== undefined) event.payload.timestamp = timestamp;
  const clientUrl = safeHttpUrl(group.externalURL);
  if (clientUrl !== null) event.client_url = clientUrl;
  return event;
}

/** What the trigger's summary and details both count and name, worked out once. */
interface TriggerFacts {
  nodes: ReturnType<typeof affectedNodes>;
  firing: number;
  alertname: string;
  cluster: string;
}

function triggerFacts(group: EnrichedAlertGroup): TriggerFacts {
  return {
    nodes: affectedNodes(group),
    firing: group.alerts.filter((alert) => alert.status === "firing").length,
    alertname: group.alertname ?? "LinkLocalAllowanceExceeded",
    cluster: group.cluster ?? "unknown cluster",
  };
}

/** `[FIRING:3] LinkLocalAllowanceExceeded on prod: link-local packet drops on 3 nodes (1 hosting CoreDNS) - ...` */
function triggerSummary(group: EnrichedAlertGroup, facts: TriggerFacts): string {
  const { firing, alertname, cluster } = facts;
  const firingNodes = facts.nodes.filter((node) => node.firing);
  const corednsNodes = firingNodes.filter((node) => node.hostsCoreDNS === true).length;
  const annotationSummary = groupAnnotation(group, "summary");
  const plural = firingNodes.length === 1 ? "" : "s";
  const what = isHeadroomGroup(group)
    ? `no drops yet; ${firingNodes.length} node${plural} near the link-local allowance`
    : `link-local packet drops on ${firingNodes.length} node${plural}`;
  return (
    `[FIRING:${firing}] ${alertname} on ${cluster}: ${what}` +
    (corednsNodes > 0 ? ` (${corednsNodes} hosting CoreDNS)` : "") +
    (annotationSummary !== null ? ` - ${annotationSummary}` : "")
  );
}

/** What the incident shows under its details: the nodes with their facts, the diagnosis, CoreDNS. */
function triggerDetails(
  group: EnrichedAlertGroup,
  { nodes, firing }: TriggerFacts,
  severity: { label: string | null; note: string | null },
): Record<string, unknown> {
  return {
    cluster: group.cluster,
    alertname: group.alertname,
    status: group.status,
    severity_label: severity.label,
    ...(severity.note !== null ? { severity_note: severity.note } : {}),
    alerts_firing: firing,
    alerts_resolved: group.alerts.length - firing,
    node_count: nodes.length,
    nodes: nodes.map((node) => ({
      name: node.name,
      matched_to_node: node.matched,
      instance_id: node.instanceId,
      instance_type: node.instanceType,
      zone: node.zone,
      capacity_type: node.capacityType,
      hosts_coredns: node.hostsCoreDNS,
      runs_nodelocal_dns: node.runsNodeLocalDNS,
      drop_rate: node.dropRate,
      firing: node.firing,
      ...(node.enrichmentError !== null ? { enrichment_error: node.enrichmentError } : {}),
    })),
    diagnosis: group.diagnosis.map((diagnosis) => ({ ...diagnosis })),
    coredns: group.coredns ?? "unknown: cluster enrichment was not available",
    summary: groupAnnotation(group, "summary"),
    description: groupAnnotation(group, "description"),
    message_id: group.source.messageId,
    ...(group.truncated ? { truncated: { missing_alerts: group.truncatedAlerts } } : {}),
    ...(group.warnings.length > 0 ? { parse_warnings: group.warnings } : {}),
  };
}

/**
 * Multi-byte or control-heavy text can weigh several bytes per character once JSON-encoded: shorten the
 * raw text in proportion until the event fits, keeping as much of it as PagerDuty takes.
 */
function fitRawText(
  event: PagerDutyEventBody,
  group: EnrichedAlertGroup,
  dedupKey: string,
): PagerDutyEventBody {
  let current = event;
  let maxChars: number = DetailBudget.rawTextChars;
  for (let round = 0; round < 8; round++) {
    const bytes = eventBytes(current);
    if (bytes <= PagerDutyLimits.eventBytes) return current;
    maxChars = Math.floor((maxChars * PagerDutyLimits.eventBytes * 0.9) / bytes);
    current = rawFallbackEvent(group, dedupKey, maxChars);
  }
  return current;
}

function rawFallbackEvent(
  group: EnrichedAlertGroup,
  dedupKey: string,
  maxTextChars: number,
): PagerDutyEventBody {
  const raw = group.raw;
  const text = cutText(raw?.text ?? "", maxTextChars, "\n… [cut]");
  return {
    event_action: "trigger",
    dedup_key: dedupKey,
    payload: {
      summary: summaryText(
        `Unparsed alert message (delivered as received): ${raw?.reason ?? "unknown reason"}`,
      ),
      source: cutText(oneLine(group.source.topicArn ?? CLIENT), 255),
      severity: "error",
      component: "eni-link-local",
      class: "unparsed-alert-message",
      custom_details: {
        reason: raw?.reason ?? null,
        subject: group.source.subject,
        message_id: group.source.messageId,
        cut_in_transit: raw?.cut ?? false,
        text_cut_here: text.length < (raw?.text.length ?? 0),
        text,
      },
    },
    client: CLIENT,
  };
}

/** Summary on one line, cut to PagerDuty's 1024 characters with a marker. */
function summaryText(text: string): string {
  return cutText(oneLine(text), PagerDutyLimits.summaryChars);
}

function groupLinks(
  group: EnrichedAlertGroup,
  configured: MessageLinks,
): Array<{ href: string; text: string }> {
  const links: Array<{ href: string; text: string }> = [];
  const add = (url: string | null, text: string) => {
    const href = safeHttpUrl(url);
    if (href !== null && links.length < DetailBudget.links && !links.some((link) => link.href === href)) {
      links.push({ href, text });
    }
  };
  const top = group.diagnosis[0];
  if (top) add(runbookLink(configured, top.code), `Runbook: ${top.code}`);
  add(dashboardLink(configured, group.cluster), "Dashboard");
  add(group.alerts.find((alert) => alert.generatorURL !== null)?.generatorURL ?? null, "Prometheus query");
  add(groupAnnotation(group, "runbook_url"), "Runbook");
  add(groupAnnotation(group, "dashboard_url") ?? groupAnnotation(group, "grafana_url"), "Dashboard");
  add(group.externalURL, "Alertmanager");
  return links;
}

export function eventBytes(event: object): number {
  return Buffer.byteLength(JSON.stringify(event), "utf8") + ROUTING_KEY_RESERVE_BYTES;
}

/**
 * Keeps the event under PagerDuty's 512 KB: first the full details; then the details with at most
 * DetailBudget.nodesWhenShrunk nodes and every string cut; then only the headline facts. Each step says in
 * `custom_details.note` what was dropped and why, rather than failing the delivery.
 */
export function fitEvent(event: PagerDutyEventBody): PagerDutyEventBody {
  const sanitized = deepMapStrings(event, wellFormed) as PagerDutyEventBody;
  const fullBytes = eventBytes(sanitized);
  if (fullBytes <= PagerDutyLimits.eventBytes) return sanitized;
  const details = sanitized.payload?.custom_details ?? {};
  const limitNote = `the full event was ${fullBytes} bytes, over PagerDuty's ${PagerDutyLimits.eventBytes}-byte limit`;

  const nodes = Array.isArray(details.nodes) ? details.nodes : [];
  const shrunkDetails: Record<string, unknown> = deepMapStrings(
    { ...details, nodes: nodes.slice(0, DetailBudget.nodesWhenShrunk) },
    (text) => cutText(text, DetailBudget.stringCharsWhenShrunk),
  ) as Record<string, unknown>;
  shrunkDetails.note = `details shrunk: ${limitNote}; strings cut to ${DetailBudget.stringCharsWhenShrunk} characters${
    nodes.length > DetailBudget.nodesWhenShrunk
      ? `, ${DetailBudget.nodesWhenShrunk} of ${nodes.length} nodes listed`
      : ""
  }`;
  const shrunk = withDetails(sanitized, shrunkDetails);
  if (eventBytes(shrunk) <= PagerDutyLimits.eventBytes) return shrunk;

  const headline: Record<string, unknown> = { note: `details dropped: ${limitNote}` };
  for (const key of ["cluster", "alertname", "status", "node_count", "message_id", "reason", "subject"]) {
    const value = details[key];
    if (value !== undefined) headline[key] = typeof value === "string" ? cutText(value, 1_000) : value;
  }
  const minimal = withDetails(sanitized, headline);
  minimal.links = (minimal.links ?? []).filter((link) => link.href.length <= 2_000);
  return minimal;
}

function withDetails(event: PagerDutyEventBody, customDetails: Record<string, unknown>): PagerDutyEventBody {
  if (event.payload === undefined) return event;
  return { ...event, payload: { ...event.payload, custom_details: customDetails } };
}

function deepMapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === "string") return map(value);
  if (Array.isArray(value)) return value.map((item) => deepMapStrings(item, map));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, deepMapStrings(item, map)]));
  }
  return value;
}
