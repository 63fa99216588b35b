import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { EnrichedAlertGroup, VerificationReport } from "../../shared/model/index.ts";
import { type BundleHandler, importHandler, samBuild, samBuildDir } from "../support/bundles.ts";
import { debianToolsPresent } from "../support/debian-tools.ts";
import { nodeFacts } from "../support/enrich-diagnosis.ts";
import { startHungServer } from "../support/hung-server.ts";
import {
  AMP_TEST_KEYS,
  type AmpStandIn,
  dropCounterOpenMetrics,
  startAmpStandIn,
} from "../support/prometheus-stand.ts";
import { startSnsStandIn } from "../support/real-alertmanager.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { lambdaContext, verifyQueueEvent } from "../support/routing-lambda.ts";
import { scaleReportFixture } from "../support/scale-fixtures.ts";

/**
 * The shipped verify-drops bundle, as SQS invokes it from the verify queue: a real Prometheus query API over
 * backfilled drops (one node whose drops stopped 60 minutes ago, one still dropping) behind a SigV4-checking
 * proxy, and an SNS stand-in that receives the follow-ups.
 */
const present = debianToolsPresent(["prometheus", "promtool"], "verify-drops against Prometheus");
const MINUTES = 90;
const T0 = Math.floor(Date.now() / 60_000) * 60 - MINUTES * 60;
const build = samBuildDir();
let amp: AmpStandIn;
let sns: Awaited<ReturnType<typeof startSnsStandIn>>;
let bundle: string;

beforeAll(async () => {
  if (!present) return;
  amp = await startAmpStandIn(
    dropCounterOpenMetrics(T0, MINUTES, {
      "n-stopped": (i) => Math.min(i, 30) * 600,
      "n-dropping": (i) => i * 600,
    }),
  );
  sns = await startSnsStandIn();
  bundle = await samBuild("VerifyDropsFunction", build.path);
}, 180_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await amp?.stop();
  await sns?.close();
  build.remove();
});

const INTERNAL_TOPIC_ARN = "arn:aws:sns:eu-west-1:111122223333:internal";

function load(env: Record<string, string> = {}): Promise<BundleHandler> {
  return importHandler(bundle, {
    AWS_ACCESS_KEY_ID: AMP_TEST_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: AMP_TEST_KEYS.secretAccessKey,
    AMP_QUERY_URL: amp.queryUrl,
    INTERNAL_TOPIC_ARN,
    AWS_ENDPOINT_URL_SNS: sns.url,
    VERIFY_FOLLOWS_SCALE_REPORTS: "true",
    ...env,
  });
}

/** A firing group about both nodes, the first alert 10 minutes into the data. */
function group(routes: EnrichedAlertGroup["routes"]): EnrichedAlertGroup {
  const base = enrichedGroup({ cluster: "prod", routes });
  const alert = base.alerts[0] as EnrichedAlertGroup["alerts"][number];
  const startsAt = new Date((T0 + 600) * 1000).toISOString();
  return {
    ...base,
    alerts: [
      { ...alert, startsAt, labels: { ...alert.labels, node: "n-stopped" }, node: nodeFacts("n-stopped") },
      {
        ...alert,
        fingerprint: "f-2",
        startsAt,
        labels: { ...alert.labels, node: "n-dropping" },
        node: nodeFacts("n-dropping"),
      },
    ],
  };
}

function published(): { report: VerificationReport; attributes: Record<string, string> }[] {
  return sns.publishes.splice(0).map((p) => ({
    report: JSON.parse(p.message) as VerificationReport,
    attributes: p.attributes,
  }));
}

const hhmm = (seconds: number) => new Date(seconds * 1000).toISOString().slice(11, 16);

