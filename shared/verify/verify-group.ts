import type { VerificationReport } from "../model/index.ts";
import { dropRateQuery } from "./amp-query.ts";
import type { FollowUpTarget } from "./follow-up-target.ts";
import { type RateSeries, type Verification, verifyDrops } from "./verdict.ts";

export interface VerifyDeps {
  /** A range query of the drop rate (queryRange with the workspace's URL and credentials, in production). */
  query: (
    promql: string,
    range: { start: number; end: number; stepSeconds: number },
  ) => Promise<RateSeries[]>;
  /** Unix seconds. */
  now: number;
  /** The label naming the cluster on the series (CLUSTER_LABEL); `cluster` when not given. */
  clusterLabel?: string;
}

/** How far back the check looks: from a little before the group's first drop, at most 2 hours. */
const MAX_WINDOW_SECONDS = 2 * 3600;
const BEFORE_FIRST_DROP_SECONDS = 300;
/** The 2m rate window lags: a node whose rate was above zero in the last 5 minutes still drops. */
export const QUIET_SECONDS = 300;

/**
 * The follow-up of one firing group (or of the scaler's report on it): its nodes' drop rate since the group
 * started, judged now. Null when the target names no node to ask about or no cluster.
 */
export async function verifyTarget(
  target: FollowUpTarget,
  deps: VerifyDeps,
): Promise<VerificationReport | null> {
  const { cluster, nodes } = target;
  if (nodes.length === 0 || !cluster) return null;
  const since =
    target.firstFiringAt === null ? deps.now - 1800 : target.firstFiringAt - BEFORE_FIRST_DROP_SECONDS;
  const start = Math.floor(Math.max(since, deps.now - MAX_WINDOW_SECONDS));
  const stepSeconds = Math.max(15, Math.floor((deps.now - start) / 120));
  const series = await deps.query(dropRateQuery(cluster, nodes, deps.clusterLabel), {
    start,
    end: deps.now,
    stepSeconds,
  });
  return toVerification(target, verifyDrops(nodes, series, deps.now, QUIET_SECONDS), deps.now);
}

function toVerification(target: FollowUpTarget, verdict: Verification, now: number): VerificationReport {
  return {
    ...header(target, now),
    checked: true,
    stopped: verdict.stopped,
    summary: target.after ? `${verdict.summary}, ${target.after}` : verdict.summary,
    next: verdict.stopped ? null : nextStep(target, verdict),
    nodes: verdict.nodes,
  };
}

/**
 * The verification sent when AMP could not be asked at all (every attempt failed): on-call waits for a
 * follow-up, so silence would read as "nothing to say".
 */
export function uncheckedVerification(target: FollowUpTarget, why: string, now: number): VerificationReport {
  return {
    ...header(target, now),
    checked: false,
    stopped: false,
    summary: `could not ask AMP whether the drops stopped: ${why}`,
    next: `look at the drops on the dashboard, or run ${verifyCommand(target)}`,
    nodes: [],
  };
}

/** The verification of a group that names no node (or no cluster): nothing to ask AMP, and why. */
export function unaskableVerification(target: FollowUpTarget, now: number): VerificationReport {
  const missing = target.cluster ? "node" : "cluster";
  return {
    ...uncheckedVerification(target, `the alerts name no ${missing} to ask about`, now),
    next:
      missing === "node"
        ? "give the alert rule's series a node label (docs/deploy.md shows the relabel), so follow-ups can be checked"
        : "give the alerts the cluster label (CLUSTER_LABEL), so follow-ups can be checked",
  };
}

function header(target: FollowUpTarget, now: number) {
  return {
    schemaVersion: 1 as const,
    kind: "verification" as const,
    cluster: target.cluster,
    alertname: target.alertname,
    messageId: target.messageId,
    checkedAt: new Date(now * 1000).toISOString(),
    after: target.after,
    routes: target.routes,
  };
}

function nextStep(target: FollowUpTarget, verdict: Verification): string {
  const dropping = verdict.nodes.filter((node) => node.state === "dropping").map((node) => node.node);
  if (dropping.length === 0)
    return (
      "give the drop counter's series the cluster label (CLUSTER_LABEL) and the node label the alerts carry " +
      `(docs/deploy.md shows the relabel), then run ${verifyCommand(target)}`
    );
  if (target.after?.startsWith("after scaling"))
    return (
      "more CoreDNS replicas did not stop the drops on these nodes, so their DNS traffic likely bypasses " +
      "CoreDNS: look for hostNetwork pods with dnsPolicy ClusterFirst or Default on them (the first " +
      "message names them), or deploy NodeLocal DNSCache; then run " +
      verifyCommand({ ...target, nodes: dropping })
    );
  return (
    "the fix has not taken on these nodes yet: apply the first message's finding (its runbook section), " +
    `then run ${verifyCommand({ ...target, nodes: dropping })}`
  );
}

function verifyCommand(target: Pick<FollowUpTarget, "cluster" | "nodes">): string {
  return `linklocal-sentinel verify --cluster ${target.cluster ?? "C"} --nodes ${target.nodes.join(",")}`;
}
