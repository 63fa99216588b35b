import { afterEach } from "vitest";
import { type ClusterScenario, type GeneratedCluster, generateCluster } from "../../sim/cluster-generator.ts";
import {
  type KubeApiServerOptions,
  type KubeApiSimulator,
  startKubeApiServer,
} from "../../sim/kube-api-server.ts";

const running: KubeApiSimulator[] = [];

/** Starts a simulator stopped automatically after the current test. */
export async function startSimulator(
  options: Partial<KubeApiServerOptions> & { scenario?: ClusterScenario } = {},
): Promise<{ sim: KubeApiSimulator; cluster: GeneratedCluster }> {
  const cluster = generateCluster(
    options.scenario ?? { nodeCount: 6, corednsReplicas: 2, nodeLocalDns: true },
  );
  const sim = await startKubeApiServer({ cluster, ...options });
  running.push(sim);
  return { sim, cluster };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.stop()));
});
