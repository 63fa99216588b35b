import { enrichGroup } from "../shared/enrich/index.ts";
import { scaleForGroup } from "../shared/scale/index.ts";
import type { ClusterScenario } from "../sim/cluster-generator.ts";
import { ScenarioPresets } from "../sim/scenarios.ts";
import { startScaleSim } from "../test/support/scale-sim.ts";

/**
 * The scaler's cost per decision in Kubernetes API requests and bytes, for each owner of the replica count and
 * for a 5,000-node cluster, beside the baseline of a cold enrichment of the same group on the same cluster.
 */
const cases: [string, ClusterScenario][] = [
  ["self-managed, 12 nodes", ScenarioPresets.colocatedOnSpot],
  ["EKS add-on autoScaling, 30 nodes", ScenarioPresets.healthy],
  ["EKS add-on replicaCount, 40 nodes", { ...ScenarioPresets.addonReplicaCount, notReadyNodes: 0 }],
  ["cluster-proportional-autoscaler, 60", ScenarioPresets.proportionalAutoscaler],
  ["self-managed, 5,000 nodes", ScenarioPresets.huge],
];

export async function run(): Promise<void> {
  console.log("\nCoreDNS scaler: Kubernetes requests (KiB received) per decision, beside a cold enrichment");
  console.log(
    `  ${"cluster".padEnd(38)} ${"enrich (cold)".padStart(14)} ${"dry-run".padStart(14)} ${"scaled".padStart(14)} ${"cooldown".padStart(14)}`,
  );
  for (const [label, scenario] of cases) {
    const env = await startScaleSim(scenario);
    try {
      const group = env.group(["COREDNS_ON_THROTTLED_NODE"]);
      const cost = async (work: () => Promise<unknown>) => {
        env.sim.resetRequests();
        await work();
        const { requests, bytes } = env.sim.traffic();
        return `${requests} (${(bytes / 1024).toFixed(0)})`.padStart(14);
      };
      const enrich = await cost(() => enrichGroup(group, { kube: env.kube }));
      const dryRun = await cost(() => scaleForGroup(group, env.deps({ COREDNS_SCALE_MODE: "dry-run" })));
      const scaled = await cost(() => scaleForGroup(group, env.deps()));
      const cooldown = await cost(() => scaleForGroup(env.group(["COREDNS_ON_THROTTLED_NODE"]), env.deps()));
      console.log(`  ${label.padEnd(38)} ${enrich} ${dryRun} ${scaled} ${cooldown}`);
    } finally {
      await env.stop();
    }
  }
}
