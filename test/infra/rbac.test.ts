import { afterEach, describe, expect, it } from "vitest";
import { clusterEnricher } from "../../shared/ingest/cluster-enricher.ts";
import type { ClusterScenario } from "../../sim/cluster-generator.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { alertGroup, type EnrichSim, internalIp, startEnrichSim } from "../support/enrich-fixtures.ts";
import { type JsonObject, loadTemplate } from "../support/infra-template.ts";
import {
  allowed,
  bindsGroup,
  documents,
  ofKind,
  type Rule,
  toRequest,
  withClusterPods,
} from "../support/rbac.ts";

const READERS = "linklocal-sentinel-readers";
const SCALERS = "linklocal-sentinel-scalers";

const running: EnrichSim[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((env) => env.sim.stop()));
});

/** Runs real enrichment (one node, a large group by IP, a pod IP) and returns every API request it made. */
async function enrichmentRequests(scenario: ClusterScenario): Promise<{ method: string; path: string }[]> {
  const env = await startEnrichSim(scenario);
  running.push(env);
  const nodes = env.cluster.nodes.map((n) => String(n.metadata.name));
  const podIp = env.cluster.pods.find((p) => !p.spec?.hostNetwork && p.status?.podIP)?.status?.podIP;
  // The ingest's enricher: enrichment, then the talkers of throttled nodes without CoreDNS.
  const enrich = clusterEnricher(() => ({ name: "sim", kube: env.kube }));
  await enrich(alertGroup([{ node: nodes[0] as string }]));
  await enrich(
    alertGroup(nodes.slice(0, 40).map((n) => ({ instance: `${internalIp(env.cluster, n)}:9100` }))),
  );
  if (podIp) await enrich(alertGroup([{ instance: `${podIp}:8080` }]));
  return env.sim.requests.map((r) => ({ method: r.method, path: r.path }));
}

