export {
  type ClusterScenario,
  type GeneratedCluster,
  generateCluster,
  ReplicaOwner,
} from "./cluster-generator.ts";
export { describeAddonOutput, describeClusterOutput } from "./eks-responses.ts";
export {
  type FailureMode,
  type ForbiddenRule,
  type KubeApiServerOptions,
  KubeApiSimulator,
  type RecordedRequest,
  startKubeApiServer,
} from "./kube-api-server.ts";
export { FLEET_SCENARIO, SAMPLE_SCENARIO, type ScenarioName, ScenarioPresets } from "./scenarios.ts";
export type { SimCluster, SimCoreDnsAddon } from "./sim-cluster.ts";
export { simulatorKubeconfig } from "./sim-kubeconfig.ts";
