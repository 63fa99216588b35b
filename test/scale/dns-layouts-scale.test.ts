import { afterEach, describe, expect, it } from "vitest";
import type { Node } from "../../shared/cluster/kube-objects.ts";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";
import { scaleForGroup } from "../../shared/scale/index.ts";
import { placementRules, whyNodeCannotTake } from "../../shared/scale/placement.ts";
import type { ClusterScenario } from "../../sim/cluster-generator.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { placement } from "../support/enrich-diagnosis.ts";
import { type ScaleSim, startScaleSim } from "../support/scale-sim.ts";

/** The scaler on each DNS layout: the real Deployment written, or a refusal that names the layout. */
const running: ScaleSim[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function cluster(scenario: ClusterScenario, options: Parameters<typeof startScaleSim>[1] = {}) {
  const env = await startScaleSim(scenario, options);
  running.push(env);
  return env;
}

/** A group on the scenario's first node, diagnosed as replicas helping, and what enrichment read of CoreDNS. */
function groupOn(env: ScaleSim, coredns: EnrichedAlertGroup["coredns"] = null) {
  const node = env.cluster.facts.corednsNodes[0] ?? env.cluster.nodes[0]?.metadata.name;
  const group = env.group(["COREDNS_UNDERSCALED"], { coredns });
  return { ...group, diagnosis: group.diagnosis.map((d) => ({ ...d, nodes: [node as string] })) };
}

const writes = (env: ScaleSim) => env.sim.requests.filter((r) => r.method !== "GET");

describe("the scaler on each DNS layout", () => {
  it("EKS Auto Mode as enrichment read it: refused eks-auto-mode before any cluster read", async () => {
    const env = await cluster(ScenarioPresets.autoMode);
    const coredns = placement({
      deployment: null,
      replicaController: {
        kind: "eks-auto-mode",
        detail: "EKS Auto Mode (DescribeCluster computeConfig): ...",
      },
    });
    const report = await scaleForGroup(groupOn(env, coredns), env.deps());
    expect(report).toMatchObject({ action: "refused", guardrail: "eks-auto-mode", owner: "eks-auto-mode" });
    expect(env.sim.requests).toEqual([]);
  });

  it("EKS Auto Mode seen by the fresh read (a node labelled compute-type auto): refused, nothing written", async () => {
    const env = await cluster(ScenarioPresets.autoMode);
    const report = await scaleForGroup(groupOn(env), env.deps());
    expect(report).toMatchObject({ action: "refused", guardrail: "eks-auto-mode", owner: "eks-auto-mode" });
    expect(report.reason).toMatch(
      /EKS Auto Mode runs cluster DNS on its nodes as a managed component \(https:/,
    );
    expect(writes(env)).toEqual([]);
  });

  it("no CoreDNS: refused no-coredns, naming what the kube-dns Service selects", async () => {
    const env = await cluster(ScenarioPresets.noCoreDns);
    const report = await scaleForGroup(groupOn(env), env.deps());
    expect(report).toMatchObject({ action: "refused", guardrail: "no-coredns", owner: "unknown" });
    expect(report.reason).toContain("kube-dns Service: app.kubernetes.io/name=unbound");
    expect(writes(env)).toEqual([]);
  });

  it("Helm-installed CoreDNS: the write goes to deployment dns-coredns, the one enrichment named", async () => {
    // infra/rbac.yaml names `coredns`; an operator with a renamed Deployment adds its name (docs/dns-layouts.md).
    const env = await cluster(ScenarioPresets.helmCoreDns, { authorize: () => true });
    const report = await scaleForGroup(
      groupOn(env),
      env.deps({ COREDNS_READY_WAIT_SECONDS: "0" }, { assumeSelfManaged: true }),
    );
    expect(report).toMatchObject({ action: "scaled", owner: "deployment", from: 2, to: 3 });
    expect(env.writes()).toEqual([
      { path: "/apis/apps/v1/namespaces/kube-system/deployments/dns-coredns", statusCode: 200 },
    ]);
    const helm = env.cluster.deployments.find((d) => d.metadata.name === "dns-coredns");
    expect(helm?.spec?.replicas).toBe(3);
  });

  it("a renamed cluster-proportional-autoscaler: its own ConfigMap's min is raised", async () => {
    const env = await cluster(ScenarioPresets.renamedAutoscaler, { authorize: () => true });
    const report = await scaleForGroup(groupOn(env), env.deps({ COREDNS_READY_WAIT_SECONDS: "0" }));
    expect(report).toMatchObject({
      action: "scaled",
      owner: "cluster-proportional-autoscaler",
      from: 2,
      to: 3,
    });
    expect(env.writes().map((w) => w.path)).toEqual([
      "/apis/apps/v1/namespaces/kube-system/deployments/coredns",
      "/api/v1/namespaces/kube-system/configmaps/coredns-autoscaler",
    ]);
  });

  it("CoreDNS on a kube-system Fargate profile: each new replica gets its own node, no node scan bounds it", async () => {
    const env = await cluster(ScenarioPresets.fargateKubeSystem);
    const report = await scaleForGroup(
      groupOn(env),
      env.deps({ COREDNS_SCALE_MODE: "dry-run" }, { assumeSelfManaged: true }),
    );
    expect(report).toMatchObject({ action: "would-scale", from: 2, to: 3 });
    expect(report.reason).toContain("CoreDNS runs on Fargate: each new replica gets its own node");
    expect(env.sim.requests.some((r) => r.path === "/api/v1/nodes")).toBe(false);
  });

  it("Fargate nodes are never candidates for an EC2-hosted replica", async () => {
    const env = await cluster(ScenarioPresets.fargateOnly);
    const fargate = env.cluster.nodes[5] as Node;
    expect(whyNodeCannotTake(fargate, placementRules(env.coredns()))).toBe("Fargate");
  });
});
