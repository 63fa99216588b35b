import { AccessDeniedException, DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";
import { linkLocalGroup, renderAwsJsonTemplate, snsLambdaEvent } from "../../sim/alertmanager-messages.ts";

/** EksClusterName (EKS_CLUSTER_NAME) means one thing in the template, docs/configuration.md and the code. */
const sns = mockClient(SNSClient);
const eks = mockClient(EKSClient);

async function ingest(env: Record<string, string>): Promise<EnrichedAlertGroup> {
  vi.resetModules();
  vi.stubEnv("INTERNAL_TOPIC_ARN", "arn:aws:sns:eu-west-1:111122223333:internal");
  vi.stubEnv("AWS_REGION", "eu-west-1");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const { handler } = await import("../../functions/ingest/index.ts");
  await handler(
    snsLambdaEvent([{ body: renderAwsJsonTemplate(linkLocalGroup({ count: 2, cluster: "prod-eks-1" })) }]),
  );
  return JSON.parse(
    sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? "null",
  ) as EnrichedAlertGroup;
}

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: "internal-1" });
  eks.reset();
});
afterEach(() => vi.unstubAllEnvs());

describe("EKS_CLUSTER_NAME", () => {
  it("unset: nothing is enriched, no EKS call is made, and one finding says how to turn enrichment on", async () => {
    vi.stubEnv("EKS_CLUSTER_NAME", "");
    const group = await ingest({});
    expect(eks.calls()).toHaveLength(0);
    expect(group.alerts).toHaveLength(2);
    expect(group.diagnosis.map((d) => d.code)).toEqual(["ENRICHMENT_UNAVAILABLE"]);
    expect(group.diagnosis[0]?.reason).toContain("EKS_CLUSTER_NAME is not set");
    expect(group.diagnosis[0]?.fix).toMatch(/^Deploy the stack with EksClusterName set/);
  });

  it("denied eks:DescribeCluster: one clear finding, not a hint about node labels", async () => {
    eks
      .on(DescribeClusterCommand)
      .rejects(new AccessDeniedException({ message: "not authorized", $metadata: {} }));
    const group = await ingest({ EKS_CLUSTER_NAME: "prod-eks-1" });
    expect(group.diagnosis.map((d) => d.code)).toEqual(["ENRICHMENT_UNAVAILABLE"]);
    expect(group.diagnosis[0]?.reason).toContain('Not allowed to call eks:DescribeCluster on "prod-eks-1"');
    expect(group.diagnosis[0]?.fix).toMatch(/may not describe this cluster/);
    expect(group.diagnosis[0]?.fix).not.toMatch(/node label/);
  });

  it("set to another cluster than the alert's: not enriched, and the finding says one stack serves one cluster", async () => {
    const group = await ingest({ EKS_CLUSTER_NAME: "staging-eks" });
    expect(eks.calls()).toHaveLength(0);
    expect(group.diagnosis.map((d) => d.code)).toEqual(["ENRICHMENT_UNAVAILABLE"]);
    expect(group.diagnosis[0]?.fix).toMatch(/One stack enriches one cluster/);
  });
});
