import { type Env, readBoolean, readInt, readRequired, readString } from "../config/env.ts";
import { ConfigError } from "../errors.ts";
import { isLabelName } from "./amp-query.ts";

export interface VerifyConfig {
  /** The workspace's Prometheus endpoint: https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/ */
  queryUrl: string;
  region: string;
  internalTopicArn: string;
  /**
   * True when the scaler publishes a report for every group routed to it (deployed, mode not off): such a
   * group is then followed up from its report, after the scale-up, and not a second time from the group.
   */
  followsScaleReports: boolean;
  /** The verify queue's maxReceiveCount: the last receive sends "not verified" instead of failing again. */
  maxReceives: number;
  queryTimeoutMs: number;
  /** The label naming the cluster on the series, as on the alerts (CLUSTER_LABEL). */
  clusterLabel: string;
}

export const VerifyDefaults = { maxReceives: 5, queryTimeoutMs: 10_000 } as const;
/** The longest AMP_QUERY_TIMEOUT_MS accepted, so the function's timeout holds it (function-timeouts test). */
export const MAX_QUERY_TIMEOUT_MS = 20_000;

/**
 * `AMP_QUERY_URL` (required: the stack creates the verify function only when it is set; its region signs, else
 * `AWS_REGION`), `INTERNAL_TOPIC_ARN`, `VERIFY_FOLLOWS_SCALE_REPORTS` (default false), `VERIFY_MAX_RECEIVES`
 * (default 5), `AMP_QUERY_TIMEOUT_MS` (default 10000), `CLUSTER_LABEL` (default cluster).
 */
export function readVerifyConfig(env: Env): VerifyConfig {
  const queryUrl = readAmpQueryUrl(readRequired(env, "AMP_QUERY_URL"));
  // The workspace's own region signs the query (a workspace may live in another region than the function).
  const region = ampRegion(queryUrl) ?? readString(env, "AWS_REGION");
  if (!region) throw new ConfigError("AWS_REGION is required when AMP_QUERY_URL names no region");
  const clusterLabel = readString(env, "CLUSTER_LABEL") ?? "cluster";
  if (!isLabelName(clusterLabel))
    throw new ConfigError(`CLUSTER_LABEL must be a Prometheus label name, got "${clusterLabel}"`);
  return {
    queryUrl,
    region,
    internalTopicArn: readRequired(env, "INTERNAL_TOPIC_ARN"),
    followsScaleReports: readBoolean(env, "VERIFY_FOLLOWS_SCALE_REPORTS", false),
    maxReceives: readInt(env, "VERIFY_MAX_RECEIVES", VerifyDefaults.maxReceives, { min: 1, max: 10 }),
    queryTimeoutMs: readInt(env, "AMP_QUERY_TIMEOUT_MS", VerifyDefaults.queryTimeoutMs, {
      min: 1_000,
      max: MAX_QUERY_TIMEOUT_MS,
    }),
    clusterLabel,
  };
}

/** An https URL (plain http only to a loopback address: a local Prometheus or a test stand-in). */
export function readAmpQueryUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`AMP_QUERY_URL must be a URL, got "${text}"`);
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback))
    throw new ConfigError(`AMP_QUERY_URL must be an https URL, got "${url.origin}"`);
  if (url.username || url.password || url.search)
    throw new ConfigError("AMP_QUERY_URL must carry no credentials and no query: SigV4 signs each request");
  // The console also shows the query URL (.../api/v1/query); the API paths are added to the endpoint here.
  if (/\/api\/v1(\/|$)/.test(url.pathname))
    throw new ConfigError(
      `AMP_QUERY_URL must be the workspace's endpoint (.../workspaces/<id>/), not an API URL; got a path ending in "${url.pathname.replace(/^.*\/api\/v1/, "/api/v1")}"`,
    );
  return url.href;
}

/** The region in an AMP endpoint's host name (aps-workspaces.<region>.amazonaws.com). */
export function ampRegion(queryUrl: string): string | undefined {
  return /(?:^|\/\/)aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com/.exec(queryUrl)?.[1];
}
