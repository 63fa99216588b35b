import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { NodeList } from "../../shared/cluster/kube-objects.ts";
import { createKubeconfigKubeApi } from "../../shared/cluster/kubeconfig.ts";
import { generateCluster } from "../../sim/cluster-generator.ts";
import { describeAddonOutput, describeClusterOutput } from "../../sim/eks-responses.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { simulatorKubeconfig } from "../../sim/sim-kubeconfig.ts";
import { tempDir } from "../support/cluster-kubeconfig.ts";
import { startSimulator } from "../support/cluster-sim.ts";

describe("simulator helpers", () => {
  it("serves the discovery documents kubectl reads first", async () => {
    const { sim } = await startSimulator();
    const get = async (path: string) => (await fetch(`${sim.url}${path}`)).json();
    expect(await get("/api")).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    expect(await get("/apis")).toMatchObject({
      kind: "APIGroupList",
      groups: [{ name: "apps" }, { name: "coordination.k8s.io" }],
    });
    const core = (await get("/api/v1")) as { resources: { name: string }[] };
    expect(core.resources.map((r) => r.name)).toEqual(["configmaps", "nodes", "pods"]);
    const apps = (await get("/apis/apps/v1")) as { resources: { name: string }[] };
    expect(apps.resources.map((r) => r.name)).toContain("deployments/scale");
    expect(await get("/version")).toMatchObject({ major: "1" });
  });

  it("writes a kubeconfig our client (and kubectl) can use", async () => {
    const { sim } = await startSimulator({ auth: { tokens: { demo: "demo-user" } } });
    const dir = tempDir();
    const path = join(dir, "sim.kubeconfig");
    writeFileSync(path, simulatorKubeconfig(sim, { token: "demo" }));
    const kube = createKubeconfigKubeApi({ path, env: {} });
    const nodes = await kube.get<NodeList>("/api/v1/nodes");
    expect(nodes.items).toHaveLength(sim.cluster.nodes.length);
    expect(sim.requests[0]?.user).toBe("demo-user");
    kube.close();
  });

  it("describes the EKS cluster and the coredns add-on as the EKS API would", () => {
    const addon = generateCluster(ScenarioPresets.healthy);
    expect(describeClusterOutput(addon, "https://127.0.0.1:1", "PEM").cluster).toMatchObject({
      name: "sim-healthy",
      endpoint: "https://127.0.0.1:1",
      certificateAuthority: { data: Buffer.from("PEM").toString("base64") },
    });
    expect(describeAddonOutput(addon)?.addon).toMatchObject({
      addonName: "coredns",
      addonVersion: "v1.11.3-eksbuild.2",
    });
    expect(describeAddonOutput(generateCluster(ScenarioPresets.colocatedOnSpot))).toBeNull();
  });
});
