import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { scaleForGroup } from "../../shared/scale/index.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { type ScaleSim, startScaleSim } from "../support/scale-sim.ts";

/**
 * eks:UpdateAddon can rewrite anything of the coredns add-on (its version, its IAM role, pod identity, every
 * configuration value), and IAM cannot look inside the request. What holds the scaler to replica counts is
 * the code: these run it through the EKS stand-in on add-on configurations full of other settings and check
 * what reached UpdateAddon.
 */
const REPLICA_KEYS = ["replicaCount", "autoScaling.minReplicas", "autoScaling.maxReplicas"];
const UPDATE_ADDON_FIELDS = [
  "addonName",
  "clientRequestToken",
  "clusterName",
  "configurationValues",
  "resolveConflicts",
];

/** Dotted paths of every leaf whose value differs between two parsed configurations. */
function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
  if (typeof before === "object" && before !== null && typeof after === "object" && after !== null) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) =>
      changedPaths(
        (before as Record<string, unknown>)[key],
        (after as Record<string, unknown>)[key],
        prefix ? `${prefix}.${key}` : key,
      ),
    );
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}

const running: ScaleSim[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

const busyJson = JSON.stringify({
  autoScaling: { enabled: true, minReplicas: 3, maxReplicas: 4 },
  resources: { limits: { memory: "170Mi" }, requests: { cpu: "100m" } },
  tolerations: [{ key: "dedicated", operator: "Equal", value: "dns", effect: "NoSchedule" }],
  corefile: ".:53 {\n  forward . /etc/resolv.conf\n}\n",
  podAnnotations: { "prometheus.io/scrape": "true" },
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone" }],
});
const busyYaml =
  "# owned by the platform team\nreplicaCount: 3\nnodeSelector:\n  role: system\naffinity: {}\npodDisruptionBudget:\n  enabled: true\n  maxUnavailable: 1\n";

describe("eks:UpdateAddon from the scaler changes replica keys only", () => {
  it.each([
    ["JSON with autoScaling and many other settings", ScenarioPresets.healthy, busyJson],
    ["YAML with replicaCount, comments and other settings", ScenarioPresets.addonReplicaCount, busyYaml],
    ["no configuration values at all", ScenarioPresets.addonReplicaCount, undefined],
  ])("%s", async (_, scenario, values) => {
    const env = await startScaleSim({ ...scenario, corednsReplicas: 3, notReadyNodes: 0 });
    running.push(env);
    if (!env.cluster.corednsAddon) throw new Error("the scenario has no add-on");
    env.cluster.corednsAddon.configurationValues = values;
    const report = await scaleForGroup(env.group(["COREDNS_ON_THROTTLED_NODE"]), env.deps());
    expect(report.action).toBe("scaled");
    const calls = (env.eks as unknown as { calls(): { args: [{ input: Record<string, unknown> }] }[] })
      .calls()
      .map((c) => c.args[0].input)
      .filter((input) => "configurationValues" in input);
    expect(calls).toHaveLength(1);
    const input = calls[0] as Record<string, unknown>;
    // No version, service account role, pod identity association or preserve-off: nothing but the values.
    expect(Object.keys(input).sort()).toEqual(UPDATE_ADDON_FIELDS);
    expect(input).toMatchObject({ addonName: "coredns", resolveConflicts: "PRESERVE" });
    const changed = changedPaths(parse(values ?? "{}"), parse(String(input.configurationValues)));
    expect(changed.length).toBeGreaterThan(0);
    for (const path of changed) expect(REPLICA_KEYS, path).toContain(path);
    // What was not a replica key is byte-for-byte where it was (comments included).
    if (values?.startsWith("#"))
      expect(String(input.configurationValues)).toContain("# owned by the platform team");
  });
});
