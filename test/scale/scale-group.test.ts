import { afterEach, describe, expect, it } from "vitest";
import type { ConfigMap } from "../../shared/cluster/kube-objects.ts";
import type { ScaleReport } from "../../shared/model/index.ts";
import { LAST_SCALE_ANNOTATION, scaleForGroup } from "../../shared/scale/index.ts";
import type { ClusterScenario } from "../../sim/cluster-generator.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { type ScaleSim, startScaleSim } from "../support/scale-sim.ts";

const running: ScaleSim[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function cluster(scenario: ClusterScenario, options: Parameters<typeof startScaleSim>[1] = {}) {
  const env = await startScaleSim(scenario, options);
  running.push(env);
  return env;
}

const selfManaged = { ...ScenarioPresets.colocatedOnSpot, nodeCount: 12 };
const cpaConfigMap = (env: ScaleSim) =>
  env.cluster.configMaps.find((c) => c.metadata.name === "dns-autoscaler") as ConfigMap;

function annotation(env: ScaleSim) {
  const text = env.coredns().metadata.annotations?.[LAST_SCALE_ANNOTATION];
  return text === undefined ? undefined : JSON.parse(text);
}

describe("scaleForGroup through each owner of the replica count", () => {
  it("nobody: one merge patch sets the replicas and the cooldown annotation, and the new replica is reported", async () => {
    const env = await cluster(selfManaged);
    const group = env.group(["COREDNS_COLOCATED", "COREDNS_ON_SPOT"]);
    const report = await scaleForGroup(group, env.deps());
    expect(report).toMatchObject({
      action: "scaled",
      owner: "deployment",
      from: 2,
      to: 3,
      guardrail: null,
      mode: "on",
    });
    expect(env.coredns().spec?.replicas).toBe(3);
    expect(annotation(env)).toMatchObject({
      from: 2,
      to: 3,
      messageId: group.source.messageId,
      owner: "deployment",
    });
    expect(env.writes()).toEqual([
      { path: "/apis/apps/v1/namespaces/kube-system/deployments/coredns", statusCode: 200 },
    ]);
    expect(report.landed).toHaveLength(1);
    const landed = report.landed[0];
    expect(env.cluster.facts.corednsNodes).not.toContain(landed?.node);
    expect(report.landedOn).toEqual([landed?.node]);
    expect(landed).toMatchObject({ ready: true, throttled: false });
    expect(report.reason).toContain("COREDNS_COLOCATED");
    expect(report.reason).toContain("spec.replicas 2 → 3");
  });

  it("EKS add-on with autoScaling: UpdateAddon raises minReplicas and keeps every other byte", async () => {
    const env = await cluster(ScenarioPresets.healthy);
    const original = `{"autoScaling":{"enabled":true,"minReplicas":4,"maxReplicas":10},"resources":{"limits":{"memory":"170Mi"}},"tolerations":[{"key":"dedicated","operator":"Equal","value":"dns","effect":"NoSchedule"}]}`;
    if (env.cluster.corednsAddon) env.cluster.corednsAddon.configurationValues = original;
    const report = await scaleForGroup(env.group(["COREDNS_ON_THROTTLED_NODE"]), env.deps());
    expect(report).toMatchObject({ action: "scaled", owner: "eks-addon", from: 4, to: 5 });
    expect(env.addonUpdates).toEqual([original.replace('"minReplicas":4', '"minReplicas":5')]);
    const input = env.eks as unknown as { calls(): { args: [{ input: Record<string, unknown> }] }[] };
    const update = input
      .calls()
      .map((c) => c.args[0].input)
      .find((i) => "configurationValues" in i);
    expect(update).toMatchObject({
      clusterName: env.cluster.name,
      addonName: "coredns",
      resolveConflicts: "PRESERVE",
    });
    expect(update).not.toHaveProperty("addonVersion");
    // The claim is the only Kubernetes write; EKS's autoscaler then adds the replica.
    expect(env.writes()).toHaveLength(1);
    expect(env.coredns().spec?.replicas).toBe(5);
    expect(annotation(env)).toMatchObject({ from: 4, to: 5, owner: "eks-addon" });
  });

  it("EKS add-on with autoScaling in YAML: maxReplicas is raised too when below the target, comments kept", async () => {
    const env = await cluster({ ...ScenarioPresets.healthy, corednsReplicas: 4 });
    const yaml =
      "# platform team: keep in sync with helm values\nautoScaling:\n  enabled: true\n  minReplicas: 4 # floor\n  maxReplicas: 4\n";
    if (env.cluster.corednsAddon) env.cluster.corednsAddon.configurationValues = yaml;
    const report = await scaleForGroup(env.group(["COREDNS_UNDERSCALED"]), env.deps());
    expect(report.action).toBe("scaled");
    expect(env.addonUpdates).toEqual([
      yaml.replace("minReplicas: 4", "minReplicas: 5").replace("maxReplicas: 4", "maxReplicas: 5"),
    ]);
  });

  it("EKS add-on with replicaCount: the Deployment is scaled and the count recorded in the add-on", async () => {
    const env = await cluster({ ...ScenarioPresets.addonReplicaCount, notReadyNodes: 0 });
    const report = await scaleForGroup(env.group(["COREDNS_ON_THROTTLED_NODE"]), env.deps());
    expect(report).toMatchObject({ action: "scaled", owner: "eks-addon", from: 3, to: 4 });
    expect(env.coredns().spec?.replicas).toBe(4);
    expect(env.addonUpdates).toEqual(['{"replicaCount":4}']);
    expect(report.reason).toContain("add-on replicaCount 3 → 4");
  });

  it("EKS add-on without configuration values: replicaCount is added as the only value", async () => {
    const env = await cluster({ ...ScenarioPresets.addonReplicaCount, notReadyNodes: 0 });
    if (env.cluster.corednsAddon) env.cluster.corednsAddon.configurationValues = undefined;
    const report = await scaleForGroup(env.group(["COREDNS_UNDERSCALED"]), env.deps());
    expect(report.action).toBe("scaled");
    expect(env.addonUpdates).toEqual(['{"replicaCount":4}']);
  });

  it("cluster-proportional-autoscaler, linear: min is raised in its ConfigMap, the rest kept", async () => {
    const env = await cluster(ScenarioPresets.proportionalAutoscaler);
    const before = cpaConfigMap(env).data?.linear as string;
    const report = await scaleForGroup(env.group(["COREDNS_ON_THROTTLED_NODE"]), env.deps());
    expect(report).toMatchObject({
      action: "scaled",
      owner: "cluster-proportional-autoscaler",
      from: 4,
      to: 5,
    });
    expect(cpaConfigMap(env).data?.linear).toBe(before.replace('"min":4', '"min":5'));
    expect(env.writes().map((w) => w.path)).toEqual([
      "/apis/apps/v1/namespaces/kube-system/deployments/coredns",
      "/api/v1/namespaces/kube-system/configmaps/dns-autoscaler",
    ]);
    expect(env.coredns().spec?.replicas).toBe(5);
  });

  it("cluster-proportional-autoscaler, ladder: every step below the target is raised to it", async () => {
    const env = await cluster(ScenarioPresets.proportionalAutoscaler);
    cpaConfigMap(env).data = {
      ladder: JSON.stringify({
        nodesToReplicas: [
          [1, 2],
          [64, 4],
          [512, 8],
        ],
      }),
    };
    const report = await scaleForGroup(env.group(["COREDNS_ON_THROTTLED_NODE"]), env.deps());
    expect(report.action).toBe("scaled");
    expect(JSON.parse(cpaConfigMap(env).data?.ladder as string)).toEqual({
      nodesToReplicas: [
        [1, 5],
        [64, 5],
        [512, 8],
      ],
    });
  });

  it("cluster-proportional-autoscaler without readable parameters: refused, nothing written", async () => {
    const env = await cluster(ScenarioPresets.proportionalAutoscaler);
    cpaConfigMap(env).data = { ladder: "{not json" };
    const report = await scaleForGroup(env.group(["COREDNS_ON_THROTTLED_NODE"]), env.deps());
    expect(report).toMatchObject({ action: "refused", guardrail: "owner-cannot-express" });
    expect(report.reason).toContain("cannot express a minimum");
    expect(env.writes()).toEqual([]);
  });

  it("unknown owner (the add-on lookup failed): refused, nothing written", async () => {
    const env = await cluster(selfManaged);
    const deps = env.deps();
    const failing = { ...env.addon, describeCoreDns: async () => Promise.reject(new Error("AccessDenied")) };
    const report = await scaleForGroup(env.group(["COREDNS_COLOCATED"]), { ...deps, addon: failing });
    expect(report).toMatchObject({ action: "refused", guardrail: "unknown-owner", owner: "unknown" });
    expect(report.reason).toContain("AccessDenied");
    expect(env.writes()).toEqual([]);
  });
});

describe("scaleForGroup guardrails, each a named refusal", () => {
  it("never above COREDNS_MAX_REPLICAS, and caps a step at it", async () => {
    const env = await cluster(selfManaged);
    expect(
      await scaleForGroup(env.group(["COREDNS_COLOCATED"]), env.deps({ COREDNS_MAX_REPLICAS: "2" })),
    ).toMatchObject({
      action: "refused",
      guardrail: "max-replicas",
    });
    const capped = await scaleForGroup(
      env.group(["COREDNS_COLOCATED"]),
      env.deps({ COREDNS_MAX_REPLICAS: "3", COREDNS_SCALE_STEP: "+4" }),
    );
    expect(capped).toMatchObject({ action: "scaled", from: 2, to: 3 });
    expect(capped.reason).toContain("capped at COREDNS_MAX_REPLICAS=3");
  });

  it("a cooldown kept in the Deployment's annotation, and the same message never scales twice", async () => {
    const env = await cluster(selfManaged);
    let now = Date.parse("2026-12-03T03:00:00Z");
    const clock = { now: () => now };
    const first = env.group(["COREDNS_COLOCATED"]);
    expect((await scaleForGroup(first, env.deps({}, clock))).action).toBe("scaled");
    now += 60_000;
    const during = await scaleForGroup(env.group(["COREDNS_COLOCATED"]), env.deps({}, clock));
    expect(during).toMatchObject({ action: "refused", guardrail: "cooldown" });
    expect(during.reason).toContain("has 840 s left");
    const redelivered = await scaleForGroup(first, env.deps({}, clock));
    expect(redelivered).toMatchObject({ action: "skipped", guardrail: "already-handled", from: 2, to: 3 });
    now += 900_000;
    expect(await scaleForGroup(env.group(["COREDNS_COLOCATED"]), env.deps({}, clock))).toMatchObject({
      action: "scaled",
      from: 3,
      to: 4,
    });
  });

  it("never scales down: an add-on minimum already at the target is left alone", async () => {
    const env = await cluster(ScenarioPresets.healthy);
    if (env.cluster.corednsAddon)
      env.cluster.corednsAddon.configurationValues =
        '{"autoScaling":{"enabled":true,"minReplicas":6,"maxReplicas":10}}';
    const report = await scaleForGroup(env.group(["COREDNS_ON_THROTTLED_NODE"]), env.deps());
    expect(report).toMatchObject({ action: "refused", guardrail: "no-scale-down" });
    expect(env.addonUpdates).toEqual([]);
  });

  it("not enough schedulable nodes under required anti-affinity: says how many are missing", async () => {
    const env = await cluster({
      ...ScenarioPresets.tiny,
      corednsReplicas: 3,
      corednsAntiAffinity: "required",
    });
    const report = await scaleForGroup(env.group(["COREDNS_ON_THROTTLED_NODE"]), env.deps());
    expect(report).toMatchObject({ action: "refused", guardrail: "not-enough-nodes", from: 3, to: 4 });
    expect(report.reason).toContain("4 replicas need 4 node(s)");
    expect(report.reason).toContain("1 missing");
    expect(env.writes()).toEqual([]);
  });

  it("cordoned, NotReady and tainted nodes do not count, and the target is capped to the nodes that do", async () => {
    const env = await cluster({ ...ScenarioPresets.tiny, nodeCount: 6, corednsReplicas: 2 });
    const [a, b, c] = env.cluster.nodes.filter(
      (n) => !env.cluster.facts.corednsNodes.includes(n.metadata.name),
    );
    if (!a || !b || !c) throw new Error("scenario has too few nodes");
    a.spec = { ...a.spec, unschedulable: true };
    b.spec = { ...b.spec, taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] };
    for (const condition of c.status?.conditions ?? [])
      if (condition.type === "Ready") condition.status = "False";
    const report = await scaleForGroup(
      env.group(["COREDNS_UNDERSCALED"]),
      env.deps({ COREDNS_SCALE_STEP: "+3" }),
    );
    expect(report).toMatchObject({ action: "scaled", from: 2, to: 3 });
    expect(report.reason).toMatch(
      /capped at 3: only 3 node\(s\) can take a CoreDNS replica \((?=.*1 cordoned)(?=.*1 tainted)(?=.*1 not Ready).*left out\), 2 missing/,
    );
    expect([a, b, c].map((n) => n.metadata.name)).not.toContain(report.landed[0]?.node);
  });

  it("not while a CoreDNS rollout is in progress", async () => {
    const env = await cluster(selfManaged);
    const deployment = env.coredns();
    deployment.metadata.generation = (deployment.metadata.generation ?? 1) + 1;
    const report = await scaleForGroup(env.group(["COREDNS_COLOCATED"]), env.deps());
    expect(report).toMatchObject({ action: "refused", guardrail: "rollout-in-progress" });
    expect(report.reason).toContain("has not yet observed generation");
    expect(env.writes()).toEqual([]);
  });

  it("not on a resolved group", async () => {
    const env = await cluster(selfManaged);
    const group = env.group(["COREDNS_COLOCATED"], { status: "resolved" });
    group.alerts = group.alerts.map((a) => ({
      ...a,
      status: "resolved",
      endsAt: "2026-11-23T09:00:00.000Z",
    }));
    expect(await scaleForGroup(group, env.deps())).toMatchObject({
      action: "refused",
      guardrail: "resolved-group",
    });
    expect(env.sim.requests).toEqual([]);
  });

  it("never for NON_COREDNS_NODE_THROTTLED alone, saying why more replicas would not help", async () => {
    const env = await cluster(selfManaged);
    const report = await scaleForGroup(
      env.group(["NON_COREDNS_NODE_THROTTLED", "NODELOCAL_DNS_ABSENT"]),
      env.deps(),
    );
    expect(report).toMatchObject({ action: "refused", guardrail: "diagnosis-says-it-wont-help" });
    expect(report.reason).toContain("more CoreDNS replicas on other nodes do not carry that traffic");
    expect(env.writes()).toEqual([]);
  });

  it("mode off: nothing is read or written", async () => {
    const env = await cluster(selfManaged);
    const report = await scaleForGroup(
      env.group(["COREDNS_COLOCATED"]),
      env.deps({ COREDNS_SCALE_MODE: "off" }),
    );
    expect(report).toMatchObject({ action: "skipped", guardrail: "mode-off", mode: "off" });
    expect(env.sim.requests).toEqual([]);
  });
});

