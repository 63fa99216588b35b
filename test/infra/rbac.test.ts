import { afterEach, describe, expect, it } from "vitest";
import { enrichGroup } from "../../shared/enrich/index.ts";
import type { ClusterScenario } from "../../sim/cluster-generator.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import {
  alertGroup,
  type EnrichSim,
  internalIp,
  silentLogger,
  startEnrichSim,
} from "../support/enrich-fixtures.ts";
import { type JsonObject, loadTemplate, loadYamlDocuments } from "../support/infra-template.ts";

const READERS = "linklocal-sentinel-readers";
const SCALERS = "linklocal-sentinel-scalers";

const documents = loadYamlDocuments("infra/rbac.yaml").filter((d) => d !== null);
const ofKind = (kind: string) => documents.filter((d) => d.kind === kind);

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

interface Request {
  group: string;
  verb: string;
  apiGroup: string;
  resource: string;
  namespace: string | null;
  name: string | null;
}

function rulesOf(kind: "ClusterRole" | "Role", name: string, namespace: string | null): Rule[] {
  const role = ofKind(kind).find(
    (r) =>
      (r.metadata as JsonObject).name === name &&
      (kind === "ClusterRole" || (r.metadata as JsonObject).namespace === namespace),
  );
  return (role?.rules ?? []) as unknown as Rule[];
}

function bindsGroup(binding: JsonObject, group: string): boolean {
  return ((binding.subjects ?? []) as JsonObject[]).some((s) => s.kind === "Group" && s.name === group);
}

/** Kubernetes RBAC's decision for a request, from the manifests alone (allow-only, like RBAC itself). */
function allowed(request: Request): boolean {
  const ruleAllows = (rule: Rule) =>
    rule.apiGroups.includes(request.apiGroup) &&
    rule.resources.includes(request.resource) &&
    rule.verbs.includes(request.verb) &&
    (rule.resourceNames === undefined ||
      (request.name !== null && rule.resourceNames.includes(request.name)));
  const clusterWide = ofKind("ClusterRoleBinding")
    .filter((b) => bindsGroup(b, request.group))
    .flatMap((b) => rulesOf("ClusterRole", String((b.roleRef as JsonObject).name), null));
  const namespaced =
    request.namespace === null
      ? []
      : ofKind("RoleBinding")
          .filter(
            (b) => (b.metadata as JsonObject).namespace === request.namespace && bindsGroup(b, request.group),
          )
          .flatMap((b) => {
            const ref = b.roleRef as JsonObject;
            return rulesOf(ref.kind as "Role" | "ClusterRole", String(ref.name), request.namespace);
          });
  return [...clusterWide, ...namespaced].some(ruleAllows);
}

/** A recorded API path as an RBAC request: `/api/v1/namespaces/kube-system/pods` is list pods in kube-system. */
function toRequest(method: string, path: string, group: string): Request {
  const parts = path.split("/").filter(Boolean);
  const apiGroup = parts[0] === "api" ? "" : (parts[1] as string);
  let rest = parts[0] === "api" ? parts.slice(2) : parts.slice(3);
  let namespace: string | null = null;
  if (rest[0] === "namespaces" && rest.length > 2) {
    namespace = rest[1] as string;
    rest = rest.slice(2);
  }
  const [resource = "", name = null, subresource] = rest;
  const verb =
    method === "GET" ? (name === null ? "list" : "get") : method === "PATCH" ? "patch" : method.toLowerCase();
  return {
    group,
    verb,
    apiGroup,
    resource: subresource ? `${resource}/${subresource}` : resource,
    namespace,
    name,
  };
}

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
  await enrichGroup(alertGroup([{ node: nodes[0] as string }]), { kube: env.kube, logger: silentLogger });
  await enrichGroup(
    alertGroup(nodes.slice(0, 40).map((n) => ({ instance: `${internalIp(env.cluster, n)}:9100` }))),
    { kube: env.kube, logger: silentLogger },
  );
  if (podIp)
    await enrichGroup(alertGroup([{ instance: `${podIp}:8080` }]), { kube: env.kube, logger: silentLogger });
  return env.sim.requests.map((r) => ({ method: r.method, path: r.path }));
}

describe("infra/rbac.yaml", () => {
  it("never grants Secrets, wildcards or write verbs to readers", () => {
    const roles = [...ofKind("ClusterRole"), ...ofKind("Role")];
    expect(roles.length).toBe(3);
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
    expect(read("nodes", "", null)).toBe(true);
    expect(read("pods")).toBe(true);
    // ConfigMaps: only the autoscaler's, by name; never a list of kube-system's (aws-auth is one of them).
    expect(read("configmaps")).toBe(false);
    const getConfigMap = (name: string) =>
      allowed({
        group: READERS,
        verb: "get",
        apiGroup: "",
        resource: "configmaps",
        namespace: "kube-system",
        name,
      });
    expect(getConfigMap("dns-autoscaler")).toBe(true);
    expect(getConfigMap("aws-auth")).toBe(false);
    expect(read("deployments", "apps")).toBe(true);
    expect(read("daemonsets", "apps")).toBe(true);
    expect(read("secrets")).toBe(false);
    expect(read("pods", "", "default")).toBe(false);
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

  it("lets the future scaler change the replicas of coredns and of nothing else", () => {
    const scale = (verb: string, name: string) =>
      allowed({
        group: SCALERS,
        verb,
        apiGroup: "apps",
        resource: "deployments/scale",
        namespace: "kube-system",
        name,
      });
    expect(scale("patch", "coredns")).toBe(true);
    expect(scale("get", "coredns")).toBe(true);
    expect(scale("patch", "metrics-server")).toBe(false);
    expect(scale("update", "coredns")).toBe(false);
    expect(
      allowed({
        group: SCALERS,
        verb: "patch",
        apiGroup: "apps",
        resource: "deployments",
        namespace: "kube-system",
        name: "coredns",
      }),
    ).toBe(false);
  });

  it.each([
    ["healthy", ScenarioPresets.healthy],
    ["proportionalAutoscaler", ScenarioPresets.proportionalAutoscaler],
    ["addonReplicaCount", ScenarioPresets.addonReplicaCount],
    ["underscaledLarge", ScenarioPresets.underscaledLarge],
  ])("allows every request the enrichment makes on the %s cluster", async (_, scenario) => {
    const requests = await enrichmentRequests(scenario);
    expect(requests.length).toBeGreaterThan(3);
    const denied = requests
      .map((r) => ({ path: r.path, request: toRequest(r.method, r.path, READERS) }))
      .filter(({ request }) => !allowed(request));
    expect(denied).toEqual([]);
  });
});
