import { afterEach, describe, expect, it } from "vitest";
import { diagnose } from "../../shared/diagnose/index.ts";
import { enrichGroup } from "../../shared/enrich/index.ts";
import { DiagnosisCode } from "../../shared/model/index.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import {
  alertGroup,
  type EnrichSim,
  internalIp,
  silentLogger,
  simAddonLookup,
  startEnrichSim,
} from "../support/enrich-fixtures.ts";

/** Enrichment and diagnosis together, on the simulator's named scenarios. */
const running: EnrichSim[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((env) => env.sim.stop()));
});

async function diagnoseOn(
  scenario: (typeof ScenarioPresets)[keyof typeof ScenarioPresets],
  pickNode: (env: EnrichSim) => string,
  options: Parameters<typeof startEnrichSim>[1] = {},
) {
  const env = await startEnrichSim(scenario, options);
  running.push(env);
  const addon = simAddonLookup(env.cluster);

  const node = pickNode(env);
  const group = alertGroup([{ instance: `${internalIp(env.cluster, node)}:9417` }]);
  const result = await enrichGroup(group, { kube: env.kube, addon, logger: silentLogger });
  return {
    env,
    node,
    findings: diagnose(result.alerts, result.coredns, result.errors, { clusterName: env.cluster.name }),
  };
}

const corednsNode = (env: EnrichSim) => env.cluster.facts.corednsNodes[0] ?? "";
const otherNode = (env: EnrichSim) =>
  env.cluster.nodes.map((n) => n.metadata.name).find((n) => !env.cluster.facts.corednsNodes.includes(n)) ??
  "";

describe("diagnosis of the simulator's scenarios", () => {
  it("colocatedOnSpot, drops on the CoreDNS node", async () => {
    const { findings, node } = await diagnoseOn(ScenarioPresets.colocatedOnSpot, corednsNode);
    expect(findings.map((f) => f.code)).toEqual([
      DiagnosisCode.corednsOnThrottledNode,
      DiagnosisCode.corednsColocated,
      DiagnosisCode.corednsOnSpot,
      DiagnosisCode.nodelocalDnsAbsent,
    ]);
    expect(findings[0]?.nodes).toEqual([node]);
    expect(findings[0]?.reason).toMatch(/^2 CoreDNS pods \(coredns-\S+, coredns-\S+\) run on ip-/);
    expect(findings[0]?.fix).toMatch(/kubectl -n kube-system scale deployment\/coredns --replicas=4/);
  });

  it("underscaledLarge, drops on an application node", async () => {
    const { findings } = await diagnoseOn(ScenarioPresets.underscaledLarge, otherNode);
    expect(findings.map((f) => f.code)).toEqual([
      DiagnosisCode.corednsUnderscaled,
      DiagnosisCode.nonCorednsNodeThrottled,
      DiagnosisCode.nodelocalDnsAbsent,
    ]);
    expect(findings[0]?.reason).toBe(
      "2 CoreDNS replicas serve 500 nodes; at one per 16 nodes the cluster needs at least 32",
    );
  });

  it("proportionalAutoscaler owns replicas", async () => {
    const { findings } = await diagnoseOn(ScenarioPresets.proportionalAutoscaler, otherNode);
    const managed = findings.find((f) => f.code === DiagnosisCode.corednsReplicasManaged);
    expect(managed?.reason).toMatch(/owned by cluster-proportional-autoscaler deployment\/dns-autoscaler/);
    expect(findings.map((f) => f.code)).not.toContain(DiagnosisCode.corednsUnderscaled);
  });

  it("healthy cluster with the EKS add-on: NodeLocal node still dropping, add-on owns replicas", async () => {
    const { findings } = await diagnoseOn(ScenarioPresets.healthy, otherNode);
    expect(findings.map((f) => f.code)).toEqual([
      DiagnosisCode.nodelocalDnsOnThrottledNode,
      DiagnosisCode.corednsReplicasManaged,
    ]);
    expect(findings[1]?.reason).toMatch(
      /EKS add-on coredns v1.11.3-eksbuild.2 with autoScaling \(min 4, max 10\)/,
    );
  });

  it("a forbidden cluster yields ENRICHMENT_UNAVAILABLE with the RBAC fix and nothing else", async () => {
    const { findings } = await diagnoseOn(ScenarioPresets.tiny, corednsNode, {
      forbidden: [
        { verb: "*", resource: "pods" },
        { verb: "*", resource: "nodes" },
        { verb: "*", resource: "deployments" },
        { verb: "*", resource: "daemonsets" },
      ],
    });
    expect(findings.map((f) => f.code)).toEqual([DiagnosisCode.enrichmentUnavailable]);
    expect(findings[0]?.reason).toMatch(/no node facts for 1 of 1 firing alert; .*403 Forbidden/);
    expect(findings[0]?.fix).toMatch(/infra\/rbac.yaml/);
  });
});