describe("scaleForGroup writes safely", () => {
  it("dry-run decides and reports the write it would make, and writes nothing", async () => {
    const env = await cluster(ScenarioPresets.proportionalAutoscaler);
    const report = await scaleForGroup(
      env.group(["COREDNS_ON_THROTTLED_NODE"]),
      env.deps({ COREDNS_SCALE_MODE: "dry-run" }),
    );
    expect(report).toMatchObject({ action: "would-scale", mode: "dry-run", from: 4, to: 5, landed: [] });
    expect(report.reason).toContain("would write ConfigMap dns-autoscaler linear min 4 → 5");
    expect(env.writes()).toEqual([]);
    expect(env.sim.requests.every((r) => r.method === "GET")).toBe(true);
  });

  it("on a 409 re-reads and re-decides, then writes against the new resourceVersion", async () => {
    const env = await cluster(selfManaged);
    let raced = false;
    const racing = {
      ...env.kube,
      stats: env.kube.stats,
      get: env.kube.get.bind(env.kube),
      async patch<T>(path: string, body: unknown, options: { contentType: string }): Promise<T> {
        // Another writer (kubectl, a controller) changes the Deployment between our read and our write.
        if (!raced) {
          raced = true;
          env.sim.touch(env.coredns() as never);
        }
        return env.kube.patch<T>(path, body, options);
      },
    };
    const report = await scaleForGroup(env.group(["COREDNS_COLOCATED"]), { ...env.deps(), kube: racing });
    expect(report).toMatchObject({ action: "scaled", from: 2, to: 3 });
    expect(env.writes().map((w) => w.statusCode)).toEqual([409, 200]);
  });

  it("gives up with a named refusal when every attempt meets a conflict", async () => {
    const env = await cluster(selfManaged);
    const contended = {
      stats: env.kube.stats,
      get: env.kube.get.bind(env.kube),
      async patch<T>(path: string, body: unknown, options: { contentType: string }): Promise<T> {
        env.sim.touch(env.coredns() as never);
        return env.kube.patch<T>(path, body, options);
      },
    };
    const report = await scaleForGroup(env.group(["COREDNS_COLOCATED"]), { ...env.deps(), kube: contended });
    expect(report).toMatchObject({ action: "refused", guardrail: "conflict" });
    expect(env.writes().map((w) => w.statusCode)).toEqual([409, 409, 409]);
    expect(env.coredns().spec?.replicas).toBe(2);
  });

  it("two concurrent invocations for the same storm scale once", async () => {
    const env = await cluster(selfManaged);
    const reports: ScaleReport[] = await Promise.all([
      scaleForGroup(env.group(["COREDNS_COLOCATED"]), env.deps()),
      scaleForGroup(env.group(["COREDNS_COLOCATED"]), env.deps()),
    ]);
    const actions = reports.map((r) => r.action).sort();
    expect(actions).toEqual(["refused", "scaled"]);
    expect(reports.find((r) => r.action === "refused")?.guardrail).toBe("cooldown");
    expect(env.coredns().spec?.replicas).toBe(3);
    expect(env.writes().filter((w) => w.statusCode === 200)).toHaveLength(1);
  });

  it("a failed add-on update releases the claim and fails, so a retry is not held off by a cooldown", async () => {
    const env = await cluster(ScenarioPresets.healthy, { addonUpdateStatus: "Failed" });
    await expect(scaleForGroup(env.group(["COREDNS_ON_THROTTLED_NODE"]), env.deps())).rejects.toThrow(
      /update-1 failed/,
    );
    expect(annotation(env)).toBeUndefined();
  });

  it("with the RBAC of infra/rbac.yaml only: a write outside it is refused by the server", async () => {
    const env = await cluster(selfManaged);
    await expect(
      env.kube.patch(
        "/apis/apps/v1/namespaces/kube-system/deployments/metrics-server",
        {},
        { contentType: "application/merge-patch+json" },
      ),
    ).rejects.toThrow(/forbidden/);
    await expect(
      env.kube.patch(
        "/api/v1/namespaces/kube-system/configmaps/aws-auth",
        {},
        { contentType: "application/merge-patch+json" },
      ),
    ).rejects.toThrow(/forbidden/);
  });
});
