import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { findBinary } from "./debian-tools.ts";
import { freePort } from "./real-alertmanager.ts";

/** The keys the AMP stand-in accepts; a query signed with anything else gets 403. */
export const AMP_TEST_KEYS = { accessKeyId: "AKIDVERIFYTEST", secretAccessKey: "verify-test-secret" };

/** Samples of the drop counter: one OpenMetrics line per node and minute, value by minute index. */
export function dropCounterOpenMetrics(
  startSeconds: number,
  minutes: number,
  valueAt: Record<string, (minute: number) => number>,
): string {
  const lines = ["# TYPE node_ethtool_linklocal_allowance_exceeded gauge"];
  for (let i = 0; i <= minutes; i++) {
    for (const [node, value] of Object.entries(valueAt)) {
      lines.push(
        `node_ethtool_linklocal_allowance_exceeded{cluster="prod",device="eth0",node="${node}"} ${value(i)} ${startSeconds + i * 60}`,
      );
    }
  }
  return `${lines.join("\n")}\n# EOF\n`;
}

export interface AmpStandIn {
  /** Like an AMP workspace's Prometheus endpoint: .../workspaces/ws-test/ */
  queryUrl: string;
  /** Every query's signature, checked independently by re-signing with the test keys. */
  checked: { authorization: string; valid: boolean }[];
  stop(): Promise<void>;
}

/**
 * Debian's real `prometheus` serving data backfilled by `promtool tsdb create-blocks-from openmetrics`,
 * behind a loopback proxy that checks the SigV4 signature (service `aps`, region eu-west-1) before forwarding:
 * what an AMP workspace's query API does, as far as this machine can run it.
 */
export async function startAmpStandIn(openMetrics: string): Promise<AmpStandIn> {
  const dir = mkdtempSync(join(tmpdir(), "linklocal-amp-"));
  writeFileSync(join(dir, "data.om"), openMetrics);
  execFileSync(
    findBinary("promtool") as string,
    ["tsdb", "create-blocks-from", "openmetrics", join(dir, "data.om"), join(dir, "db")],
    { stdio: "ignore" },
  );
  writeFileSync(join(dir, "prometheus.yml"), "global: {}\n");
  const port = await freePort();
  const prometheus: ChildProcess = spawn(
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
  const checked: AmpStandIn["checked"] = [];
  const proxy: Server = createServer((req, res) => {
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
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    queryUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/workspaces/ws-test/`,
    checked,
    stop: async () => {
      prometheus.kill();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Re-signs what arrived with the test keys and compares: the request was signed as SigV4 for `aps`. */
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
  const signer = new SignatureV4({
    credentials: AMP_TEST_KEYS,
    region: "eu-west-1",
    service: "aps",
    sha256: Sha256,
  });
  const expected = await signer.sign(request, { signingDate });
  return (
    expected.headers.authorization === authorization &&
    /Credential=AKIDVERIFYTEST\/\d{8}\/eu-west-1\/aps\/aws4_request/.test(authorization)
  );
}
