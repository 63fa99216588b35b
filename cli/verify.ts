import { parseArgs } from "node:util";
import { InputError } from "../shared/errors.ts";
import { AmpQueryError, dropRateQuery, isLabelName, queryRange } from "../shared/verify/amp-query.ts";
import { type Verification, verifyDrops } from "../shared/verify/verdict.ts";
import { ampRegion } from "../shared/verify/verify-config.ts";
import { QUIET_SECONDS } from "../shared/verify/verify-group.ts";

export const VERIFY_USAGE = `Usage: linklocal-sentinel verify --cluster C --nodes N1,N2 [options]

Asks the AMP workspace (a SigV4-signed PromQL range query) whether the link-local drops stopped on these
nodes: "drops stopped at 03:14 UTC on every node", or "still dropping on 2 of 3 node(s)".

Options:
  --cluster C        the cluster label of the series
  --nodes N1,N2      node names (the series' node label)
  --since D          how far back to look: 30m (default), 2h, ...
  --query-url U      the workspace's Prometheus endpoint (default: $AMP_QUERY_URL)
  --region R         the workspace's region (default: the one in the URL, else $AWS_REGION)
  --cluster-label L  the label naming the cluster on the series (default: $CLUSTER_LABEL, else cluster)
  --at T             judge as of this unix time (default: now)
  --json             print the verdict as JSON
  -h, --help         this help

Exit status: 0 when the drops stopped (or there were none), 1 when a node still drops or the query failed,
2 for bad arguments.
`;

export async function verifyCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
  const { values } = parseArgs({
    args,
    options: {
      cluster: { type: "string" },
      nodes: { type: "string" },
      since: { type: "string", default: "30m" },
      "query-url": { type: "string" },
      region: { type: "string" },
      "cluster-label": { type: "string" },
      at: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return { code: 0, output: VERIFY_USAGE };
  const cluster = values.cluster?.trim();
  const nodes = (values.nodes ?? "")
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  if (!cluster || nodes.length === 0)
    throw new InputError("verify needs --cluster and --nodes (try: verify --help)");
  const queryUrl = values["query-url"] ?? env.AMP_QUERY_URL;
  if (!queryUrl)
    throw new InputError("verify needs --query-url or AMP_QUERY_URL (the workspace's Prometheus endpoint)");
  const region = values.region ?? ampRegion(queryUrl) ?? env.AWS_REGION;
  if (!region) throw new InputError("verify needs --region (or AWS_REGION)");
  const seconds = durationSeconds(values.since);
  const now = values.at ? Number(values.at) : Math.floor(Date.now() / 1000);
  if (!Number.isFinite(now)) throw new InputError(`--at must be a unix time, got "${values.at}"`);
  const step = Math.max(15, Math.floor(seconds / 120));
  const clusterLabel = values["cluster-label"] ?? env.CLUSTER_LABEL ?? "cluster";
  if (!isLabelName(clusterLabel))
    throw new InputError(`--cluster-label must be a Prometheus label name, got "${clusterLabel}"`);
  let series: Awaited<ReturnType<typeof queryRange>>;
  try {
    series = await queryRange({ queryUrl, region }, dropRateQuery(cluster, nodes, clusterLabel), {
      start: now - seconds,
      end: now,
      stepSeconds: step,
    });
  } catch (error) {
    // At a terminal, AMP's own words help (a 403 names the missing permission).
    if (error instanceof AmpQueryError && error.detail) throw new Error(`${error.message}: ${error.detail}`);
    throw error;
  }
  const verdict: Verification = verifyDrops(nodes, series, now, QUIET_SECONDS);
  const output = values.json ? `${JSON.stringify(verdict, null, 2)}\n` : `${verdict.summary}\n`;
  return { code: verdict.stopped ? 0 : 1, output };
}

function durationSeconds(text: string): number {
  const match = /^(\d+)([smh])$/.exec(text.trim());
  if (!match) throw new InputError(`--since must look like 30m, 2h or 90s, got "${text}"`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"];
}
