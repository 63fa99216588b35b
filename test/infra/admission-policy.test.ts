import { afterEach, describe, expect, it } from "vitest";
import { createHttpKubeClient } from "../../shared/cluster/http-kube-client.ts";
import type { KubeApi } from "../../shared/cluster/kube-api.ts";
import { generateCluster } from "../../sim/cluster-generator.ts";
import { coreDnsControllers } from "../../sim/controllers.ts";
import { type KubeApiSimulator, startKubeApiServer } from "../../sim/kube-api-server.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { admissionDecision, admissionDocuments, policyAdmission } from "../support/admission.ts";
import type { JsonObject } from "../support/infra-template.ts";
import { allowed, documents, ofKind, type Rule } from "../support/rbac.ts";

const SCALERS = "linklocal-sentinel-scalers";
const MERGE = { contentType: "application/merge-patch+json" } as const;
const DEPLOYMENT = "/apis/apps/v1/namespaces/kube-system/deployments/coredns";
const LEASE = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/linklocal-sentinel-coredns-scale";
const AUTOSCALER = "/api/v1/namespaces/kube-system/configmaps/dns-autoscaler";

const running: KubeApiSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.stop()));
});

/**
 * A cluster where RBAC lets everyone write anything, so what stops a write is the policy alone: the scaler
 * (in the scalers group) and an administrator (not in it), each with a client.
 */
async function policyOnlyCluster() {
  const cluster = generateCluster(ScenarioPresets.proportionalAutoscaler);
  const groupsOf = { scaler: ["linklocal-sentinel-readers", SCALERS], admin: ["system:masters"] };
  const sim = await startKubeApiServer({
    cluster,
    auth: { tokens: { "scaler-token": "scaler", "admin-token": "admin" } },
    admit: policyAdmission(groupsOf),
    afterWrite: coreDnsControllers,
  });
  running.push(sim);
  const client = (token: string): KubeApi =>
    createHttpKubeClient({
      server: sim.url,
      auth: { type: "bearer", token: async () => token, refreshable: false },
      timeoutMs: 5_000,
    });
  const coredns = () => cluster.deployments.find((d) => d.metadata.name === "coredns");
  return { cluster, sim, scaler: client("scaler-token"), admin: client("admin-token"), coredns };
}

