import {
  AccessDeniedException,
  DescribeAddonCommand,
  DescribeClusterCommand,
  EKSClient,
  ResourceNotFoundException,
  ServerException,
} from "@aws-sdk/client-eks";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { sampleFiles } from "../../scripts/make-samples.ts";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";
import { decodeGroupBody } from "../../shared/model/internal-message.ts";
import type { KubeApiServerOptions } from "../../sim/kube-api-server.ts";
import { SAMPLE_SCENARIO } from "../../sim/scenarios.ts";
import { startSimulator } from "../support/cluster-sim.ts";
import { testPki } from "../support/cluster-tls.ts";
import { invokeAsync } from "../support/lambda-async.ts";
import { stubLambdaEnv } from "../support/lambda-env.ts";
import { startSnsStandIn } from "../support/real-alertmanager.ts";

/**
 * Fault drills over the real ingest handler: the real SNS client publishing to a loopback SNS that fails on
 * demand, and the simulated Kubernetes API (403, 5xx, hung) behind a mocked DescribeCluster. Lambda's async
 * retries apply (3 attempts, then the failure queue). Counted: groups published, parked, lost, doubled.
 */
const eks = mockClient(EKSClient);
let sns: Awaited<ReturnType<typeof startSnsStandIn>>;
let run = 0;

function event() {
  run++;
  const sample = structuredClone(sampleFiles()["aws-json-template.json"]) as {
    Records: { Sns: { MessageId: string } }[];
  };
  for (const record of sample.Records) record.Sns.MessageId = `amp-ingest-drill-${run}`;
  return sample;
}

async function drill(simOptions: Partial<Omit<KubeApiServerOptions, "cluster">> | null) {
  if (simOptions !== null) {
    const { sim } = await startSimulator({
      scenario: SAMPLE_SCENARIO,
      tls: { cert: testPki.serverCert, key: testPki.serverKey },
      ...simOptions,
    });
    eks.on(DescribeClusterCommand).resolves({
      cluster: {
        name: "sim-prod",
        status: "ACTIVE",
        endpoint: sim.url,
        certificateAuthority: { data: Buffer.from(testPki.ca).toString("base64") },
      },
    });
  }
  // A new execution environment per drill: a warm one keeps the cluster endpoint of an earlier simulator.
  vi.resetModules();
  const { handler } = await import("../../functions/ingest/index.ts");
  const before = sns.publishes.length;
  const { parked } = await invokeAsync(() => handler(event()));
  const published = sns.publishes
    .slice(before)
    .map((p) => decodeGroupBody(JSON.parse(p.message)) as EnrichedAlertGroup);
  return {
    counts: {
      published: published.length,
      parked: parked ? 1 : 0,
      lost: published.length === 0 && !parked ? 1 : 0,
      doubled: Math.max(0, published.length - 1),
    },
    group: published[0],
  };
}

beforeAll(async () => {
  sns = await startSnsStandIn();
  stubLambdaEnv(
    {
      INTERNAL_TOPIC_ARN: "arn:aws:sns:us-east-1:111122223333:internal",
      EKS_CLUSTER_NAME: "sim-prod",
      AWS_ENDPOINT_URL_SNS: sns.url,
      ENRICH_DEADLINE_MS: "2000",
      KUBE_TIMEOUT_MS: "1000",
      CLUSTER_FACTS_CACHE_SECONDS: "0",
    },
    "us-east-1",
  );
});
beforeEach(() => {
  eks.reset();
  eks.on(DescribeAddonCommand).rejects(new ResourceNotFoundException({ message: "No addon", $metadata: {} }));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await sns.close();
});

describe("SNS faults", () => {
  it("500 twice: the SDK retries within the invocation; published once", async () => {
    sns.failNext(500, 500);
    const { counts } = await drill({});
    expect(counts).toEqual({ published: 1, parked: 0, lost: 0, doubled: 0 });
  }, 60_000);

  it("400 on every attempt: parked in the failure queue, not lost", async () => {
    // A 400 is final: the SDK does not retry it, so each of Lambda's 3 attempts meets one.
    sns.failNext(400, 400, 400);
    const { counts } = await drill({});
    expect(counts).toEqual({ published: 0, parked: 1, lost: 0, doubled: 0 });
  }, 60_000);
});

describe("Kubernetes faults never block delivery", () => {
  it.each<[string, Partial<KubeApiServerOptions>, RegExp]>([
    ["403 on nodes", { forbidden: [{ verb: "list", resource: "nodes" }] }, /403|forbidden/i],
    ["5xx on every read", { failure: { mode: "status-500" } }, /HTTP 500|5\d\d|failed/i],
    ["hung API server", { delayMs: 30_000 }, /took longer than 2000 ms|did not answer/],
  ])(
    "%s: published once, every alert kept, the reason in one finding",
    async (_, options, reason) => {
      const { counts, group } = await drill(options);
      expect(counts).toEqual({ published: 1, parked: 0, lost: 0, doubled: 0 });
      expect(group?.alerts).toHaveLength(3);
      const unavailable = group?.diagnosis.find((d) => d.code === "ENRICHMENT_UNAVAILABLE");
      expect(unavailable?.reason).toMatch(reason);
    },
    60_000,
  );
});

describe("EKS faults never block delivery", () => {
  it.each([
    [
      "403 (AccessDenied)",
      new AccessDeniedException({ message: "not authorized", $metadata: { httpStatusCode: 403 } }),
    ],
    ["5xx", new ServerException({ message: "internal", $metadata: { httpStatusCode: 500 } })],
  ])(
    "DescribeCluster %s: published once, every alert kept, the reason in one finding",
    async (_, error) => {
      eks.on(DescribeClusterCommand).rejects(error);
      const { counts, group } = await drill(null);
      expect(counts).toEqual({ published: 1, parked: 0, lost: 0, doubled: 0 });
      expect(group?.alerts).toHaveLength(3);
      expect(group?.diagnosis.map((d) => d.code)).toEqual(["ENRICHMENT_UNAVAILABLE"]);
    },
    60_000,
  );
});
