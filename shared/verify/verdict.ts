import type { NodeDropState } from "../model/index.ts";

/**
 * Whether the drops stopped, per node, from a range query of their rate. Pure: the samples in, one verdict per
 * node and one line for humans out ("drops stopped at 03:14", "still dropping on 2 nodes").
 */
export interface RateSeries {
  node: string;
  /** [unix seconds, drops per second], oldest first, as the Prometheus API returns them. */
  values: [number, number][];
}

export type NodeVerdict = NodeDropState;

export interface Verification {
  nodes: NodeVerdict[];
  stopped: boolean;
  summary: string;
}

/**
 * A node still drops when its rate was above zero within `quietSeconds` of `now` (the rate window makes the
 * last minutes lag); it stopped when its last drop is older; it had none when its series is all zeros. A node
 * absent from the answer has no counter under these labels: an alert fired on it, so that is a selector that
 * matches nothing (the cluster or node label), never "no drops".
 */
export function verifyDrops(
  nodes: readonly string[],
  series: readonly RateSeries[],
  now: number,
  quietSeconds: number,
): Verification {
  const verdicts: NodeVerdict[] = nodes.map((node) => {
    const samples = series.filter((s) => s.node === node).flatMap((s) => s.values);
    if (samples.length === 0) return { node, state: "no-data" };
    const drops = samples.filter(([, rate]) => rate > 0).sort((a, b) => a[0] - b[0]);
    const last = drops.at(-1);
    if (last === undefined) return { node, state: "no-drops" };
    if (now - last[0] <= quietSeconds) return { node, state: "dropping", lastDropAt: last[0], rate: last[1] };
    return { node, state: "stopped", lastDropAt: last[0] };
  });
  const dropping = verdicts.filter((v) => v.state === "dropping").map((v) => v.node);
  const missing = verdicts.filter((v) => v.state === "no-data").map((v) => v.node);
  const of = `of ${verdicts.length} node(s)`;
  const parts: string[] = [];
  if (dropping.length > 0) parts.push(`still dropping on ${dropping.length} ${of}: ${dropping.join(", ")}`);
  if (missing.length > 0)
    parts.push(
      `no drop counter in AMP for ${missing.length} ${of}: ${missing.join(", ")} (check the cluster and node labels of the series)`,
    );
  if (parts.length > 0) return { nodes: verdicts, stopped: false, summary: parts.join("; ") };
  const lastStop = Math.max(...verdicts.map((v) => (v.state === "stopped" ? v.lastDropAt : 0)));
  return {
    nodes: verdicts,
    stopped: true,
    summary:
      lastStop > 0
        ? `drops stopped at ${new Date(lastStop * 1000).toISOString().slice(11, 16)} UTC on every node`
        : "no drops on these nodes in the window",
  };
}