describe("infra/rbac.yaml", () => {
  it("never grants Secrets, wildcards or write verbs to readers", () => {
    const roles = [...ofKind("ClusterRole", withClusterPods), ...ofKind("Role", withClusterPods)];
    expect(roles.length).toBe(4);
    for (const role of roles) {
      for (const rule of role.rules as unknown as Rule[]) {
        for (const list of [rule.apiGroups, rule.resources, rule.verbs]) expect(list).not.toContain("*");
        expect(rule.resources).not.toContain("secrets");
        const name = String((role.metadata as JsonObject).name);
        if (name !== "linklocal-sentinel-scaler")
          for (const verb of rule.verbs) expect(["get", "list", "watch"]).toContain(verb);
      }
    }
  });

  it("binds the readers group the template's access entry maps the ingest role to", () => {
    const entry = loadTemplate().Resources.IngestAccessEntry;
    expect(entry?.Properties.KubernetesGroups).toEqual([READERS]);
    const bindings = [...ofKind("ClusterRoleBinding"), ...ofKind("RoleBinding")];
    expect(bindings.filter((b) => bindsGroup(b, READERS))).toHaveLength(2);
  });

  it("lets readers see nodes cluster-wide and the DNS workloads in kube-system, and nothing else", () => {
    const read = (resource: string, apiGroup = "", namespace: string | null = "kube-system") =>
      allowed({ group: READERS, verb: "list", apiGroup, resource, namespace, name: null });
    const get = (resource: string, name: string, apiGroup = "") =>
      allowed({ group: READERS, verb: "get", apiGroup, resource, namespace: "kube-system", name });
    expect(read("nodes", "", null)).toBe(true);
    expect(read("pods")).toBe(true);
    // ConfigMaps: only the autoscaler's, by name; never a list of kube-system's (aws-auth is one of them).
    expect(read("configmaps")).toBe(false);
    expect(get("configmaps", "dns-autoscaler")).toBe(true);
    expect(get("configmaps", "aws-auth")).toBe(false);
    expect(read("deployments", "apps")).toBe(true);
    expect(get("deployments", "coredns", "apps")).toBe(true);
    expect(read("secrets")).toBe(false);
    // Grants the code never uses are gone: a pod by name, DaemonSets (NodeLocal is counted from its pods).
    expect(get("pods", "coredns-x")).toBe(false);
    expect(read("daemonsets", "apps")).toBe(false);
    // The scaler's Lease, by name (dry-run reads its cooldown record as a reader).
    expect(get("leases", "linklocal-sentinel-coredns-scale", "coordination.k8s.io")).toBe(true);
    expect(get("leases", "kube-controller-manager", "coordination.k8s.io")).toBe(false);
    expect(read("configmaps", "", "default")).toBe(false);
    expect(
      allowed({
        group: READERS,
        verb: "patch",
        apiGroup: "apps",
        resource: "deployments/scale",
        namespace: "kube-system",
        name: "coredns",
      }),
    ).toBe(false);
  });

  it("reads pods outside kube-system only with the opt-in infra/rbac-cluster-pods.yaml, and list only", () => {
    const listPods = (namespace: string | null, from = withClusterPods) =>
      allowed({ group: READERS, verb: "list", apiGroup: "", resource: "pods", namespace, name: null }, from);
    expect(listPods("default", documents)).toBe(false);
    expect(listPods(null, documents)).toBe(false);
    expect(listPods("default")).toBe(true);
    expect(listPods(null)).toBe(true);
    expect(
      allowed(
        { group: READERS, verb: "get", apiGroup: "", resource: "pods", namespace: "default", name: "x" },
        withClusterPods,
      ),
    ).toBe(false);
  });

  it("lets the scaler patch only coredns's scale subresource, its Lease and the autoscaler's ConfigMap, by name", () => {
    const write = (verb: string, resource: string, name: string, apiGroup = "apps") =>
      allowed({ group: SCALERS, verb, apiGroup, resource, namespace: "kube-system", name });
    expect(write("patch", "deployments/scale", "coredns")).toBe(true);
    expect(write("patch", "deployments/scale", "metrics-server")).toBe(false);
    expect(write("update", "deployments/scale", "coredns")).toBe(false);
    // No right on the Deployment object: its pod template (image, command, volumes) is out of reach.
    expect(write("patch", "deployments", "coredns")).toBe(false);
    expect(write("update", "deployments", "coredns")).toBe(false);
    expect(write("delete", "deployments", "coredns")).toBe(false);
    const lease = "coordination.k8s.io";
    expect(write("patch", "leases", "linklocal-sentinel-coredns-scale", lease)).toBe(true);
    expect(write("patch", "leases", "kube-scheduler", lease)).toBe(false);
    expect(write("create", "leases", "linklocal-sentinel-coredns-scale", lease)).toBe(false);
    expect(write("patch", "configmaps", "dns-autoscaler", "")).toBe(true);
    expect(write("patch", "configmaps", "aws-auth", "")).toBe(false);
    expect(write("patch", "configmaps", "coredns", "")).toBe(false);
  });

  it("creates the scaler's Lease (RBAC cannot limit create to one name)", () => {
    const [lease, ...others] = ofKind("Lease");
    expect(others).toEqual([]);
    expect(lease?.metadata).toMatchObject({
      name: "linklocal-sentinel-coredns-scale",
      namespace: "kube-system",
    });
  });

  it("maps the scaler's role to the readers and scalers groups, and only the scaler's", () => {
    const resources = loadTemplate().Resources;
    // Scalers only with CorednsScaleMode=on; a dry-run scaler is a reader (test/infra/scale-modes.test.ts).
    expect(resources.ScaleCorednsAccessEntry?.Properties.KubernetesGroups).toEqual({
      "Fn::If": ["ScalerWrites", [READERS, SCALERS], [READERS]],
    });
    expect(resources.ScaleCorednsAccessEntry?.Properties.PrincipalArn).toEqual({
      "Fn::GetAtt": ["ScaleCorednsRole", "Arn"],
    });
    const bindings = [...ofKind("ClusterRoleBinding"), ...ofKind("RoleBinding")];
    expect(bindings.filter((b) => bindsGroup(b, SCALERS))).toHaveLength(1);
  });

  it.each([
    ["healthy", ScenarioPresets.healthy],
    ["proportionalAutoscaler", ScenarioPresets.proportionalAutoscaler],
    ["addonReplicaCount", ScenarioPresets.addonReplicaCount],
    ["underscaledLarge", ScenarioPresets.underscaledLarge],
  ])(
    "allows every request the enrichment makes on the %s cluster, pods outside kube-system only with the opt-in",
    async (_, scenario) => {
      const requests = await enrichmentRequests(scenario);
      expect(requests.length).toBeGreaterThan(3);
      const asRequests = requests.map((r) => ({
        path: r.path,
        request: toRequest(r.method, r.path, READERS),
      }));
      expect(asRequests.filter(({ request }) => !allowed(request, withClusterPods))).toEqual([]);
      // Without the opt-in, the only denials are pod lists outside kube-system.
      for (const { request } of asRequests.filter(({ request }) => !allowed(request)))
        expect(request).toMatchObject({ resource: "pods", verb: "list" });
      for (const { request } of asRequests.filter(
        ({ request }) => request.namespace === "kube-system" || request.resource !== "pods",
      ))
        expect(allowed(request)).toBe(true);
    },
  );
});
