import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCommand } from "../../cli/verify.ts";
import { debianToolsPresent } from "../support/debian-tools.ts";
import {
  AMP_TEST_KEYS,
  type AmpStandIn,
  dropCounterOpenMetrics,
  startAmpStandIn,
} from "../support/prometheus-stand.ts";

/**
 * `verify` against a real Prometheus query API: Debian's `prometheus` serving data backfilled with
 * `promtool tsdb create-blocks-from openmetrics` (one node whose drops stop, one that keeps dropping, one
 * that never dropped), behind a proxy that checks the SigV4 signature itself before forwarding.
 */
const present = debianToolsPresent(["prometheus", "promtool"], "verify against Prometheus");
const KEYS = AMP_TEST_KEYS;
const T0 = (Math.floor(Date.now() / 60_000) * 60 - 2 * 3600) as number;
let amp: AmpStandIn | undefined;
let proxyUrl = "";
const checked = () => amp?.checked ?? [];

beforeAll(async () => {
  if (!present) return;
  amp = await startAmpStandIn(
    dropCounterOpenMetrics(T0, 60, {
      "n-stopped": (i) => Math.min(i, 20) * 600,
      "n-dropping": (i) => i * 600,
      "n-quiet": () => 5,
    }),
  );
  proxyUrl = amp.queryUrl;
}, 120_000);

afterAll(async () => {
  await amp?.stop();
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
      expect(checked().at(-1)?.valid).toBe(true);
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
      expect(checked().at(-1)?.valid).toBe(false);
    } finally {
      process.env = saved;
    }
  });
});
