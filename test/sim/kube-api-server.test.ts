import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  KubeAccept,
  type Node,
  type NodeList,
  type PartialObjectMetadataList,
  type PodList,
  type Scale,
  type Status,
  type Table,
} from "../../shared/cluster/kube-objects.ts";
import { startSimulator } from "../support/cluster-sim.ts";

async function call(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined, headers: response.headers };
}

describe("simulated API server: lists and gets", () => {
  it("serves NodeList with list metadata and single nodes with kind/apiVersion", async () => {
    const { sim, cluster } = await startSimulator();
    const list = await call(sim.url, "/api/v1/nodes");
    expect(list.status).toBe(200);
    const nodes = list.json as NodeList;
    expect(nodes.kind).toBe("NodeList");
    expect(nodes.apiVersion).toBe("v1");
    expect(nodes.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(nodes.items.map((n) => n.metadata.name)).toEqual(cluster.nodes.map((n) => n.metadata.name));

    const name = cluster.nodes[1]?.metadata.name ?? "";
    const one = await call(sim.url, `/api/v1/nodes/${name}`);
    expect((one.json as Node).kind).toBe("Node");
    expect((one.json as Node).metadata.name).toBe(name);
  });

  it("scopes pods to a namespace and serves apps/v1 deployments and daemonsets", async () => {
    const { sim } = await startSimulator();
    const kubeSystem = (await call(sim.url, "/api/v1/namespaces/kube-system/pods")).json as PodList;
    expect(kubeSystem.items.length).toBeGreaterThan(0);
    expect(kubeSystem.items.every((p) => p.metadata.namespace === "kube-system")).toBe(true);
    const all = (await call(sim.url, "/api/v1/pods")).json as PodList;
    expect(all.items.length).toBeGreaterThan(kubeSystem.items.length);

    const coredns = await call(sim.url, "/apis/apps/v1/namespaces/kube-system/deployments/coredns");
    expect(coredns.json).toMatchObject({ kind: "Deployment", apiVersion: "apps/v1", spec: { replicas: 2 } });
    const ds = await call(sim.url, "/apis/apps/v1/daemonsets");
    expect((ds.json as { kind: string }).kind).toBe("DaemonSetList");
    const nodeLocal = await call(sim.url, "/apis/apps/v1/namespaces/kube-system/daemonsets/node-local-dns");
    expect(nodeLocal.json).toMatchObject({ status: { desiredNumberScheduled: 6, numberReady: 6 } });
    const cms = await call(sim.url, "/api/v1/namespaces/kube-system/configmaps/coredns");
    expect((cms.json as { data: Record<string, string> }).data.Corefile).toContain(
      "forward . /etc/resolv.conf",
    );
  });

  it("answers unknown objects and paths with a 404 Status", async () => {
    const { sim } = await startSimulator();
    const missing = await call(sim.url, "/api/v1/nodes/ip-10-99-0-1.ec2.internal");
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({
      kind: "Status",
      reason: "NotFound",
      code: 404,
      message: 'nodes "ip-10-99-0-1.ec2.internal" not found',
    });
    const deployment = await call(sim.url, "/apis/apps/v1/namespaces/kube-system/deployments/nope");
    expect((deployment.json as Status).message).toBe('deployments.apps "nope" not found');
    expect((await call(sim.url, "/api/v1/widgets")).status).toBe(404);
    expect((await call(sim.url, "/apis/apps/v1/namespaces/kube-system/nodes")).status).toBe(404);
  });
});

describe("simulated API server: selectors", () => {
  it("filters by label selector operators", async () => {
    const { sim, cluster } = await startSimulator();
    const names = async (selector: string) =>
      (
        (await call(sim.url, `/api/v1/pods?labelSelector=${encodeURIComponent(selector)}`)).json as PodList
      ).items.map((p) => p.metadata.name);
    const corednsPods = cluster.pods.filter((p) => p.metadata.labels?.["k8s-app"] === "kube-dns");
    expect(await names("k8s-app=kube-dns")).toEqual(corednsPods.map((p) => p.metadata.name));
    expect(await names("k8s-app==kube-dns")).toHaveLength(2);
    expect(await names("k8s-app in (kube-dns, node-local-dns)")).toHaveLength(2 + 6);
    const withApp = cluster.pods.filter((p) => p.metadata.labels?.["k8s-app"] !== undefined).length;
    expect(await names("k8s-app notin (kube-dns)")).toHaveLength(cluster.pods.length - 2);
    expect(await names("k8s-app!=kube-dns")).toHaveLength(cluster.pods.length - 2);
    expect(await names("k8s-app")).toHaveLength(withApp);
    expect(await names("!k8s-app")).toHaveLength(cluster.pods.length - withApp);
    expect(await names("k8s-app=kube-dns,eks.amazonaws.com/component=coredns")).toHaveLength(2);
    expect(await names("k8s-app=kube-dns,!eks.amazonaws.com/component")).toHaveLength(0);
  });

  it("filters by field selectors and rejects unsupported fields with 400", async () => {
    const { sim, cluster } = await startSimulator();
    const node = cluster.nodes[2];
    const nodeName = node?.metadata.name ?? "";
    const onNode = (await call(sim.url, `/api/v1/pods?fieldSelector=spec.nodeName%3D${nodeName}`))
      .json as PodList;
    expect(onNode.items.length).toBe(cluster.pods.filter((p) => p.spec?.nodeName === nodeName).length);
    expect(onNode.items.every((p) => p.spec?.nodeName === nodeName)).toBe(true);

    const appPod = cluster.pods.find((p) => !p.spec?.hostNetwork && p.metadata.namespace === "shop");
    const byIp = (await call(sim.url, `/api/v1/pods?fieldSelector=status.podIP%3D${appPod?.status?.podIP}`))
      .json as PodList;
    expect(byIp.items.map((p) => p.metadata.name)).toEqual([appPod?.metadata.name]);

    const byName = (await call(sim.url, `/api/v1/nodes?fieldSelector=metadata.name==${nodeName}`))
      .json as NodeList;
    expect(byName.items).toHaveLength(1);
    const notName = (await call(sim.url, `/api/v1/nodes?fieldSelector=metadata.name!=${nodeName}`))
      .json as NodeList;
    expect(notName.items).toHaveLength(cluster.nodes.length - 1);
    const running = (
      await call(
        sim.url,
        "/api/v1/namespaces/kube-system/pods?fieldSelector=status.phase=Running,metadata.namespace=kube-system",
      )
    ).json as PodList;
    expect(running.items.length).toBe(
      cluster.pods.filter((p) => p.metadata.namespace === "kube-system").length,
    );

    const bad = await call(sim.url, "/api/v1/nodes?fieldSelector=status.podIP%3D1.2.3.4");
    expect(bad.status).toBe(400);
    expect((bad.json as Status).message).toBe("field label not supported: status.podIP");
    const badLabel = await call(sim.url, `/api/v1/pods?labelSelector=${encodeURIComponent("a in (")}`);
    expect(badLabel.status).toBe(400);
  });
});

describe("simulated API server: pagination", () => {
  it("pages with limit/continue, counts what remains, and ends without a continue token", async () => {
    const { sim, cluster } = await startSimulator({ scenario: { nodeCount: 7 } });
    const seen: string[] = [];
    let token: string | undefined;
    const remaining: (number | undefined)[] = [];
    do {
      const query = new URLSearchParams({ limit: "3", ...(token ? { continue: token } : {}) });
      const page = (await call(sim.url, `/api/v1/nodes?${query}`)).json as NodeList;
      seen.push(...page.items.map((n) => n.metadata.name));
      remaining.push(page.metadata.remainingItemCount);
      token = page.metadata.continue;
    } while (token);
    expect(seen).toEqual(cluster.nodes.map((n) => n.metadata.name));
    expect(remaining).toEqual([4, 1, undefined]);
    expect(sim.requests).toHaveLength(3);
  });

  it("omits remainingItemCount when a selector filters, and rejects a bad continue token", async () => {
    const { sim } = await startSimulator();
    const page = (await call(sim.url, "/api/v1/pods?labelSelector=k8s-app%3Daws-node&limit=2"))
      .json as PodList;
    expect(page.items).toHaveLength(2);
    expect(page.metadata.continue).toBeTruthy();
    expect(page.metadata.remainingItemCount).toBeUndefined();
    const bad = await call(sim.url, "/api/v1/nodes?limit=2&continue=garbage");
    expect(bad.status).toBe(400);
  });
});

describe("simulated API server: Table and PartialObjectMetadata forms", () => {
  it("prints nodes with kubectl's columns including Internal-IP", async () => {
    const { sim, cluster } = await startSimulator({ scenario: { nodeCount: 5, notReadyNodes: 1 } });
    const response = await call(sim.url, "/api/v1/nodes", { headers: { Accept: KubeAccept.table } });
    const table = response.json as Table;
    expect(table.kind).toBe("Table");
    expect(table.apiVersion).toBe("meta.k8s.io/v1");
    const columns = table.columnDefinitions.map((c) => c.name);
    expect(columns).toEqual([
      "Name",
      "Status",
      "Roles",
      "Age",
      "Version",
      "Internal-IP",
      "External-IP",
      "OS-Image",
      "Kernel-Version",
      "Container-Runtime",
    ]);
    expect(table.rows).toHaveLength(5);
    const first = cluster.nodes[0] as Node;
    const internalIp = first.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
    expect(table.rows[0]?.cells[0]).toBe(first.metadata.name);
    expect(table.rows[0]?.cells[columns.indexOf("Internal-IP")]).toBe(internalIp);
    const statuses = table.rows.map((r) => r.cells[1]);
    expect(statuses.filter((s) => s === "NotReady")).toHaveLength(1);
    // Default includeObject=Metadata: each row carries the object's metadata (labels for capacity type etc.).
    expect(table.rows[0]?.object).toMatchObject({
      kind: "PartialObjectMetadata",
      metadata: { name: first.metadata.name, labels: first.metadata.labels },
    });
  });

  it("prints pods with IP and Node columns and honours includeObject", async () => {
    const { sim, cluster } = await startSimulator();
    const response = await call(
      sim.url,
      "/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkube-dns&includeObject=None",
      {
        headers: { Accept: `${KubeAccept.table},application/json` },
      },
    );
    const table = response.json as Table;
    const columns = table.columnDefinitions.map((c) => c.name);
    expect(columns).toEqual([
      "Name",
      "Ready",
      "Status",
      "Restarts",
      "Age",
      "IP",
      "Node",
      "Nominated Node",
      "Readiness Gates",
    ]);
    const pod = cluster.pods.find((p) => p.metadata.labels?.["k8s-app"] === "kube-dns");
    expect(table.rows[0]?.cells.slice(0, 3)).toEqual([pod?.metadata.name, "1/1", "Running"]);
    expect(table.rows[0]?.cells[columns.indexOf("IP")]).toBe(pod?.status?.podIP);
    expect(table.rows[0]?.cells[columns.indexOf("Node")]).toBe(pod?.spec?.nodeName);
    expect(table.rows[0]?.object).toBeUndefined();

    const full = (
      await call(
        sim.url,
        "/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkube-dns&includeObject=Object",
        {
          headers: { Accept: KubeAccept.table },
        },
      )
    ).json as Table;
    expect(full.rows[0]?.object).toMatchObject({ kind: "Pod", spec: { nodeName: pod?.spec?.nodeName } });
  });

  it("returns PartialObjectMetadataList that is much smaller than the full list", async () => {
    const { sim, cluster } = await startSimulator({ scenario: { nodeCount: 20 } });
    const identity = { "Accept-Encoding": "identity" };
    const response = await call(sim.url, "/api/v1/nodes", {
      headers: { Accept: KubeAccept.partialObjectMetadataList, ...identity },
    });
    const list = response.json as PartialObjectMetadataList;
    expect(list.kind).toBe("PartialObjectMetadataList");
    expect(list.items[0]).toMatchObject({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1" });
    expect(list.items[0]?.metadata.labels?.["topology.kubernetes.io/zone"]).toBeDefined();
    expect(list.items).toHaveLength(cluster.nodes.length);
    expect((list.items[0] as unknown as Node).status).toBeUndefined();
    await call(sim.url, "/api/v1/nodes", { headers: identity });
    await call(sim.url, "/api/v1/nodes?includeObject=None", {
      headers: { Accept: KubeAccept.table, ...identity },
    });
    const [metadataOnly, full, table] = sim.requests.map((r) => r.bytesSent);
    // Node metadata (labels, annotations) is about a third of a node; a bare Table row is a small fraction.
    expect(full).toBeGreaterThan(2 * (metadataOnly ?? 0));
    expect(full).toBeGreaterThan(10 * (table ?? 0));
    expect(sim.requests[0]?.accept).toBe(KubeAccept.partialObjectMetadataList);
  });

  it("refuses an Accept header it cannot produce with 406", async () => {
    const { sim } = await startSimulator();
    const response = await call(sim.url, "/api/v1/nodes", { headers: { Accept: "application/yaml" } });
    expect(response.status).toBe(406);
  });
});

describe("simulated API server: authentication and authorization", () => {
  it("answers 401 Status without a token and with a wrong one, 200 with a valid one", async () => {
    const { sim } = await startSimulator({ auth: { tokens: { "good-token": "sentinel" } } });
    const none = await call(sim.url, "/api/v1/nodes");
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
    expect((await call(sim.url, "/api/v1/nodes", { headers: { Authorization: "Bearer bad" } })).status).toBe(
      401,
    );
    expect(
      (await call(sim.url, "/api/v1/nodes", { headers: { Authorization: "Bearer good-token" } })).status,
    ).toBe(200);
    expect(sim.requests.map((r) => r.user)).toEqual([null, null, "sentinel"]);
  });

  it("answers 403 with the real message naming user, verb, resource, group and scope", async () => {
    const { sim } = await startSimulator({
      auth: { tokens: { t: "arn:aws:sts::123456789012:assumed-role/sentinel/x" } },
      forbidden: [
        { verb: "list", resource: "nodes" },
        { verb: "patch", resource: "deployments/scale", namespace: "kube-system" },
        { verb: "*", resource: "configmaps" },
      ],
    });
    const headers = { Authorization: "Bearer t" };
    const nodes = await call(sim.url, "/api/v1/nodes", { headers });
    expect(nodes.status).toBe(403);
    expect((nodes.json as Status).message).toBe(
      'nodes is forbidden: User "arn:aws:sts::123456789012:assumed-role/sentinel/x" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    expect((nodes.json as Status).reason).toBe("Forbidden");
    const scale = await call(sim.url, "/apis/apps/v1/namespaces/kube-system/deployments/coredns/scale", {
      method: "PATCH",
      headers: { ...headers, "Content-Type": "application/merge-patch+json" },
      body: JSON.stringify({ spec: { replicas: 3 } }),
    });
    expect((scale.json as Status).message).toBe(
      'deployments.apps "coredns" is forbidden: User "arn:aws:sts::123456789012:assumed-role/sentinel/x" cannot patch resource "deployments/scale" in API group "apps" in the namespace "kube-system"',
    );
    const cm = await call(sim.url, "/api/v1/namespaces/kube-system/configmaps", { headers });
    expect((cm.json as Status).message).toContain(
      'cannot list resource "configmaps" in API group "" in the namespace "kube-system"',
    );
    // GET of a single node is still allowed: only list was denied.
    const name = sim.cluster.nodes[0]?.metadata.name;
    expect((await call(sim.url, `/api/v1/nodes/${name}`, { headers })).status).toBe(200);
  });
});

describe("simulated API server: scale subresource", () => {
  const scalePath = "/apis/apps/v1/namespaces/kube-system/deployments/coredns/scale";
  const patch = (base: string, body: unknown) =>
    call(base, scalePath, {
      method: "PATCH",
      headers: { "Content-Type": "application/merge-patch+json" },
      body: JSON.stringify(body),
    });

  it("reads and patches replicas, bumping resourceVersion", async () => {
    const { sim } = await startSimulator();
    const scale = (await call(sim.url, scalePath)).json as Scale;
    expect(scale).toMatchObject({ kind: "Scale", apiVersion: "autoscaling/v1", spec: { replicas: 2 } });
    expect(scale.status?.selector).toContain("k8s-app=kube-dns");
    const patched = await patch(sim.url, {
      metadata: { resourceVersion: scale.metadata.resourceVersion },
      spec: { replicas: 4 },
    });
    expect(patched.status).toBe(200);
    expect((patched.json as Scale).spec?.replicas).toBe(4);
    expect((patched.json as Scale).metadata.resourceVersion).not.toBe(scale.metadata.resourceVersion);
    const deployment = (await call(sim.url, "/apis/apps/v1/namespaces/kube-system/deployments/coredns"))
      .json as {
      spec: { replicas: number };
    };
    expect(deployment.spec.replicas).toBe(4);
  });

  it("rejects a stale resourceVersion with 409 Conflict", async () => {
    const { sim } = await startSimulator();
    const scale = (await call(sim.url, scalePath)).json as Scale;
    await patch(sim.url, { spec: { replicas: 3 } });
    const stale = await patch(sim.url, {
      metadata: { resourceVersion: scale.metadata.resourceVersion },
      spec: { replicas: 5 },
    });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({
      reason: "Conflict",
      message:
        'Operation cannot be fulfilled on deployments.apps "coredns": the object has been modified; please apply your changes to the latest version and try again',
    });
    expect(((await call(sim.url, scalePath)).json as Scale).spec?.replicas).toBe(3);
  });

  it("merge-patches a ConfigMap and rejects JSON patch with 415", async () => {
    const { sim } = await startSimulator({
      scenario: { nodeCount: 5, replicaOwner: "cluster-proportional-autoscaler" },
    });
    const path = "/api/v1/namespaces/kube-system/configmaps/dns-autoscaler";
    const updated = await call(sim.url, path, {
      method: "PATCH",
      headers: { "Content-Type": "application/merge-patch+json" },
      body: JSON.stringify({ data: { linear: '{"min":4}' } }),
    });
    expect(updated.json).toMatchObject({
      kind: "ConfigMap",
      metadata: { name: "dns-autoscaler" },
      data: { linear: '{"min":4}' },
    });
    const jsonPatch = await call(sim.url, path, {
      method: "PATCH",
      headers: { "Content-Type": "application/json-patch+json" },
      body: "[]",
    });
    expect(jsonPatch.status).toBe(415);
  });
});

describe("simulated API server: failure modes and accounting", () => {
  it("fails with 500 Status a given number of times, then recovers", async () => {
    const { sim } = await startSimulator({ failure: { mode: "status-500", times: 2 } });
    expect((await call(sim.url, "/api/v1/nodes")).status).toBe(500);
    const second = await call(sim.url, "/api/v1/nodes");
    expect(second.json).toMatchObject({ kind: "Status", reason: "InternalError", code: 500 });
    expect((await call(sim.url, "/api/v1/nodes")).status).toBe(200);
  });

  it("closes the socket in close-socket mode", async () => {
    const { sim } = await startSimulator({ failure: { mode: "close-socket" } });
    await expect(fetch(`${sim.url}/api/v1/nodes`)).rejects.toThrow();
  });

  it("gzips large responses for clients that accept gzip and records wire bytes", async () => {
    const { sim } = await startSimulator({ scenario: { nodeCount: 40 } });
    const response = await fetch(`${sim.url}/api/v1/nodes`, { headers: { "Accept-Encoding": "identity" } });
    const plain = Buffer.from(await response.arrayBuffer());
    const http = await import("node:http");
    const compressed = await new Promise<Buffer>((resolve, reject) => {
      http
        .get(`${sim.url}/api/v1/nodes`, { headers: { "Accept-Encoding": "gzip" } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(Buffer.concat(chunks)));
        })
        .on("error", reject);
    });
    expect(gunzipSync(compressed).equals(plain)).toBe(true);
    expect(sim.requests.map((r) => r.gzip)).toEqual([false, true]);
    expect(sim.requests[0]?.bytesSent).toBe(plain.length);
    expect(sim.requests[1]?.bytesSent).toBe(compressed.length);
    expect(sim.traffic("/api/v1/nodes")).toEqual({ requests: 2, bytes: plain.length + compressed.length });
  });
});

describe("simulated API server: targeted slow and failing paths", () => {
  it("fails only the configured path prefix and delays only what delayFor selects", async () => {
    const { sim } = await startSimulator({
      failure: { mode: "status-500", pathPrefix: "/api/v1/pods" },
      delayFor: ({ path }) => (path.startsWith("/api/v1/nodes") ? 50 : 0),
    });
    expect((await call(sim.url, "/api/v1/pods")).status).toBe(500);
    expect((await call(sim.url, "/api/v1/nodes")).status).toBe(200);
    expect((await call(sim.url, "/apis/apps/v1/daemonsets")).status).toBe(200);
  });
});