describe("infra/admission-policy.yaml", () => {
  it("binds its policy with Deny, fails closed, and matches every write of the scalers group", () => {
    const kind = (k: string) => admissionDocuments.find((d) => d.kind === k) as JsonObject;
    const policy = kind("ValidatingAdmissionPolicy");
    const binding = kind("ValidatingAdmissionPolicyBinding").spec as JsonObject;
    const spec = policy.spec as JsonObject;
    expect(binding.policyName).toBe((policy.metadata as JsonObject).name);
    expect(binding.validationActions).toEqual(["Deny"]);
    expect(spec.failurePolicy).toBe("Fail");
    expect(JSON.stringify(spec.matchConditions)).toContain(`'${SCALERS}' in request.userInfo.groups`);
    // The group the policy names is the one infra/rbac.yaml gives the scaler's write rights to.
    const scalerBinding = ofKind("RoleBinding").find((b) =>
      ((b.subjects ?? []) as JsonObject[]).some((s) => s.name === SCALERS),
    ) as JsonObject;
    expect((scalerBinding.roleRef as JsonObject).name).toBe("linklocal-sentinel-scaler");
  });

  it("admits none of the writes RBAC grants the scalers group when they change more than their purpose", () => {
    // Every write verb infra/rbac.yaml grants the group, turned into a write that changes labels: denied.
    const grants = ofKind("Role", documents)
      .filter((r) => (r.metadata as JsonObject).name === "linklocal-sentinel-scaler")
      .flatMap((r) => r.rules as unknown as Rule[]);
    expect(grants.length).toBe(3);
    for (const rule of grants) {
      const [resource = "", subResource = ""] = (rule.resources[0] ?? "").split("/");
      const name = rule.resourceNames?.[0] ?? "";
      expect(
        allowed({
          group: SCALERS,
          verb: "patch",
          apiGroup: rule.apiGroups[0] ?? "",
          resource: rule.resources[0] ?? "",
          namespace: "kube-system",
          name,
        }),
      ).toBe(true);
      const old = { metadata: { name, labels: { a: "1" } }, spec: { replicas: 2 }, data: { linear: "{}" } };
      const changed = { ...old, metadata: { name, labels: { a: "2" } } };
      const decision = admissionDecision(
        {
          user: "scaler",
          operation: "UPDATE",
          apiGroup: rule.apiGroups[0] ?? "",
          resource,
          subResource,
          namespace: "kube-system",
          name,
          object: subResource === "scale" ? { ...old, spec: { replicas: 1 } } : changed,
          oldObject: old,
        },
        [SCALERS],
      );
      expect(decision, rule.resources[0]).toMatch(/denied request/);
    }
  });

  it("denies the scaler any change to the coredns Deployment object, even where RBAC would allow it", async () => {
    const { scaler, admin, coredns } = await policyOnlyCluster();
    const image = {
      spec: { template: { spec: { containers: [{ name: "coredns", image: "attacker/dns" }] } } },
    };
    await expect(scaler.patch(DEPLOYMENT, image, MERGE)).rejects.toThrow(
      /ValidatingAdmissionPolicy 'linklocal-sentinel-scaler-replicas-only'.*may only update a Deployment's scale/,
    );
    await expect(scaler.patch(DEPLOYMENT, { spec: { replicas: 9 } }, MERGE)).rejects.toThrow(
      /denied request/,
    );
    expect(JSON.stringify(coredns()?.spec)).not.toContain("attacker");
    // Anyone outside the group is not this policy's business.
    await admin.patch(DEPLOYMENT, { metadata: { labels: { team: "dns" } } }, MERGE);
    expect(coredns()?.metadata.labels?.team).toBe("dns");
  });

  it("lets the scaler raise the replica count through the scale subresource, never lower it", async () => {
    const { scaler, coredns, cluster } = await policyOnlyCluster();
    cluster.deployments.push({
      metadata: { name: "web", namespace: "default", resourceVersion: "1" },
      spec: { replicas: 2, selector: { matchLabels: { app: "web" } } },
    } as (typeof cluster.deployments)[number]);
    const before = coredns()?.spec?.replicas as number;
    await scaler.patch(`${DEPLOYMENT}/scale`, { spec: { replicas: before + 1 } }, MERGE);
    expect(coredns()?.spec?.replicas).toBe(before + 1);
    await expect(scaler.patch(`${DEPLOYMENT}/scale`, { spec: { replicas: 1 } }, MERGE)).rejects.toThrow(
      /never lowers CoreDNS's replica count/,
    );
    expect(coredns()?.spec?.replicas).toBe(before + 1);
    // Outside kube-system, even a scale is refused (which Deployment in kube-system is RBAC's say, by name).
    const other = "/apis/apps/v1/namespaces/default/deployments/web/scale";
    await expect(scaler.patch(other, { spec: { replicas: 5 } }, MERGE)).rejects.toThrow(/denied request/);
  });

  it("lets the scaler write the annotations of its own Lease, nothing else of it and no other Lease", async () => {
    const { scaler, cluster } = await policyOnlyCluster();
    await scaler.patch(
      LEASE,
      { metadata: { annotations: { "linklocal-sentinel.io/last-scale-up": "{}" } } },
      MERGE,
    );
    await expect(scaler.patch(LEASE, { spec: { holderIdentity: "x" } }, MERGE)).rejects.toThrow(
      /only change the annotations of its Lease/,
    );
    await expect(scaler.patch(LEASE, { metadata: { labels: { x: "y" } } }, MERGE)).rejects.toThrow(
      /denied request/,
    );
    expect(cluster.leases[0]?.spec).toEqual({});
  });

  it("lets the scaler change only the linear or ladder parameters of an autoscaler's ConfigMap", async () => {
    const { scaler, cluster } = await policyOnlyCluster();
    const configMap = () => cluster.configMaps.find((c) => c.metadata.name === "dns-autoscaler");
    const linear = JSON.stringify({ min: 9, nodesPerReplica: 16 });
    await scaler.patch(AUTOSCALER, { data: { linear } }, MERGE);
    expect(configMap()?.data?.linear).toBe(linear);
    for (const patch of [
      { data: { extra: "1" } },
      { data: { linear: null } },
      { metadata: { labels: { owner: "me" } } },
      { metadata: { annotations: { note: "x" } } },
    ]) {
      await expect(scaler.patch(AUTOSCALER, patch, MERGE), JSON.stringify(patch)).rejects.toThrow(
        /only change the linear or ladder parameters/,
      );
    }
    await expect(
      scaler.patch("/api/v1/namespaces/kube-system/configmaps/coredns", { data: { Corefile: "x" } }, MERGE),
    ).rejects.toThrow(/only change the linear or ladder parameters/);
  });
});
