import { splitByCluster } from "../fleet/split-by-cluster.ts";
import { logger as defaultLogger } from "../logger.ts";
import {
  type AlertGroup,
  type EnrichedAlertGroup,
  type EnrichmentFailureReason,
  MessageFormat,
  type RawFallback,
  type Sink,
} from "../model/index.ts";
import { type AmpMessage, isTruncatedByAmp, type ParseError, parseAmpMessage } from "../parse/index.ts";
import type { GroupEnricher } from "./enrichment.ts";
import { cutToBytes, fitGroupToSns, RAW_TEXT_BUDGET_BYTES } from "./fit-to-sns.ts";
import { isHeartbeat } from "./heartbeat.ts";

export interface IngestDeps {
  clusterLabel: string;
  enrich: GroupEnricher;
  /** Decides the sinks of a group (ROUTES); a raw fallback group with no route still goes to Slack. */
  route: (group: AlertGroup) => Sink[];
  logger?: Pick<typeof defaultLogger, "info" | "warn">;
}

export interface IngestOutcome {
  group: EnrichedAlertGroup;
  /** Set when the body could not be read and the group is a raw fallback. */
  parseError: ParseError | null;
  /** A heartbeat (see heartbeat.ts): recorded, never enriched, routed nowhere. */
  heartbeat: boolean;
  /** Kubernetes API requests the enrichment made. */
  kubeRequests?: number;
  /** Why (some) node facts are missing, when enrichment said (see GroupEnrichment.failure). */
  enrichmentFailure?: EnrichmentFailureReason | null;
}

/**
 * The whole ingest path for one SNS message, minus the publish: parse, split by cluster, then enrich, diagnose
 * and route each cluster's share. Never throws for bad input: an unreadable message becomes a raw fallback.
 */
export async function ingestMessage(message: AmpMessage, deps: IngestDeps): Promise<IngestOutcome[]> {
  const parsed = parseAmpMessage(message, { clusterLabel: deps.clusterLabel });
  if (!parsed.ok) return [rawFallback(message, parsed.error, deps)];
  // Each cluster's share is enriched at once, beside the others: one enrichment deadline bounds them all.
  return Promise.all(
    splitByCluster(parsed.group, deps.clusterLabel).map((group) => ingestGroup(group, deps)),
  );
}

function rawFallback(message: AmpMessage, error: ParseError, deps: IngestDeps): IngestOutcome {
  const log = deps.logger ?? defaultLogger;
  log.warn("message could not be parsed; delivering it as a raw fallback", {
    reason: error.reason,
    parseError: error.code,
    bodyBytes: Buffer.byteLength(message.body, "utf8"),
  });
  const group = rawFallbackGroup(message, error);
  const enriched = { ...toEnriched(group), routes: notifyingRoutes(deps.route(group), log) };
  return { group: fitGroupToSns(enriched), parseError: error, heartbeat: false };
}

async function ingestGroup(group: AlertGroup, deps: IngestDeps): Promise<IngestOutcome> {
  const log = deps.logger ?? defaultLogger;
  if (isHeartbeat(group)) {
    log.info("heartbeat received", { cluster: group.cluster, status: group.status });
    return { group: { ...toEnriched(group), routes: [] }, parseError: null, heartbeat: true };
  }
  if (group.warnings.length > 0)
    log.warn("message parsed with warnings", { warnings: group.warnings.slice(0, 20) });
  const enrichment = await deps.enrich(group);
  const enriched: EnrichedAlertGroup = {
    ...toEnriched(group),
    alerts: enrichment.alerts,
    coredns: enrichment.coredns,
    diagnosis: enrichment.diagnosis,
    routes: notifyingRoutes(deps.route(group), log),
    ...(enrichment.talkers ? { talkers: enrichment.talkers } : {}),
  };
  log.info("alert group ingested", {
    format: group.source.format,
    status: group.status,
    alertname: group.alertname,
    cluster: group.cluster,
    alerts: group.alerts.length,
    truncated: group.truncated,
    diagnosis: enriched.diagnosis.map((d) => d.code),
    routes: enriched.routes,
  });
  return {
    group: fitGroupToSns(enriched),
    parseError: null,
    heartbeat: false,
    kubeRequests: enrichment.kubeRequests,
    enrichmentFailure: enrichment.failure ?? null,
  };
}

/**
 * Routes that reach a human. `coredns-scale` alone would publish a group nobody is told about (the scaler
 * reports its decision, not the alert), so such a group also goes to Slack.
 */
function notifyingRoutes(routes: Sink[], log: NonNullable<IngestDeps["logger"]>): Sink[] {
  if (routes.some((sink) => sink === "slack" || sink === "pagerduty")) return routes;
  log.warn("no notifying sink among the routes; adding slack so the alert reaches someone", { routes });
  return [...routes, "slack"];
}

export function rawFallbackGroup(message: AmpMessage, error: ParseError): AlertGroup {
  const { text, cut } = cutToBytes(message.body, RAW_TEXT_BUDGET_BYTES);
  const raw: RawFallback = { reason: error.reason, text, cut };
  return {
    status: "unknown",
    receiver: null,
    groupKey: null,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: null,
    alerts: [],
    alertname: null,
    cluster: null,
    source: {
      messageId: message.messageId,
      topicArn: message.topicArn,
      subject: message.subject,
      timestamp: message.timestamp,
      format: MessageFormat.raw,
    },
    truncated: isTruncatedByAmp(message) || cut,
    truncatedAlerts: 0,
    warnings: [],
    raw,
  };
}

function toEnriched(group: AlertGroup): EnrichedAlertGroup {
  return {
    ...group,
    schemaVersion: 1,
    alerts: group.alerts.map((alert) => ({ ...alert, node: null })),
    coredns: null,
    diagnosis: [],
    routes: [],
  };
}
