import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { errorMessage } from "../errors.ts";
import type { RateSeries } from "./verdict.ts";

/**
 * A SigV4-signed PromQL range query to an Amazon Managed Prometheus workspace (service `aps`): AMP_QUERY_URL
 * is the workspace's Prometheus endpoint (https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/).
 * Any Prometheus-compatible API answers the same request; the signature is then ignored.
 */
export interface AmpQueryOptions {
  queryUrl: string;
  region: string;
  /** Defaults to the AWS credential chain (loaded on first use). */
  credentials?: AwsCredentialIdentityProvider;
  timeoutMs?: number;
}

/** A Prometheus label name: it is written into the query unquoted, so nothing else may pass. */
export function isLabelName(text: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(text);
}

/**
 * Drops per second per node over a window, both spellings of the counter, selected by cluster (under the
 * deployment's CLUSTER_LABEL, as the alerts carry it) and node.
 */
export function dropRateQuery(cluster: string, nodes: readonly string[], clusterLabel = "cluster"): string {
  const selector = `${clusterLabel}="${escapeLabel(cluster)}",node=~"${nodes.map(escapeRegex).join("|")}"`;
  return (
    `sum by (node) (rate(node_ethtool_linklocal_allowance_exceeded{${selector}}[2m]) or ` +
    `rate(node_net_ethtool{type="linklocal_allowance_exceeded",${selector}}[2m]))`
  );
}

export async function queryRange(
  options: AmpQueryOptions,
  promql: string,
  range: { start: number; end: number; stepSeconds: number },
): Promise<RateSeries[]> {
  const request = await signedRangeQuery(options, promql, range);
  const where = `the PromQL query to ${request.url.origin}`;
  const { status, text } = await postWithin(request, options.timeoutMs ?? 10_000, where);
  return rateSeries(status, text, where);
}

/** A `query_range` POST to the workspace, SigV4-signed for the service `aps` in the workspace's region. */
async function signedRangeQuery(
  options: AmpQueryOptions,
  promql: string,
  range: { start: number; end: number; stepSeconds: number },
): Promise<{ url: URL; body: string; headers: Record<string, string> }> {
  const url = new URL(
    "api/v1/query_range",
    options.queryUrl.endsWith("/") ? options.queryUrl : `${options.queryUrl}/`,
  );
  const body = new URLSearchParams({
    query: promql,
    start: String(range.start),
    end: String(range.end),
    step: `${range.stepSeconds}s`,
  }).toString();
  const { HttpRequest, Sha256, SignatureV4, defaultProvider } = await import("../lazy/sigv4.ts");
  const request = new HttpRequest({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    headers: { host: url.host, "content-type": "application/x-www-form-urlencoded" },
    body,
  });
  const signer = new SignatureV4({
    credentials: options.credentials ?? defaultProvider(),
    region: options.region,
    service: "aps",
    sha256: Sha256,
  });
  const signed = await signer.sign(request);
  return { url, body, headers: signed.headers as Record<string, string> };
}

/** Sends the query; an answer not complete (body included) within `timeoutMs` is a failure. */
async function postWithin(
  request: { url: URL; body: string; headers: Record<string, string> },
  timeoutMs: number,
  where: string,
): Promise<{ status: number; text: string }> {
  // One signal for the request and the body: a server that sends headers and then stalls is cut too.
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      signal,
    });
    text = await response.text();
  } catch (error) {
    const why = signal.aborted ? `no answer within ${timeoutMs} ms` : errorMessage(error);
    throw new AmpQueryError(`${where} failed: ${why}`, "");
  }
  if (!response.ok) throw new AmpQueryError(`${where} answered ${response.status}`, text);
  return { status: response.status, text };
}

/** The per-node series of a successful Prometheus range answer. */
function rateSeries(status: number, text: string, where: string): RateSeries[] {
  let answer: {
    status?: string;
    data?: { result?: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw new AmpQueryError(`${where} answered ${status} with a body that is not JSON`, text);
  }
  if (answer.status !== "success") throw new AmpQueryError(`${where} did not succeed`, text);
  return (answer.data?.result ?? []).map((series) => ({
    node: series.metric.node ?? "",
    values: series.values.map(([at, value]) => [Number(at), Number(value)] as [number, number]),
  }));
}

/**
 * A failed query. The message says what failed and is fit for Slack and PagerDuty; AMP's answer (a 403 names
 * the account and the role) is kept apart in `detail`, for the logs and the CLI.
 */
export class AmpQueryError extends Error {
  override readonly name = "AmpQueryError";
  constructor(
    message: string,
    /** The first 300 characters of what AMP answered, when it answered. */
    readonly detail: string,
  ) {
    super(message);
    this.detail = detail.slice(0, 300);
  }
}

function escapeLabel(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

function escapeRegex(text: string): string {
  return escapeLabel(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}
