import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runExecPlugin } from "../../shared/cluster/exec-credential.ts";
import { HttpKubeClient } from "../../shared/cluster/http-kube-client.ts";
import { createKubeconfigKubeApi } from "../../shared/cluster/kubeconfig.ts";
import { singleContext, tempDir, writeKubeconfig } from "../support/cluster-kubeconfig.ts";
import { startSimulator } from "../support/cluster-sim.ts";
import { testPki } from "../support/cluster-tls.ts";

const token = "eyJhbGciOi-very-secret-token";
const keyMaterial = testPki.clientKey.split("\n")[1] ?? "unreachable";

/** Every message along the cause chain, plus the serialised error, as a log line or report would show them. */
function everythingShown(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(String(current), current.message, current.stack ?? "", JSON.stringify(current));
    current = current.cause;
  }
  return parts.join("\n");
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

describe("cluster access errors never carry credentials", () => {
  it.each([
    ["401", { auth: { tokens: { other: "x" } } }],
    ["403", { auth: { tokens: { [token]: "u" } }, forbidden: [{ verb: "list", resource: "nodes" }] }],
    ["500", { auth: { tokens: { [token]: "u" } }, failure: { mode: "status-500" as const } }],
    ["closed socket", { auth: { tokens: { [token]: "u" } }, failure: { mode: "close-socket" as const } }],
    ["timeout", { auth: { tokens: { [token]: "u" } }, delayMs: 1_000 }],
  ])("%s", async (_name, options) => {
    const { sim } = await startSimulator(options);
    const kube = new HttpKubeClient({
      server: sim.url,
      auth: { type: "bearer", token: async () => token },
      timeoutMs: 200,
    });
    const error = await failure(kube.get("/api/v1/nodes"));
    expect(everythingShown(error)).not.toContain(token);
    kube.close();
  });

  it("TLS failure with a client key configured", async () => {
    const { sim } = await startSimulator({ tls: { cert: testPki.serverCert, key: testPki.serverKey } });
    const kube = new HttpKubeClient({
      server: sim.url,
      ca: testPki.otherCa,
      auth: { type: "client-certificate", cert: testPki.clientCert, key: testPki.clientKey },
    });
    const shown = everythingShown(await failure(kube.get("/api/v1/nodes")));
    expect(shown).not.toContain(keyMaterial);
    expect(shown).not.toContain("PRIVATE KEY");
    kube.close();
  });

  it("exec plugin printing a token but then failing to parse", async () => {
    const dir = tempDir();
    const script = join(dir, "plugin.mjs");
    writeFileSync(script, `console.log("not json ${token}");`);
    const error = await failure(
      runExecPlugin({
        exec: { apiVersion: "client.authentication.k8s.io/v1", command: process.execPath, args: [script] },
        baseDir: dir,
        env: {},
      }),
    );
    expect(everythingShown(error)).not.toContain(token);
  });

  it("kubeconfig errors with a token in the file", async () => {
    const dir = tempDir();
    const path = writeKubeconfig(dir, "config", {
      ...singleContext("https://127.0.0.1:1", {}, { token }),
      currentContext: "missing",
    });
    const error = await failure(Promise.resolve().then(() => createKubeconfigKubeApi({ path, env: {} })));
    expect(everythingShown(error)).not.toContain(token);
  });
});
