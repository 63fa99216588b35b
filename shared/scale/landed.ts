import type { KubeApi } from "../cluster/kube-api.ts";
import type { Deployment, Node } from "../cluster/kube-objects.ts";
import { KubePath } from "../enrich/constants.ts";
import { listTable } from "../enrich/kube-reads.ts";
import { capacityTypeOf } from "../enrich/node-record.ts";
import { cellText } from "../enrich/table.ts";
import type { LandedReplica } from "../model/index.ts";

export interface LandingDeps {
  kube: KubeApi;
  /** The CoreDNS Deployment's path and its pods' label selector, whatever it is called. */
  deploymentPath: string;
  podSelector: string;
  waitMs: number;
  pollMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface Landing {
  ready: number;
  /** False when the wait ended before `to` replicas were Ready. */
  allReady: boolean;
  replicas: LandedReplica[];
}

/**
 * Waits (bounded) for `to` Ready replicas, then finds the pods that were not there before and the nodes they
 * landed on: a replica on a node that is itself throttled, or on spot capacity, is worth a human's look.
 */
export async function waitForLanding(
  to: number,
  podsBefore: ReadonlyMap<string, string | null>,
  throttledNodes: ReadonlySet<string>,
  deps: LandingDeps,
): Promise<Landing> {
  const deadline = deps.now() + deps.waitMs;
  let ready = 0;
  for (;;) {
    const deployment = await deps.kube.get<Deployment>(deps.deploymentPath);
    ready = deployment.status?.readyReplicas ?? 0;
    if (ready >= to || deps.now() + deps.pollMs > deadline) break;
    await deps.sleep(deps.pollMs);
  }
  const rows = await listTable(deps.kube, KubePath.dnsPods, { labelSelector: deps.podSelector });
  const fresh = rows
    .map((row) => ({
      pod: cellText(row, "Name") ?? "",
      node: cellText(row, "Node"),
      ready: isReadyRow(cellText(row, "Ready"), cellText(row, "Status")),
    }))
    .filter((row) => row.pod !== "" && !podsBefore.has(row.pod));
  const nodeNames = [...new Set(fresh.map((row) => row.node).filter((n): n is string => n !== null))];
  const nodes = await Promise.all(
    nodeNames.map((name) =>
      deps.kube.get<Node>(`${KubePath.nodes}/${encodeURIComponent(name)}`).catch(() => null),
    ),
  );
  const spot = new Set(
    nodes
      .filter((n): n is Node => n !== null && capacityTypeOf(n.metadata.labels ?? null) === "spot")
      .map((n) => n.metadata.name),
  );
  return {
    ready,
    allReady: ready >= to,
    replicas: fresh.map((row) => ({
      pod: row.pod,
      node: row.node ?? "(not scheduled)",
      ready: row.ready,
      throttled: row.node !== null && throttledNodes.has(row.node),
      spot: row.node !== null && spot.has(row.node),
    })),
  };
}

function isReadyRow(ready: string | null, status: string | null): boolean {
  const [up, total] = (ready ?? "0/0").split("/").map(Number);
  return status === "Running" && total !== undefined && total > 0 && up === total;
}
