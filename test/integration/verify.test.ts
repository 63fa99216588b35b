import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCommand } from "../../cli/verify.ts";
import { debianToolsPresent, findBinary } from "../support/debian-tools.ts";
import { freePort } from "../support/real-alertmanager.ts";

/**
 * `verify` against a real Prometheus query API: Debian's `prometheus` serving data backfilled with
 * `promtool tsdb create-blocks-from openmetrics` (one node whose drops stop, one that keeps dropping, one
 * that never dropped), behind a proxy that checks the SigV4 signature itself before forwarding.
 */
const present = debianToolsPresent(["prometheus", "promtool"], "verify against Prometheus");
const KEYS = { accessKeyId: "AKIDVERIFYTEST", secretAccessKey: "verify-test-secret" };
const T0 = (Math.floor(Date.now() / 60_000) * 60 - 2 * 3600) as number;
const dir = mkdtempSync(join(tmpdir(), "linklocal-verify-"));
let prometheus: ChildProcess | undefined;
let proxy: Server | undefined;
let proxyUrl = "";
const checked: { authorization: string; valid: boolean }[] = [];

function openMetrics(): string {
  const lines = ["# TYPE node_ethtool_linklocal_allowance_exceeded gauge"];
  for (let i = 0; i <= 60; i++) {
    const at = T0 + i * 60;
    const series = { "n-stopped": Math.min(i, 20) * 600, "n-dropping": i * 600, "n-quiet": 5 };
    for (const [node, value] of Object.entries(series)) {
      lines.push(
        `node_ethtool_linklocal_allowance_exceeded{cluster="prod",device="eth0",node="${node}"} ${value} ${at}`,
      );
    }
  }
  return `${lines.join("\n")}\n# EOF\n`;
}

/** Re-signs what arrived with the same keys and compares: the request was signed as SigV4 for `aps`. */
async function signatureValid(req: IncomingMessage, body: string): Promise<boolean> {
  const authorization = String(req.headers.authorization ?? "");
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(";") ?? [];
  const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(req.headers[name] ?? "")]));
  const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
  const request = new HttpRequest({
    method: req.method,
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    headers,
    body,
  });
  const dated = String(req.headers["x-amz-date"] ?? "");
  const signingDate = new Date(
    `${dated.slice(0, 4)}-${dated.slice(4, 6)}-${dated.slice(6, 8)}T${dated.slice(9, 11)}:${dated.slice(11, 13)}:${dated.slice(13, 15)}Z`,
  );
  const signer = new SignatureV4({ credentials: KEYS, region: "eu-west-1", service: "aps", sha256: Sha256 });
  const expected = await signer.sign(request, { signingDate });
  return (
    expected.headers.authorization === authorization &&
    /Credential=AKIDVERIFYTEST\/\d{8}\/eu-west-1\/aps\/aws4_request/.test(authorization)
  );
}

beforeAll(async () => {
  if (!present) return;
  writeFileSync(join(dir, "data.om"), openMetrics());
  execFileSync(
    findBinary("promtool") as string,
    ["tsdb", "create-blocks-from", "openmetrics", join(dir, "data.om"), join(dir, "db")],
    { stdio: "ignore" },
  );
  writeFileSync(join(dir, "prometheus.yml"), "global: {}\n");
  const port = await freePort();
  prometheus = spawn(
    findBinary("prometheus") as string,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "db")}`,
      "--storage.tsdb.retention.time=30d",
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: "ignore" },
  );
  const upstream = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    const ready = await fetch(`${upstream}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const valid = await signatureValid(req, body);
      checked.push({ authorization: String(req.headers.authorization ?? ""), valid });
      if (!valid) {
        res.writeHead(403).end('{"message":"signature does not match"}');
        return;
      }
      // AMP serves the API under /workspaces/<id>/; a plain Prometheus at the root.
      const answer = await fetch(`${upstream}${(req.url ?? "/").replace(/^\/workspaces\/[^/]+/, "")}`, {
        method: req.method,
        headers: { "content-type": String(req.headers["content-type"]) },
        body,
      });
      res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => proxy?.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/workspaces/ws-test/`;
}, 120_000);

afterAll(async () => {
  prometheus?.kill();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({
  AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
  AWS_REGION: "eu-west-1",
});

describe.runIf(present)("verify against a real Prometheus query API", { timeout: 60_000 }, () => {
  it("says where drops continue, and signs the query with SigV4 for aps", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env());
    try {
      const at = String(T0 + 60 * 60);
      const result = await verifyCommand(
        [
          "--cluster",
          "prod",
          "--nodes",
          "n-stopped,n-dropping,n-quiet",
          "--query-url",
          proxyUrl,
          "--since",
          "90m",
          "--at",
          at,
          "--json",
        ],
        process.env,
      );
      const verdict = JSON.parse(result.output);
      expect(result.code).toBe(1);
      expect(verdict.summary).toBe("still dropping on 1 of 3 node(s): n-dropping");
      const byNode = Object.fromEntries(
        verdict.nodes.map((v: { node: string; state: string }) => [v.node, v.state]),
      );
      expect(byNode).toEqual({ "n-stopped": "stopped", "n-dropping": "dropping", "n-quiet": "no-drops" });
      expect(checked.at(-1)?.valid).toBe(true);
    } finally {
      process.env = saved;
    }
  });

  it("says when the drops stopped once they did everywhere", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env());
    try {
      const result = await verifyCommand(
        [
          "--cluster",
          "prod",
          "--nodes",
          "n-stopped,n-quiet",
          "--query-url",
          proxyUrl,
          "--since",
          "90m",
          "--at",
          String(T0 + 60 * 60),
        ],
        process.env,
      );
      expect(result.code).toBe(0);
      // The counter stopped rising at T0+20m; the 2m rate sees the last rise by then.
      const stoppedAt = new Date((T0 + 20 * 60) * 1000).toISOString().slice(11, 16);
      const lastRise = new Date((T0 + 21 * 60) * 1000).toISOString().slice(11, 16);
      expect([
        `drops stopped at ${stoppedAt} UTC on every node\n`,
        `drops stopped at ${lastRise} UTC on every node\n`,
      ]).toContain(result.output);
    } finally {
      process.env = saved;
    }
  });

  it("is refused by the checking proxy when the signature is wrong (no credentials match)", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env(), { AWS_SECRET_ACCESS_KEY: "another-secret" });
    try {
      await expect(
        verifyCommand(
          [
            "--cluster",
            "prod",
            "--nodes",
            "n-stopped",
            "--query-url",
            proxyUrl,
            "--since",
            "90m",
            "--at",
            String(T0 + 3600),
          ],
          process.env,
        ),
      ).rejects.toThrow(/answered 403/);
      expect(checked.at(-1)?.valid).toBe(false);
    } finally {
      process.env = saved;
    }
  });
});
