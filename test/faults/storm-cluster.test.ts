import {
  DescribeAddonCommand,
  DescribeClusterCommand,
  EKSClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-eks";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";
import { decodeGroupBody } from "../../shared/model/internal-message.ts";
import {
  linkLocalGroup,
  renderAwsJsonTemplate,
  renderWebhookV4,
  snsLambdaEvent,
  truncateLikeAmp,
} from "../../sim/alertmanager-messages.ts";
import { generateCluster } from "../../sim/cluster-generator.ts";
import { describeClusterOutput } from "../../sim/eks-responses.ts";
import { type KubeApiSimulator, startKubeApiServer } from "../../sim/kube-api-server.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { alertsInEvent } from "../support/amp-message.ts";
import { testPki } from "../support/cluster-tls.ts";
import { internalIp } from "../support/enrich-fixtures.ts";
import { stubLambdaEnv } from "../support/lambda-env.ts";
import { lambdaContext } from "../support/routing-lambda.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

/**
 * A storm against a 5,000-node cluster: every alert that reached ingest is enriched with its node's facts,
 * crosses the internal topic under SNS's 256 KiB limit, and reaches what Slack and PagerDuty receive.
 */
const cluster = generateCluster({ ...ScenarioPresets.huge, clusterName: "prod-eks-1" });
const sns = mockClient(SNSClient);
const eks = mockClient(EKSClient);
let sim: KubeApiSimulator;
let slack: CountingWebhook;
let pagerDuty: CountingWebhook;
type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
let ingest: Handler;
let notifySlack: Handler;
let notifyPagerDuty: Handler;

beforeAll(async () => {
  sim = await startKubeApiServer({ cluster, tls: { cert: testPki.serverCert, key: testPki.serverKey } });
  slack = await startCountingWebhook();
  pagerDuty = await startCountingWebhook();
  stubLambdaEnv({
    INTERNAL_TOPIC_ARN: "arn:aws:sns:eu-west-1:111122223333:internal",
    EKS_CLUSTER_NAME: "prod-eks-1",
    // A generous deadline: this test is about what arrives, not how fast a busy machine reads 5,000 nodes.
    ENRICH_DEADLINE_MS: "120000",
    KUBE_TIMEOUT_MS: "60000",
    ROUTES: "default => slack, pagerduty",
    SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/x`,
    PAGERDUTY_ROUTING_KEY: "R0UTINGKEY0123456789abcdef012345",
    PAGERDUTY_EVENTS_URL: pagerDuty.url,
  });
  sns.on(PublishCommand).resolves({ MessageId: "internal-storm" });
  eks.on(DescribeClusterCommand).resolves(describeClusterOutput(cluster, sim.url, testPki.ca));
  eks.on(DescribeAddonCommand).rejects(new ResourceNotFoundException({ message: "no addon", $metadata: {} }));
  ingest = (await import("../../functions/ingest/index.ts")).handler as Handler;
  notifySlack = (await import("../../functions/notify-slack/index.ts")).handler as Handler;
  notifyPagerDuty = (await import("../../functions/notify-pagerduty/index.ts")).handler as Handler;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([sim.stop(), slack.close(), pagerDuty.close()]);
});

/** Alert i is the hostNetwork exporter on node i: its `instance` is the node's InternalIP. */
const onNode = (i: number) => `${internalIp(cluster, cluster.nodes[i]?.metadata.name as string)}:9417`;

describe("storms on a 5,000-node cluster", () => {
  it.each([
    [
      "a 1,000-alert webhook group",
      () => snsLambdaEvent([{ body: renderWebhookV4(linkLocalGroup({ count: 1_000, instance: onNode })) }]),
    ],
    [
      "a 256 KB AMP body cut at the limit",
      () =>
        snsLambdaEvent([
          truncateLikeAmp(renderAwsJsonTemplate(linkLocalGroup({ count: 1_500, instance: onNode }))),
        ]),
    ],
  ])(
    "%s: every alert, with its node's facts, reaches both notifiers under the SNS limit",
    async (_, makeEvent) => {
      sns.resetHistory();
      const event = makeEvent();
      const received = alertsInEvent(event).map((a) => a.fingerprint);
      expect(received.length).toBeGreaterThan(380);
      await ingest(event);
      const message = sns.commandCalls(PublishCommand).at(-1)?.args[0].input.Message ?? "";
      expect(Buffer.byteLength(message, "utf8")).toBeLessThanOrEqual(256 * 1024);
      const group = decodeGroupBody(JSON.parse(message)) as EnrichedAlertGroup;
      expect(group.alerts.map((a) => a.fingerprint).sort()).toEqual([...received].sort());
      expect(group.alerts.filter((a) => a.node?.instanceType == null)).toEqual([]);

      const record = { Records: [{ Sns: { MessageId: `internal-${received.length}`, Message: message } }] };
      const [slackBefore, pdBefore] = [slack.delivered.length, pagerDuty.delivered.length];
      await notifySlack(record, lambdaContext("notify-slack"));
      await notifyPagerDuty(record, lambdaContext("notify-pagerduty"));
      expect(slack.delivered.length - slackBefore).toBe(1);
      expect(pagerDuty.delivered.length - pdBefore).toBe(1);
      const sent = JSON.parse(pagerDuty.delivered.at(-1)?.body ?? "{}") as {
        payload: {
          custom_details: { node_count: number; nodes: { name: string; instance_type: string | null }[] };
        };
      };
      const details = sent.payload.custom_details;
      expect(details.node_count).toBe(received.length);
      expect(new Set(details.nodes.map((n) => n.name))).toEqual(
        new Set(group.alerts.map((a) => a.node?.name)),
      );
      expect(details.nodes.filter((n) => n.instance_type === null)).toEqual([]);
      expect(slack.delivered.at(-1)?.body).toContain(`${received.length} nodes`);
    },
    180_000,
  );
});
