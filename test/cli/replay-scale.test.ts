import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LAST_SCALE_ANNOTATION } from "../../shared/scale/index.ts";
import { coreDnsControllers } from "../../sim/controllers.ts";
import { simulatorKubeconfig } from "../../sim/index.ts";
import { SAMPLE_SCENARIO } from "../../sim/scenarios.ts";
import { CLI_TIMEOUT_MS, runCli } from "../support/cli.ts";
import { startSimulator } from "../support/cluster-sim.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

const sample = new URL("../../samples/default-text.json", import.meta.url).pathname;

async function replay(args: string[], env: Record<string, string>) {
  const { code, stdout, stderr } = await runCli(["replay", sample, "--json", ...args], env);
  if (code !== 0) throw new Error(`replay exited ${code}: ${stderr}`);
  return { code, report: JSON.parse(stdout) };
}

const slacks: CountingWebhook[] = [];
afterEach(async () => {
  await Promise.all(slacks.splice(0).map((s) => s.close()));
});

async function scalableCluster() {
  const { sim, cluster } = await startSimulator({
    scenario: SAMPLE_SCENARIO,
    afterWrite: coreDnsControllers,
  });
  const dir = await mkdtemp(join(tmpdir(), "cli-scale-kube-"));
  const kubeconfig = join(dir, "kubeconfig");
  await writeFile(kubeconfig, simulatorKubeconfig(sim));
  const coredns = () => cluster.deployments.find((d) => d.metadata.name === "coredns");
  const lease = () => cluster.leases.find((l) => l.metadata.name === "linklocal-sentinel-coredns-scale");
  // The alert still goes to Slack (a group routed only to the scaler would reach nobody): a loopback Slack.
  const slack = await startCountingWebhook();
  slacks.push(slack);
  const env = {
    KUBECONFIG: kubeconfig,
    ROUTES: "default => coredns-scale",
    COREDNS_SCALE_MODE: "on",
    SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/x`,
  };
  return { sim, coredns, lease, env, slack };
}

describe("linklocal-sentinel replay with a coredns-scale route", { timeout: CLI_TIMEOUT_MS + 10_000 }, () => {
  it("COREDNS_SCALE_MODE=on scales the Deployment in the cluster and fills the report's scale field", async () => {
    const { sim, coredns, lease, env } = await scalableCluster();
    const { report } = await replay(["--self-managed-coredns"], env);
    expect(report.scale).toMatchObject({
      mode: "on",
      owner: "deployment",
      action: "scaled",
      from: 2,
      to: 3,
      guardrail: null,
    });
    expect(report.scale.landedOn).toHaveLength(1);
    expect(Object.keys(report.scale).sort()).toEqual(
      ["action", "from", "guardrail", "landedOn", "mode", "owner", "reason", "to"].sort(),
    );
    expect(coredns()?.spec?.replicas).toBe(3);
    expect(lease()?.metadata.annotations?.[LAST_SCALE_ANNOTATION]).toContain('"to":3');
    // The claim on the Lease, then the replica count through the scale subresource.
    expect(
      sim.requests.filter((r) => r.method === "PATCH" && r.statusCode === 200).map((r) => r.path),
    ).toEqual([
      "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/linklocal-sentinel-coredns-scale",
      "/apis/apps/v1/namespaces/kube-system/deployments/coredns/scale",
    ]);
    expect(report.deliveries).toEqual([
      expect.objectContaining({ sink: "slack", sent: true }),
      expect.objectContaining({ sink: "coredns-scale", sent: true }),
    ]);
  });

  it("--dry-run decides and never writes, whatever the mode", async () => {
    const { sim, coredns, env } = await scalableCluster();
    const { report } = await replay(["--self-managed-coredns", "--dry-run"], env);
    expect(report.scale).toMatchObject({ mode: "dry-run", action: "would-scale", from: 2, to: 3 });
    expect(sim.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(coredns()?.spec?.replicas).toBe(2);
  });

  it("refuses through a kubeconfig when nobody said CoreDNS is self-managed, naming the flag", async () => {
    const { sim, env } = await scalableCluster();
    const { report } = await replay([], env);
    expect(report.scale).toMatchObject({ action: "refused", guardrail: "unknown-owner", owner: "unknown" });
    expect(report.scale.reason).toContain("--self-managed-coredns");
    expect(sim.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });
});
