import { afterEach, describe, expect, it } from "vitest";
import {
  KubeApiError,
  KubeConflictError,
  KubeConnectionError,
  KubeCredentialsError,
  KubeForbiddenError,
  KubeNotFoundError,
  KubeServerError,
  KubeTimeoutError,
  KubeUnauthorizedError,
} from "../../shared/cluster/errors.ts";
import { HttpKubeClient, type HttpKubeClientOptions } from "../../shared/cluster/http-kube-client.ts";
import {
  KubeAccept,
  KubeContentType,
  type NodeList,
  type Scale,
  type Table,
} from "../../shared/cluster/kube-objects.ts";
import { startSimulator } from "../support/cluster-sim.ts";
import { testPki } from "../support/cluster-tls.ts";

const clients: HttpKubeClient[] = [];
function client(options: HttpKubeClientOptions): HttpKubeClient {
  const created = new HttpKubeClient(options);
  clients.push(created);
  return created;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

const secretToken = "s3cr3t-token-value";
const bearer = (token: string) => ({ type: "bearer" as const, token: async () => token });

async function rejection(promise: Promise<unknown>): Promise<KubeApiError> {
  try {
    await promise;
  } catch (error) {
    return error as KubeApiError;
  }
  throw new Error("expected a rejection");
}

describe("HttpKubeClient over HTTP with a bearer token", () => {
  it("lists with query parameters, skips undefined ones, and counts requests and bytes", async () => {
    const { sim, cluster } = await startSimulator({ auth: { tokens: { [secretToken]: "sentinel" } } });
    const kube = client({ server: sim.url, auth: bearer(secretToken) });
    const list = await kube.get<NodeList>("/api/v1/nodes", { query: { limit: "2", continue: undefined } });
    expect(list.items.map((n) => n.metadata.name)).toEqual(
      cluster.nodes.slice(0, 2).map((n) => n.metadata.name),
    );
    const pods = await kube.get<NodeList>("/api/v1/namespaces/kube-system/pods", {
      query: { labelSelector: "k8s-app=kube-dns" },
    });
    expect(pods.items).toHaveLength(2);
    expect(sim.requests.map((r) => r.query)).toEqual([{ limit: "2" }, { labelSelector: "k8s-app=kube-dns" }]);
    expect(kube.stats).toEqual({ requests: 2, bytes: sim.traffic().bytes });
  });

  it("accepts a query string inside the path as well as in options", async () => {
    const { sim } = await startSimulator();
    const kube = client({ server: sim.url, auth: { type: "none" } });
    const list = await kube.get<NodeList>("/api/v1/nodes?limit=1", {
      query: { fieldSelector: "spec.unschedulable=false" },
    });
    expect(list.items).toHaveLength(1);
    expect(sim.requests[0]?.query).toEqual({ limit: "1", fieldSelector: "spec.unschedulable=false" });
  });

  it("sends the Accept header for the Table form", async () => {
    const { sim } = await startSimulator();
    const kube = client({ server: sim.url, auth: { type: "none" } });
    const table = await kube.get<Table>("/api/v1/nodes", { accept: KubeAccept.table });
    expect(table.kind).toBe("Table");
    expect(sim.requests[0]?.accept).toBe(KubeAccept.table);
  });

  it("counts compressed wire bytes for large lists and still parses them", async () => {
    const { sim, cluster } = await startSimulator({ scenario: { nodeCount: 60 } });
    const kube = client({ server: sim.url, auth: { type: "none" } });
    const list = await kube.get<NodeList>("/api/v1/nodes");
    expect(list.items).toHaveLength(cluster.nodes.length);
    expect(sim.requests[0]?.gzip).toBe(true);
    expect(kube.stats.bytes).toBe(sim.requests[0]?.bytesSent);
    expect(kube.stats.bytes).toBeLessThan(JSON.stringify(list).length / 3);

    const plain = client({ server: sim.url, auth: { type: "none" }, compression: false });
    await plain.get("/api/v1/nodes");
    expect(sim.requests[1]?.gzip).toBe(false);
  });

  it("patches the scale subresource and maps a stale resourceVersion to KubeConflictError", async () => {
    const { sim } = await startSimulator();
    const kube = client({ server: sim.url, auth: { type: "none" } });
    const path = "/apis/apps/v1/namespaces/kube-system/deployments/coredns/scale";
    const before = await kube.get<Scale>(path);
    const after = await kube.patch<Scale>(
      path,
      { metadata: { resourceVersion: before.metadata.resourceVersion }, spec: { replicas: 4 } },
      { contentType: KubeContentType.mergePatch },
    );
    expect(after.spec?.replicas).toBe(4);
    const error = await rejection(
      kube.patch(
        path,
        { metadata: { resourceVersion: before.metadata.resourceVersion }, spec: { replicas: 6 } },
        {
          contentType: KubeContentType.mergePatch,
        },
      ),
    );
    expect(error).toBeInstanceOf(KubeConflictError);
    expect(error.statusCode).toBe(409);
    expect(error.message).toContain(`PATCH ${path}`);
    expect(error.message).toContain("the object has been modified");
  });

  it("gets a fresh token once after a 401 (expired cached token)", async () => {
    const { sim } = await startSimulator({ auth: { tokens: { fresh: "sentinel" } } });
    const calls: boolean[] = [];
    const kube = client({
      server: sim.url,
      auth: {
        type: "bearer",
        token: async (options) => {
          calls.push(options?.forceRefresh ?? false);
          return options?.forceRefresh ? "fresh" : "expired";
        },
      },
    });
    await kube.get("/api/v1/nodes");
    expect(calls).toEqual([false, true]);
    expect(sim.requests.map((r) => r.statusCode)).toEqual([401, 200]);
  });

  it("wraps a failing token provider in KubeCredentialsError", async () => {
    const { sim } = await startSimulator();
    const kube = client({
      server: sim.url,
      auth: {
        type: "bearer",
        token: async () => {
          throw new Error("no AWS credentials");
        },
      },
    });
    const error = await rejection(kube.get("/api/v1/nodes"));
    expect(error).toBeInstanceOf(KubeCredentialsError);
    expect(error.message).toContain("no AWS credentials");
    expect(sim.requests).toHaveLength(0);
  });
});

describe("HttpKubeClient error mapping", () => {
  it.each([
    ["401 Unauthorized", {}, "/api/v1/nodes", KubeUnauthorizedError, 401],
    ["404 Not Found", {}, "/api/v1/nodes/ip-10-99-9-9.ec2.internal", KubeNotFoundError, 404],
    ["500 server error", { failure: { mode: "status-500" as const } }, "/api/v1/nodes", KubeServerError, 500],
  ])("maps %s to a typed error naming the path without the token", async (_name, extra, path, type, code) => {
    const { sim } = await startSimulator({ auth: { tokens: { other: "someone" } }, ...extra });
    const token = code === 401 ? secretToken : "other";
    const kube = client({ server: sim.url, auth: bearer(token) });
    const error = await rejection(kube.get(path));
    expect(error).toBeInstanceOf(type);
    expect(error.statusCode).toBe(code);
    expect(error.message).toContain(path);
    expect(error.message).not.toContain(token);
    expect(JSON.stringify(error)).not.toContain(token);
  });

  it("maps 403 to KubeForbiddenError carrying the RBAC message (verb, resource, scope)", async () => {
    const { sim } = await startSimulator({
      auth: { tokens: { [secretToken]: "sentinel-reader" } },
      forbidden: [{ verb: "list", resource: "nodes" }],
    });
    const kube = client({ server: sim.url, auth: bearer(secretToken) });
    const error = await rejection(kube.get("/api/v1/nodes"));
    expect(error).toBeInstanceOf(KubeForbiddenError);
    expect(error.message).toBe(
      'Kubernetes API forbade GET /api/v1/nodes (403 Forbidden): nodes is forbidden: User "sentinel-reader" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    expect(error.status?.reason).toBe("Forbidden");
    expect(error.message).not.toContain(secretToken);
  });

  it("times out a slow server with KubeTimeoutError", async () => {
    const { sim } = await startSimulator({ delayMs: 2_000 });
    const kube = client({ server: sim.url, auth: { type: "none" }, timeoutMs: 100 });
    const error = await rejection(kube.get("/api/v1/nodes"));
    expect(error).toBeInstanceOf(KubeTimeoutError);
    expect(error.message).toBe("Kubernetes API did not answer GET /api/v1/nodes within 100 ms");
  });

  it("reports a closed socket and a refused connection as KubeConnectionError", async () => {
    const { sim } = await startSimulator({ failure: { mode: "close-socket" } });
    const kube = client({ server: sim.url, auth: { type: "none" } });
    const closed = await rejection(kube.get("/api/v1/nodes"));
    expect(closed).toBeInstanceOf(KubeConnectionError);
    expect(closed.message).toContain("/api/v1/nodes");

    const url = sim.url;
    await sim.stop();
    const refused = await rejection(client({ server: url, auth: { type: "none" } }).get("/api/v1/nodes"));
    expect(refused).toBeInstanceOf(KubeConnectionError);
    expect(refused.message).toContain("ECONNREFUSED");
  });

  it("rejects a server URL that is not http(s)", () => {
    expect(() => new HttpKubeClient({ server: "ftp://x", auth: { type: "none" } })).toThrow(
      /unsupported protocol/,
    );
    expect(() => new HttpKubeClient({ server: "not a url", auth: { type: "none" } })).toThrow(
      /not a valid URL/,
    );
  });
});

describe("HttpKubeClient over TLS", () => {
  const tls = { cert: testPki.serverCert, key: testPki.serverKey, ca: testPki.ca };

  it("trusts a custom CA", async () => {
    const { sim } = await startSimulator({ tls });
    expect(sim.url).toMatch(/^https:/);
    const kube = client({ server: sim.url, ca: testPki.ca, auth: { type: "none" } });
    await expect(kube.get<NodeList>("/api/v1/nodes")).resolves.toMatchObject({ kind: "NodeList" });
  });

  it("refuses a server signed by another CA with a readable TLS error, unless insecure-skip-tls-verify", async () => {
    const { sim } = await startSimulator({ tls });
    const strict = client({ server: sim.url, ca: testPki.otherCa, auth: bearer(secretToken) });
    const error = await rejection(strict.get("/api/v1/nodes"));
    expect(error).toBeInstanceOf(KubeConnectionError);
    expect(error.message).toContain("TLS verification failed");
    expect(error.message).not.toContain(secretToken);
    const insecure = client({ server: sim.url, insecureSkipTlsVerify: true, auth: { type: "none" } });
    await expect(insecure.get("/api/v1/nodes")).resolves.toMatchObject({ kind: "NodeList" });
  });

  it("verifies against tls-server-name when the certificate does not name the URL host", async () => {
    const { sim } = await startSimulator({
      tls: { cert: testPki.namedServerCert, key: testPki.namedServerKey },
    });
    const byIp = client({ server: sim.url, ca: testPki.ca, auth: { type: "none" } });
    const error = await rejection(byIp.get("/api/v1/nodes"));
    expect(error.message).toContain("does not match the host name");
    const named = client({
      server: sim.url,
      ca: testPki.ca,
      tlsServerName: "kube.sentinel.test",
      auth: { type: "none" },
    });
    await expect(named.get("/api/v1/nodes")).resolves.toMatchObject({ kind: "NodeList" });
  });

  it("authenticates with a client certificate the server verifies", async () => {
    const { sim } = await startSimulator({ tls, auth: { clientCertificates: true } });
    const anonymous = client({ server: sim.url, ca: testPki.ca, auth: { type: "none" } });
    expect(await rejection(anonymous.get("/api/v1/nodes"))).toBeInstanceOf(KubeUnauthorizedError);
    const withCert = client({
      server: sim.url,
      ca: testPki.ca,
      auth: { type: "client-certificate", cert: testPki.clientCert, key: testPki.clientKey },
    });
    await expect(withCert.get("/api/v1/nodes")).resolves.toMatchObject({ kind: "NodeList" });
    expect(sim.requests.at(-1)?.user).toBe("sentinel-client");
  });

  it("uses a client certificate handed over at request time (exec plugins)", async () => {
    const { sim } = await startSimulator({ tls, auth: { clientCertificates: true } });
    const kube = client({
      server: sim.url,
      ca: testPki.ca,
      auth: {
        type: "dynamic",
        credentials: async () => ({ cert: testPki.clientCert, key: testPki.clientKey }),
      },
    });
    await expect(kube.get("/api/v1/nodes")).resolves.toMatchObject({ kind: "NodeList" });
    expect(sim.requests.at(-1)?.user).toBe("sentinel-client");
  });
});

describe("HttpKubeClient with a fixed token", () => {
  it("does not retry a 401 when the token cannot be refreshed", async () => {
    const { sim } = await startSimulator({ auth: { tokens: { good: "u" } } });
    const kube = client({
      server: sim.url,
      auth: { type: "bearer", token: async () => "revoked", refreshable: false },
    });
    expect(await rejection(kube.get("/api/v1/nodes"))).toBeInstanceOf(KubeUnauthorizedError);
    expect(sim.requests).toHaveLength(1);
  });
});

describe("HttpKubeClient keep-alive", () => {
  it("resends once on a fresh socket when the server closed the idle kept-alive one", async () => {
    const http = await import("node:http");
    const served = new WeakMap<object, number>();
    let connections = 0;
    // Like an API server (or a load balancer) that dropped an idle connection: a second request on a socket is reset.
    const server = http.createServer((req, res) => {
      const count = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, count);
      if (count > 1) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ kind: "NodeList", metadata: {}, items: [] }));
    });
    server.on("connection", () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const kube = client({ server: `http://127.0.0.1:${port}`, auth: { type: "none" } });
    try {
      await kube.get("/api/v1/nodes");
      await expect(kube.get("/api/v1/nodes")).resolves.toMatchObject({ kind: "NodeList" });
      expect(connections).toBe(2);
      expect(kube.stats.requests).toBe(3);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("HttpKubeClient response size limit", () => {
  it.each([
    ["identity", false],
    ["gzip", true],
  ])("refuses a %s response above maxResponseBytes with a hint", async (_name, compression) => {
    const { sim } = await startSimulator({ scenario: { nodeCount: 40 } });
    const kube = client({ server: sim.url, auth: { type: "none" }, compression, maxResponseBytes: 100_000 });
    const error = await rejection(kube.get("/api/v1/nodes"));
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error.message).toBe(
      "Kubernetes API response to GET /api/v1/nodes exceeds 100000 bytes; use a selector, limit or the Table form",
    );
    await expect(kube.get("/api/v1/nodes", { query: { limit: "2" } })).resolves.toMatchObject({
      kind: "NodeList",
    });
  });
});
