import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KubeCredentialsError, KubeconfigError } from "../../shared/cluster/errors.ts";
import { execCredentialsProvider, runExecPlugin } from "../../shared/cluster/exec-credential.ts";
import type { NodeList } from "../../shared/cluster/kube-objects.ts";
import { createKubeconfigKubeApi, resolveKubeconfig } from "../../shared/cluster/kubeconfig.ts";
import { singleContext, tempDir, writeKubeconfig } from "../support/cluster-kubeconfig.ts";
import { startSimulator } from "../support/cluster-sim.ts";
import { testPki, tlsDir } from "../support/cluster-tls.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const tls = { cert: testPki.serverCert, key: testPki.serverKey, ca: testPki.ca };

/** A tiny exec credential plugin: logs each run, then prints an ExecCredential chosen by its first argument. */
const pluginSource = `
import { appendFileSync, readFileSync } from "node:fs";
const earlierRuns = readFileSync(process.env.PLUGIN_LOG, "utf8").split("\\n").filter(Boolean).length;
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
appendFileSync(process.env.PLUGIN_LOG, JSON.stringify({ args: process.argv.slice(2), info }) + "\\n");
const mode = process.argv[2];
if (mode === "fail") { console.error("token service said no"); process.exit(3); }
if (mode === "sleep") { setTimeout(() => {}, 60000); }
else {
  const status = mode === "cert"
    ? { clientCertificateData: process.env.PLUGIN_CERT, clientKeyData: process.env.PLUGIN_KEY }
    : { token: mode === "revoked-first" && earlierRuns === 0 ? "revoked" : process.env.PLUGIN_TOKEN };
  if (process.env.PLUGIN_EXPIRES) status.expirationTimestamp = process.env.PLUGIN_EXPIRES;
  console.log(JSON.stringify({ kind: "ExecCredential", apiVersion: process.env.PLUGIN_API_VERSION || info.apiVersion, status }));
}
`;

function writePlugin(dir: string): {
  script: string;
  log: string;
  runs: () => { args: string[]; info: unknown }[];
} {
  const script = join(dir, "plugin.mjs");
  const log = join(dir, "plugin.log");
  writeFileSync(script, pluginSource);
  writeFileSync(log, "");
  const runs = () =>
    readFileSync(log, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line));
  return { script, log, runs };
}

