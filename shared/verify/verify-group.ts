import { type EnrichedAlertGroup, Sink, type VerificationReport } from "../model/index.ts";
import { dropRateQuery } from "./amp-query.ts";
import { type RateSeries, verifyDrops } from "./verdict.ts";

export interface VerifyDeps {
  /** A range query of the drop rate (queryRange with the workspace's URL and credentials, in production). */
  query: (
    promql: string,
    range: { start: number; end: number; stepSeconds: number },
  ) => Promise<RateSeries[]>;
  /** Unix seconds. */
  now: number;
}

/** How far back the check looks: from a little before the group's first drop, at most 2 hours. */
const MAX_WINDOW_SECONDS = 2 * 3600;
const QUIET_SECONDS = 300;

/**
 * The follow-up of one firing group: its nodes' drop rate since the group started, judged now. Null when the
 * group names no node to ask about (a raw fallback, alerts without node facts) or no cluster.
 */
export async function verifyGroup(
  group: EnrichedAlertGroup,
  deps: VerifyDeps,
): Promise<VerificationReport | null> {
  const nodes = [
    ...new Set(
      group.alerts
        .filter((alert) => alert.status === "firing")
        .map((alert) => alert.node?.name ?? alert.labels.node)
        .filter((node): node is string => typeof node === "string" && node !== ""),
    ),
  ].sort();
  if (nodes.length === 0 || !group.cluster) return null;
  const starts = group.alerts.map((a) => Date.parse(a.startsAt ?? "")).filter(Number.isFinite);
  const since = starts.length > 0 ? Math.floor(Math.min(...starts) / 1000) - 300 : deps.now - 1800;
  const start = Math.max(since, deps.now - MAX_WINDOW_SECONDS);
  const stepSeconds = Math.max(15, Math.floor((deps.now - start) / 120));
  const series = await deps.query(dropRateQuery(group.cluster, nodes), { start, end: deps.now, stepSeconds });
  const verdict = verifyDrops(nodes, series, deps.now, QUIET_SECONDS);
  return {
    schemaVersion: 1,
    kind: "verification",
    cluster: group.cluster,
    alertname: group.alertname,
    messageId: group.source.messageId,
    checkedAt: new Date(deps.now * 1000).toISOString(),
    stopped: verdict.stopped,
    summary: verdict.summary,
    nodes: verdict.nodes,
    routes: group.routes.filter((sink) => sink === Sink.slack || sink === Sink.pagerduty),
  };
}
