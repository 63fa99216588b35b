import {
  DescribeAddonCommand,
  DescribeClusterCommand,
  EKSClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-eks";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sampleFiles } from "../../scripts/make-samples.ts";
import { decodeEksToken } from "../../shared/cluster/eks-token.ts";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";
import { SAMPLE_SCENARIO } from "../../sim/scenarios.ts";
import { startSimulator } from "../support/cluster-sim.ts";
import { testPki } from "../support/cluster-tls.ts";

// The whole ingest Lambda path against a simulated EKS cluster: DescribeCluster (mocked SDK) for the endpoint
// and CA, a real IAM token presigned from the function's credentials, HTTPS with the cluster CA, the real
// Kubernetes REST reads, diagnosis, and the publish (mocked SDK).
const sns = mockClient(SNSClient);
const eks = mockClient(EKSClient);
const event = sampleFiles()["aws-json-template.json"];

async function loadHandler() {
  vi.resetModules();
  vi.stubEnv("INTERNAL_TOPIC_ARN", "arn:aws:sns:us-east-1:111122223333:internal");
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv("EKS_CLUSTER_NAME", "sim-prod");
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
  return (await import("../../functions/ingest/index.ts")).handler;
}

function publishedGroup(): EnrichedAlertGroup {
  const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
  return JSON.parse(input?.Message ?? "null") as EnrichedAlertGroup;
}

beforeEach(() => {
  sns.reset();
  eks.reset();
  sns.on(PublishCommand).resolves({ MessageId: "internal-1" });
  eks
    .on(DescribeAddonCommand)
    .rejects(new ResourceNotFoundException({ message: "No addon: coredns", $metadata: {} }));
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("ingest handler on EKS", () => {
  it("enriches from the cluster with an IAM token over TLS and publishes the diagnosis", async () => {
    const tokens: string[] = [];
    const { sim } = await startSimulator({
      scenario: SAMPLE_SCENARIO,
      tls: { cert: testPki.serverCert, key: testPki.serverKey },
      auth: {
        tokens: (token) => {
          tokens.push(token);
          return token.startsWith("k8s-aws-v1.")
            ? "arn:aws:sts::111122223333:assumed-role/ingest/fn"
            : undefined;
        },
      },
    });
    eks.on(DescribeClusterCommand).resolves({
      cluster: {
        name: "sim-prod",
        status: "ACTIVE",
        endpoint: sim.url,
        certificateAuthority: { data: Buffer.from(testPki.ca).toString("base64") },
      },
    });
    const handler = await loadHandler();
    await handler(event);

    const group = publishedGroup();
    expect(group.alerts.map((a) => a.node?.name)).toEqual([
      "ip-10-12-0-6.ec2.internal",
      "ip-10-10-0-4.ec2.internal",
      "ip-10-11-0-4.ec2.internal",
    ]);
    expect(group.alerts[0]?.node).toMatchObject({
      capacityType: "spot",
      hostsCoreDNS: true,
      runsNodeLocalDNS: false,
    });
    expect(group.coredns?.colocatedNodes).toEqual(["ip-10-12-0-6.ec2.internal"]);
    expect(group.coredns?.replicaController.kind).toBe("deployment");
    expect(group.diagnosis.map((d) => d.code)).toEqual(
      expect.arrayContaining([
        "COREDNS_ON_THROTTLED_NODE",
        "COREDNS_COLOCATED",
        "COREDNS_ON_SPOT",
        "NODELOCAL_DNS_ABSENT",
      ]),
    );
    expect(eks.commandCalls(DescribeClusterCommand)[0]?.args[0].input).toEqual({ name: "sim-prod" });

    // The bearer token is a presigned STS GetCallerIdentity URL bound to this cluster.
    expect(tokens.length).toBeGreaterThan(0);
    const url = decodeEksToken(tokens[0] ?? "");
    expect(url.host).toBe("sts.us-east-1.amazonaws.com");
    expect(url.searchParams.get("Action")).toBe("GetCallerIdentity");
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toContain("x-k8s-aws-id");
  });

  it("still publishes every alert, with ENRICHMENT_UNAVAILABLE, when the cluster does not exist", async () => {
    eks
      .on(DescribeClusterCommand)
      .rejects(
        new ResourceNotFoundException({ message: "No cluster found for name: sim-prod.", $metadata: {} }),
      );
    const handler = await loadHandler();
    await handler(event);

    const group = publishedGroup();
    expect(group.alerts).toHaveLength(3);
    expect(group.alerts.every((a) => a.node === null && a.enrichmentError)).toBe(true);
    expect(group.diagnosis.map((d) => d.code)).toEqual(["ENRICHMENT_UNAVAILABLE"]);
    expect(group.diagnosis[0]?.reason).toMatch(/sim-prod/);
  });

  it("does not enrich an alert about another cluster from the configured one", async () => {
    const handler = await loadHandler();
    const other = JSON.parse(JSON.stringify(event).replaceAll("sim-prod", "other-cluster"));
    await handler(other);

    const group = publishedGroup();
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(0);
    expect(group.alerts[0]?.enrichmentError).toBe(
      'the alert is for cluster "other-cluster" but this deployment enriches from "sim-prod"',
    );
  });
});
