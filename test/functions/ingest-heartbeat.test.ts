import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HEARTBEAT_ALERTNAME } from "../../shared/ingest/heartbeat.ts";
import { METRICS_NAMESPACE, MetricName } from "../../shared/metrics/names.ts";
import { linkLocalGroup, renderAwsJsonTemplate, snsLambdaEvent } from "../../sim/alertmanager-messages.ts";
import { stubLambdaEnv } from "../support/lambda-env.ts";

/** The heartbeat through the ingest handler: counted as an EMF metric, never published, never enriched. */
const sns = mockClient(SNSClient);
const eks = mockClient(EKSClient);
type Handler = (event: unknown) => Promise<{ published: number; heartbeats: number }>;
let ingest: Handler;
const emf: Record<string, unknown>[] = [];

beforeAll(async () => {
  stubLambdaEnv({
    INTERNAL_TOPIC_ARN: "arn:aws:sns:eu-west-1:111122223333:internal",
    EKS_CLUSTER_NAME: "prod-eks-1",
  });
  sns.on(PublishCommand).resolves({ MessageId: "internal-1" });
  // Powertools Metrics writes one EMF JSON document per flush on stdout.
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk);
    for (const line of text.split("\n")) {
      if (line.includes('"_aws"')) emf.push(JSON.parse(line));
    }
    return true;
  });
  ingest = (await import("../../functions/ingest/index.ts")).handler as unknown as Handler;
});
afterAll(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function heartbeatEvent(messageId: string) {
  const group = linkLocalGroup({ count: 1, cluster: "prod-eks-1" });
  group.groupLabels = { alertname: HEARTBEAT_ALERTNAME, cluster: "prod-eks-1" };
  for (const alert of group.alerts) {
    alert.labels = { alertname: HEARTBEAT_ALERTNAME, cluster: "prod-eks-1", severity: "none" };
    alert.annotations = { summary: "linklocal-sentinel heartbeat" };
  }
  return snsLambdaEvent([{ body: renderAwsJsonTemplate(group), messageId }]);
}

describe("the heartbeat through ingest", () => {
  it("is recorded as the Heartbeats metric, and neither enriched nor published", async () => {
    const before = emf.length;
    const result = await ingest(heartbeatEvent("hb-1"));
    expect(result).toEqual({ published: 0, heartbeats: 1 });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(0);
    const [document] = emf.slice(before);
    expect(document).toMatchObject({ [MetricName.heartbeats]: 1, service: "linklocal-sentinel" });
    const aws = document?._aws as
      | { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] }
      | undefined;
    const directive = aws?.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive?.Metrics.map((m) => m.Name)).toEqual([MetricName.heartbeats]);
  });

  it("counts every heartbeat of an event, beside real alerts that are published", async () => {
    const before = emf.length;
    const real = snsLambdaEvent([
      {
        body: renderAwsJsonTemplate(linkLocalGroup({ count: 2, cluster: "prod-eks-1" })),
        messageId: "real-1",
      },
    ]);
    const mixed = {
      Records: [...heartbeatEvent("hb-2").Records, ...real.Records, ...heartbeatEvent("hb-3").Records],
    };
    expect(await ingest(mixed)).toEqual({ published: 1, heartbeats: 2 });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    // One EMF document per invocation holds the totals; two additions of a metric are values CloudWatch sums.
    const documents = emf.slice(before).filter((d) => MetricName.heartbeats in d);
    expect(documents).toHaveLength(1);
    expect([documents[0]?.[MetricName.heartbeats]].flat()).toEqual([1, 1]);
  });
});