describe("kubeconfig authentication modes", () => {
  it("token", async () => {
    const { sim } = await startSimulator({ auth: { tokens: { "kc-token": "alice" } } });
    const dir = tempDir();
    const path = writeKubeconfig(dir, "config", singleContext(sim.url, {}, { token: "kc-token" }));
    const kube = createKubeconfigKubeApi({ path, env: {} });
    await expect(kube.get<NodeList>("/api/v1/nodes")).resolves.toMatchObject({ kind: "NodeList" });
    expect(sim.requests[0]?.user).toBe("alice");
    kube.close();
  });

  it("tokenFile relative to the kubeconfig, re-read so a rotated token is used", async () => {
    const { sim } = await startSimulator({ auth: { tokens: { first: "sa-1", second: "sa-2" } } });
    const dir = tempDir();
    writeFileSync(join(dir, "token"), "first\n");
    const path = writeKubeconfig(dir, "config", singleContext(sim.url, {}, { tokenFile: "token" }));
    const kube = createKubeconfigKubeApi({ path, env: {} });
    await kube.get("/api/v1/nodes");
    writeFileSync(join(dir, "token"), "second\n");
    await kube.get("/api/v1/nodes");
    expect(sim.requests.map((r) => r.user)).toEqual(["sa-1", "sa-2"]);
    kube.close();
  });

  it("client certificate files and certificate-authority, relative to the kubeconfig, against a TLS server requiring them", async () => {
    const { sim } = await startSimulator({ tls, auth: { clientCertificates: true } });
    const dir = tempDir();
    for (const file of ["ca.crt", "client.crt", "client.key"])
      copyFileSync(join(tlsDir, file), join(dir, file));
    const path = writeKubeconfig(
      dir,
      "config",
      singleContext(
        sim.url,
        { "certificate-authority": "ca.crt" },
        { "client-certificate": "client.crt", "client-key": "client.key" },
      ),
    );
    const kube = createKubeconfigKubeApi({ path, env: {} });
    await expect(kube.get("/api/v1/nodes")).resolves.toMatchObject({ kind: "NodeList" });
    expect(sim.requests[0]?.user).toBe("sentinel-client");
    kube.close();
  });

  it("client certificate and CA given as -data", async () => {
    const { sim } = await startSimulator({ tls, auth: { clientCertificates: true } });
    const dir = tempDir();
    const path = writeKubeconfig(
      dir,
      "config",
      singleContext(
        sim.url,
        { "certificate-authority-data": b64(testPki.ca) },
        { "client-certificate-data": b64(testPki.clientCert), "client-key-data": b64(testPki.clientKey) },
      ),
    );
    const kube = createKubeconfigKubeApi({ path, env: {} });
    await expect(kube.get("/api/v1/nodes")).resolves.toMatchObject({ kind: "NodeList" });
    kube.close();
  });

  it("insecure-skip-tls-verify and tls-server-name", async () => {
    const { sim } = await startSimulator({
      tls: { cert: testPki.namedServerCert, key: testPki.namedServerKey },
    });
    const dir = tempDir();
    const insecure = writeKubeconfig(
      dir,
      "insecure",
      singleContext(sim.url, { "insecure-skip-tls-verify": true }, {}),
    );
    const a = createKubeconfigKubeApi({ path: insecure, env: {} });
    await expect(a.get("/api/v1/nodes")).resolves.toMatchObject({ kind: "NodeList" });
    const named = writeKubeconfig(
      dir,
      "named",
      singleContext(
        sim.url,
        { "certificate-authority-data": b64(testPki.ca), "tls-server-name": "kube.sentinel.test" },
        {},
      ),
    );
    const b = createKubeconfigKubeApi({ path: named, env: {} });
    await expect(b.get("/api/v1/nodes")).resolves.toMatchObject({ kind: "NodeList" });
    a.close();
    b.close();
  });

  it("exec plugin (v1) with args and env, given KUBERNETES_EXEC_INFO, cached until it expires", async () => {
    const { sim } = await startSimulator({ auth: { tokens: { "exec-token": "bob" } } });
    const dir = tempDir();
    const plugin = writePlugin(dir);
    const path = writeKubeconfig(
      dir,
      "config",
      singleContext(
        sim.url,
        {},
        {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1",
            command: process.execPath,
            args: [plugin.script, "token"],
            env: [
              { name: "PLUGIN_TOKEN", value: "exec-token" },
              { name: "PLUGIN_EXPIRES", value: new Date(Date.now() + 3_600_000).toISOString() },
            ],
            interactiveMode: "Never",
            provideClusterInfo: true,
          },
        },
      ),
    );
    const kube = createKubeconfigKubeApi({ path, env: { PLUGIN_LOG: plugin.log, PATH: process.env.PATH } });
    await kube.get("/api/v1/nodes");
    await kube.get("/api/v1/nodes");
    expect(sim.requests.map((r) => r.user)).toEqual(["bob", "bob"]);
    const runs = plugin.runs();
    expect(runs).toHaveLength(1);
    expect(runs[0]?.args).toEqual(["token"]);
    expect(runs[0]?.info).toEqual({
      kind: "ExecCredential",
      apiVersion: "client.authentication.k8s.io/v1",
      spec: { interactive: false, cluster: { server: sim.url } },
    });
    kube.close();
  });

  it("exec plugin (v1beta1) returning a client certificate", async () => {
    const { sim } = await startSimulator({ tls, auth: { clientCertificates: true } });
    const dir = tempDir();
    const plugin = writePlugin(dir);
    const path = writeKubeconfig(
      dir,
      "config",
      singleContext(
        sim.url,
        { "certificate-authority-data": b64(testPki.ca) },
        {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: process.execPath,
            args: [plugin.script, "cert"],
            env: [
              { name: "PLUGIN_CERT", value: testPki.clientCert },
              { name: "PLUGIN_KEY", value: testPki.clientKey },
            ],
          },
        },
      ),
    );
    const kube = createKubeconfigKubeApi({ path, env: { PLUGIN_LOG: plugin.log } });
    await expect(kube.get("/api/v1/nodes")).resolves.toMatchObject({ kind: "NodeList" });
    expect(sim.requests[0]?.user).toBe("sentinel-client");
    kube.close();
  });

  it("re-runs the exec plugin after a 401 (revoked token)", async () => {
    const { sim } = await startSimulator({ auth: { tokens: { "exec-token": "bob" } } });
    const dir = tempDir();
    const plugin = writePlugin(dir);
    const path = writeKubeconfig(
      dir,
      "config",
      singleContext(
        sim.url,
        {},
        {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1",
            command: process.execPath,
            args: [plugin.script, "revoked-first"],
            env: [{ name: "PLUGIN_TOKEN", value: "exec-token" }],
          },
        },
      ),
    );
    const env = { PLUGIN_LOG: plugin.log };
    const kube = createKubeconfigKubeApi({ path, env });
    await kube.get("/api/v1/nodes");
    expect(sim.requests.map((r) => r.statusCode)).toEqual([401, 200]);
    expect(plugin.runs()).toHaveLength(2);
    kube.close();
  });
});

