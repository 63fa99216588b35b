import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { GeneratedCluster } from "../../sim/cluster-generator.ts";
import { simulatorKubeconfig } from "../../sim/index.ts";
import { type ScenarioName, ScenarioPresets } from "../../sim/scenarios.ts";
import { CLI_TIMEOUT_MS, runCli } from "../support/cli.ts";
import { startSimulator } from "../support/cluster-sim.ts";
import { missingTargets } from "../support/fix-commands.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

/**
 * `replay --json` through the built CLI on each DNS layout (a kubeconfig, as an operator runs it): the owner
 * enrichment names, the findings, the scaler's decision or refusal with its guardrail, and every command of
 * every finding naming an object the simulated cluster has.
 */
const slacks: CountingWebhook[] = [];
afterEach(async () => {
  await Promise.all(slacks.splice(0).map((s) => s.close()));
});

/** An Alertmanager webhook body with one firing drop alert naming `node`. */
function webhookBody(cluster: string, node: string): string {
  const labels = { alertname: "LinkLocalAllowanceExceeded", cluster, node, severity: "critical" };
  return JSON.stringify({
    version: "4",
    groupKey: '{}:{alertname="LinkLocalAllowanceExceeded"}',
    truncatedAlerts: 0,
    status: "firing",
    receiver: "sns",
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: { summary: "link-local packets dropped" },
    externalURL: "http://alertmanager.example:9093",
    alerts: [
      {
        status: "firing",
        labels,
        annotations: { summary: "link-local packets dropped" },
        startsAt: "2026-11-23T08:55:00Z",
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "http://prometheus.example/graph",
        fingerprint: "0a1b2c3d4e5f6789",
      },
    ],
  });
}

async function replayOn(name: ScenarioName, pick: (c: GeneratedCluster) => string) {
  const { sim, cluster } = await startSimulator({ scenario: ScenarioPresets[name] });
  const dir = await mkdtemp(join(tmpdir(), "cli-layout-"));
  const kubeconfig = join(dir, "kubeconfig");
  const input = join(dir, "alert.json");
  await writeFile(kubeconfig, simulatorKubeconfig(sim));
  await writeFile(input, webhookBody(cluster.name, pick(cluster)));
  const slack = await startCountingWebhook();
  slacks.push(slack);
  const { code, stdout, stderr } = await runCli(
    ["replay", input, "--json", "--dry-run", "--self-managed-coredns"],
    {
      KUBECONFIG: kubeconfig,
      ROUTES: "default => slack, coredns-scale",
      COREDNS_SCALE_MODE: "on",
      SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/x`,
    },
  );
  if (code !== 0) throw new Error(`replay exited ${code}: ${stderr}`);
  const report = JSON.parse(stdout);
  const group = report.groups[0];
  expect(missingTargets(cluster, group.diagnosis)).toEqual([]);
  expect(sim.requests.filter((r) => r.method !== "GET")).toEqual([]);
  return { report, group, codes: group.diagnosis.map((d: { code: string }) => d.code) };
}

const first = (list: string[]) => list[0] as string;

describe("replay --json on each DNS layout", { timeout: CLI_TIMEOUT_MS * 2 }, () => {
  it("EKS Auto Mode: owner eks-auto-mode, AUTO_MODE_NODE_THROTTLED, the scaler refuses eks-auto-mode", async () => {
    const { group, codes, report } = await replayOn("autoMode", (c) => first(c.facts.autoModeNodes));
    expect(group.coredns.replicaController.kind).toBe("eks-auto-mode");
    expect(group.alerts[0].node.computeType).toBe("auto");
    expect(codes).toEqual(["AUTO_MODE_NODE_THROTTLED", "COREDNS_REPLICAS_MANAGED"]);
    expect(report.scale).toMatchObject({
      action: "refused",
      guardrail: "eks-auto-mode",
      owner: "eks-auto-mode",
    });
  });

  it("mixed Auto Mode, drops on the CoreDNS node: the Deployment is scaled as usual", async () => {
    const { group, codes, report } = await replayOn("mixedAutoMode", (c) => first(c.facts.corednsNodes));
    expect(group.coredns.replicaController.kind).toBe("deployment");
    expect(codes).toEqual(["COREDNS_ON_THROTTLED_NODE", "NODELOCAL_DNS_ABSENT"]);
    expect(report.scale).toMatchObject({ action: "would-scale", owner: "deployment", from: 2, to: 3 });
  });

  it("Fargate only: CoreDNS on its own Fargate nodes, scaled without a node bound", async () => {
    const { group, codes, report } = await replayOn("fargateOnly", (c) => first(c.facts.corednsNodes));
    expect(group.coredns.layout).toMatchObject({ corednsOnFargate: 2, fargateNodes: 40 });
    expect(codes).toEqual(["COREDNS_ON_THROTTLED_NODE", "COREDNS_UNDERSCALED"]);
    expect(report.scale).toMatchObject({ action: "would-scale", owner: "deployment", from: 2, to: 3 });
    expect(report.scale.reason).toContain("CoreDNS runs on Fargate");
  });

  it("kube-system Fargate profile, drops on an EC2 node: the scaler says replicas would not help", async () => {
    const { codes, report } = await replayOn("fargateKubeSystem", (c) => c.nodes[0]?.metadata.name as string);
    expect(codes).toEqual(["NON_COREDNS_NODE_THROTTLED", "NODELOCAL_DNS_ABSENT"]);
    expect(report.scale).toMatchObject({ action: "refused", guardrail: "diagnosis-says-it-wont-help" });
  });

  it("Helm-installed CoreDNS: fixes and the decision name deployment dns-coredns", async () => {
    const { group, codes, report } = await replayOn("helmCoreDns", (c) => first(c.facts.corednsNodes));
    expect(group.coredns.deployment).toBe("dns-coredns");
    expect(codes).toEqual(["COREDNS_ON_THROTTLED_NODE", "COREDNS_COLOCATED", "NODELOCAL_DNS_ABSENT"]);
    expect(report.scale).toMatchObject({ action: "would-scale", owner: "deployment" });
  });

  it("no CoreDNS: COREDNS_NOT_FOUND, the scaler refuses no-coredns", async () => {
    const { group, codes, report } = await replayOn("noCoreDns", (c) => c.nodes[0]?.metadata.name as string);
    expect(group.coredns.deployment).toBeNull();
    expect(codes).toEqual(["COREDNS_NOT_FOUND", "NON_COREDNS_NODE_THROTTLED"]);
    expect(report.scale).toMatchObject({ action: "refused", guardrail: "no-coredns" });
  });

  it("a renamed autoscaler: owner cluster-proportional-autoscaler, its ConfigMap named in the decision", async () => {
    const { group, report } = await replayOn("renamedAutoscaler", (c) => first(c.facts.corednsNodes));
    expect(group.coredns.replicaController.kind).toBe("cluster-proportional-autoscaler");
    expect(report.scale).toMatchObject({ action: "would-scale", owner: "cluster-proportional-autoscaler" });
    expect(report.scale.reason).toContain("would write ConfigMap coredns-autoscaler linear min 2 → 3");
  });
});
