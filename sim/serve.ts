import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { generateCluster } from "./cluster-generator.ts";
import { startKubeApiServer } from "./kube-api-server.ts";
import { type ScenarioName, ScenarioPresets } from "./scenarios.ts";
import { simulatorKubeconfig } from "./sim-kubeconfig.ts";

/**
 * Runs the simulated API server until interrupted:
 *   npx tsx sim/serve.ts --scenario colocatedOnSpot [--port 8001] [--kubeconfig /tmp/sim.kubeconfig] [--delay-ms 0]
 * then `kubectl --kubeconfig /tmp/sim.kubeconfig get nodes -o wide` or `linklocal-sentinel replay ... --kubeconfig`.
 */
const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "colocatedOnSpot" },
    port: { type: "string", default: "0" },
    kubeconfig: { type: "string" },
    "delay-ms": { type: "string", default: "0" },
  },
});
const name = values.scenario as ScenarioName;
const scenario = ScenarioPresets[name];
if (!scenario) {
  process.stderr.write(
    `unknown scenario "${values.scenario}"; one of: ${Object.keys(ScenarioPresets).join(", ")}\n`,
  );
  process.exit(2);
}
const sim = await startKubeApiServer({
  cluster: generateCluster(scenario),
  port: Number(values.port),
  delayMs: Number(values["delay-ms"]),
});
const kubeconfig = simulatorKubeconfig(sim);
if (values.kubeconfig) writeFileSync(values.kubeconfig, kubeconfig);
process.stdout.write(
  `simulated cluster "${sim.cluster.name}" (${sim.cluster.nodes.length} nodes) at ${sim.url}` +
    (values.kubeconfig ? `; kubeconfig written to ${values.kubeconfig}` : "") +
    "\n",
);
const stop = () => void sim.stop().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