describe.runIf(present)("the verify-drops bundle", { timeout: 120_000 }, () => {
  it("follows up a firing group: the node still dropping named, a next step, SigV4-signed query", async () => {
    const handler = await load();
    const g = group(["slack", "pagerduty"]);
    const result = await handler(verifyQueueEvent([{ message: g }]), lambdaContext("verify-drops"));
    expect(result).toEqual({ batchItemFailures: [] });
    const [sent, ...more] = published();
    expect(more).toEqual([]);
    expect(sent?.attributes).toEqual({
      routes: '["slack","pagerduty"]',
      kind: "verification",
      cluster: "prod",
      alertname: "LinkLocalAllowanceExceeded",
    });
    expect(sent?.report).toMatchObject({
      kind: "verification",
      messageId: g.source.messageId,
      checked: true,
      stopped: false,
      summary: "still dropping on 1 of 2 node(s): n-dropping",
      after: null,
    });
    expect(sent?.report.next).toContain("linklocal-sentinel verify --cluster prod --nodes n-dropping");
    const states = Object.fromEntries(sent?.report.nodes.map((n) => [n.node, n.state]) ?? []);
    expect(states).toEqual({ "n-stopped": "stopped", "n-dropping": "dropping" });
    expect(amp.checked.at(-1)?.valid).toBe(true);
  });

  it("follows up the scaler's report, after the scale-up, saying what was done", async () => {
    const handler = await load();
    const report = scaleReportFixture({
      cluster: "prod",
      nodes: ["n-stopped"],
      firstFiringAt: new Date((T0 + 600) * 1000).toISOString(),
      routes: ["slack"],
    });
    await handler(verifyQueueEvent([{ message: report }]), lambdaContext("verify-drops"));
    const [sent] = published();
    // The counter's last rise is at minute 30; the 2m rate sees it until about a minute later.
    expect([
      `drops stopped at ${hhmm(T0 + 30 * 60)} UTC on every node, after scaling CoreDNS from 2 to 3`,
      `drops stopped at ${hhmm(T0 + 31 * 60)} UTC on every node, after scaling CoreDNS from 2 to 3`,
    ]).toContain(sent?.report.summary);
    expect(sent?.report).toMatchObject({ stopped: true, checked: true, next: null, routes: ["slack"] });
  });

  it("leaves a group routed to the scaler to the scaler's report, and checks it when the scaler is off", async () => {
    const g = group(["slack", "coredns-scale"]);
    const withScaler = await load();
    expect(await withScaler(verifyQueueEvent([{ message: g }]), lambdaContext("verify-drops"))).toEqual({
      batchItemFailures: [],
    });
    expect(published()).toEqual([]);
    const scalerOff = await load({ VERIFY_FOLLOWS_SCALE_REPORTS: "false" });
    await scalerOff(verifyQueueEvent([{ message: g }]), lambdaContext("verify-drops"));
    expect(published().map((p) => p.report.routes)).toEqual([["slack"]]);
  });

  it("hands a record back to SQS while AMP hangs, and says 'not verified' on the last receive", async () => {
    const hung = await startHungServer();
    try {
      const handler = await load({
        AMP_QUERY_URL: `${hung.url}/workspaces/ws-test/`,
        AMP_QUERY_TIMEOUT_MS: "1000",
      });
      const g = group(["slack"]);
      const first = await handler(
        verifyQueueEvent([{ message: g, receiveCount: 1 }]),
        lambdaContext("verify-drops"),
      );
      expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: expect.any(String) }] });
      expect(published()).toEqual([]);
      const last = await handler(
        verifyQueueEvent([{ message: g, receiveCount: 5 }]),
        lambdaContext("verify-drops"),
      );
      expect(last).toEqual({ batchItemFailures: [] });
      const [sent] = published();
      expect(sent?.report).toMatchObject({ checked: false, stopped: false, nodes: [] });
      expect(sent?.report.summary).toBe(
        `could not ask AMP whether the drops stopped: the PromQL query to ${hung.url} failed: no answer within 1000 ms`,
      );
      expect(hung.connections()).toBeGreaterThan(0);
    } finally {
      await hung.close();
    }
  });

  it("fails a record that is not a message of the internal topic, so it reaches the dead-letter queue", async () => {
    const handler = await load();
    const result = await handler(
      verifyQueueEvent([{ message: "not json" }, { message: { schemaVersion: 1, kind: "verification" } }]),
      lambdaContext("verify-drops"),
    );
    expect(result).toEqual({
      batchItemFailures: [
        { itemIdentifier: "0d7f5a8e-0000-4000-8000-000000000000" },
        { itemIdentifier: "0d7f5a8e-0000-4000-8000-000000000001" },
      ],
    });
    expect(published()).toEqual([]);
  });

  it("never says 'Drops stopped' for a node AMP holds no counter for (a cluster label that does not match)", async () => {
    const handler = await load({ CLUSTER_LABEL: "eks_cluster" });
    await handler(verifyQueueEvent([{ message: group(["slack"]) }]), lambdaContext("verify-drops"));
    const [sent] = published();
    expect(sent?.report).toMatchObject({ checked: true, stopped: false });
    expect(sent?.report.summary).toBe(
      "no drop counter in AMP for 2 of 2 node(s): n-dropping, n-stopped (check the cluster and node labels of the series)",
    );
    expect(sent?.report.nodes.map((n) => n.state)).toEqual(["no-data", "no-data"]);
  });
});