describe("exec plugin failures", () => {
  const base = (dir: string, mode: string) => ({
    exec: {
      apiVersion: "client.authentication.k8s.io/v1",
      command: process.execPath,
      args: [join(dir, "plugin.mjs"), mode],
    },
    baseDir: dir,
    env: { PLUGIN_LOG: join(dir, "plugin.log"), PLUGIN_TOKEN: "secret-from-plugin" },
  });

  it("names a missing command and shows the install hint", async () => {
    const error = await runExecPlugin({
      exec: {
        apiVersion: "client.authentication.k8s.io/v1",
        command: "definitely-not-installed-plugin",
        installHint: "Install it with: brew install thing",
      },
      baseDir: tempDir(),
      env: { PATH: process.env.PATH },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(KubeCredentialsError);
    expect(error.message).toContain('exec plugin "definitely-not-installed-plugin" not found');
    expect(error.message).toContain("brew install thing");
  });

  it("refuses plugins that need an interactive terminal", async () => {
    const dir = tempDir();
    writePlugin(dir);
    const always = base(dir, "token");
    await expect(
      runExecPlugin({ ...always, exec: { ...always.exec, interactiveMode: "Always" } }),
    ).rejects.toThrow(/needs an interactive terminal/);
  });

  it("reports a non-zero exit with stderr", async () => {
    const dir = tempDir();
    writePlugin(dir);
    await expect(runExecPlugin(base(dir, "fail"))).rejects.toThrow(
      /exited with code 3: token service said no/,
    );
  });

  it("kills a plugin that hangs", async () => {
    const dir = tempDir();
    writePlugin(dir);
    await expect(runExecPlugin({ ...base(dir, "sleep"), timeoutMs: 300 })).rejects.toThrow(
      /did not finish within 300 ms/,
    );
  });

  it("rejects unsupported or mismatched apiVersions without echoing the credential", async () => {
    const dir = tempDir();
    writePlugin(dir);
    const old = base(dir, "token");
    await expect(
      runExecPlugin({ ...old, exec: { ...old.exec, apiVersion: "client.authentication.k8s.io/v1alpha1" } }),
    ).rejects.toThrow(/supported: client.authentication.k8s.io\/v1, client.authentication.k8s.io\/v1beta1/);
    const mismatched = await runExecPlugin({
      ...old,
      env: { ...old.env, PLUGIN_API_VERSION: "client.authentication.k8s.io/v1beta1" },
    }).catch((e) => e);
    expect(mismatched.message).toContain("answered with apiVersion");
    expect(mismatched.message).not.toContain("secret-from-plugin");
  });

  it("caches until expirationTimestamp minus a margin, by an injected clock", async () => {
    const dir = tempDir();
    const plugin = writePlugin(dir);
    let now = Date.parse("2026-11-23T09:00:00Z");
    const provider = execCredentialsProvider({
      ...base(dir, "token"),
      env: { ...base(dir, "token").env, PLUGIN_EXPIRES: "2026-11-23T09:10:00Z" },
      now: () => now,
    });
    await provider();
    now += 9 * 60_000;
    await provider();
    expect(plugin.runs()).toHaveLength(1);
    now += 40_000;
    await provider();
    expect(plugin.runs()).toHaveLength(2);
  });
});

describe("kubeconfig selection and merging", () => {
  it("merges KUBECONFIG files first-wins, skips missing ones, and honours --context", async () => {
    const dir = tempDir();
    const first = writeKubeconfig(dir, "first", {
      currentContext: "alpha",
      clusters: [{ name: "c1", cluster: { server: "https://first.example:6443" } }],
      contexts: [{ name: "alpha", context: { cluster: "c1", namespace: "kube-system" } }],
    });
    const second = writeKubeconfig(dir, "second", {
      currentContext: "beta",
      clusters: [
        { name: "c1", cluster: { server: "https://shadowed.example:6443" } },
        { name: "c2", cluster: { server: "https://second.example:6443" } },
      ],
      users: [{ name: "u2", user: { token: "t2" } }],
      contexts: [
        { name: "alpha", context: { cluster: "c2" } },
        { name: "beta", context: { cluster: "c2", user: "u2" } },
      ],
    });
    const env = { KUBECONFIG: [join(dir, "missing"), first, second].join(":") };
    const current = resolveKubeconfig({ env });
    expect(current).toMatchObject({ contextName: "alpha", clusterName: "c1", namespace: "kube-system" });
    expect(current.client.server).toBe("https://first.example:6443");
    const beta = resolveKubeconfig({ env, context: "beta" });
    expect(beta).toMatchObject({ contextName: "beta", clusterName: "c2", userName: "u2" });
    expect(beta.client.server).toBe("https://second.example:6443");
  });

  it("falls back to ~/.kube/config under HOME", () => {
    const home = tempDir();
    const kube = join(home, ".kube");
    mkdirSync(kube);
    writeKubeconfig(kube, "config", singleContext("https://home.example", {}, { token: "x" }));
    expect(resolveKubeconfig({ env: { HOME: home } }).client.server).toBe("https://home.example");
  });

  it("names what is missing", () => {
    const dir = tempDir();
    const path = writeKubeconfig(dir, "config", {
      currentContext: "ghost",
      clusters: [{ name: "c", cluster: { server: "https://x" } }],
      users: [{ name: "u", user: { token: "t" } }],
      contexts: [
        { name: "ok", context: { cluster: "c", user: "u" } },
        { name: "no-cluster", context: { cluster: "gone", user: "u" } },
        { name: "no-user", context: { cluster: "c", user: "nobody" } },
      ],
    });
    expect(() => resolveKubeconfig({ path, env: {} })).toThrow(
      new KubeconfigError(
        `Context "ghost" not found in kubeconfig (${path}); known contexts: ok, no-cluster, no-user`,
      ),
    );
    expect(() => resolveKubeconfig({ path, env: {}, context: "no-cluster" })).toThrow(/names cluster "gone"/);
    expect(() => resolveKubeconfig({ path, env: {}, context: "no-user" })).toThrow(/names user "nobody"/);
    expect(() => resolveKubeconfig({ path: join(dir, "nope"), env: {} })).toThrow(
      /Cannot read kubeconfig .*nope/,
    );
    const noCurrent = writeKubeconfig(dir, "nocurrent", { contexts: [] });
    expect(() => resolveKubeconfig({ path: noCurrent, env: {} })).toThrow(/No current-context/);
    writeFileSync(join(dir, "bad"), "clusters: [unclosed");
    expect(() => resolveKubeconfig({ path: join(dir, "bad"), env: {} })).toThrow(/not valid YAML/);
    const badCa = writeKubeconfig(
      dir,
      "badca",
      singleContext("https://x", { "certificate-authority": "missing-ca.crt" }, {}),
    );
    expect(() => resolveKubeconfig({ path: badCa, env: {} })).toThrow(
      /Cannot read certificate-authority of cluster "test-cluster" .*missing-ca.crt: ENOENT/,
    );
    const halfCert = writeKubeconfig(
      dir,
      "half",
      singleContext("https://x", {}, { "client-certificate-data": b64(testPki.clientCert) }),
    );
    expect(() => resolveKubeconfig({ path: halfCert, env: {} })).toThrow(/not both/);
  });
});
