import type { SNSClient } from "@aws-sdk/client-sns";
import { PublishCommand } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SnsPublisher } from "../../shared/ingest/index.ts";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";
import { decodeGroupBody } from "../../shared/model/internal-message.ts";
import { snsLambdaEvent } from "../../sim/alertmanager-messages.ts";
import { stubLambdaEnv } from "../support/lambda-env.ts";
import { type CapturedPublish, startSnsStandIn } from "../support/real-alertmanager.ts";

/**
 * A lone surrogate in the cluster, alertname or severity label used to make the SDK throw while serialising
 * the Publish, on every retry, and leave a half-written body that the next Publish from the same warm client
 * sent with its own (TopicArn and Message twice). Here the real SDK client publishes to a loopback SNS.
 */
const TOPIC = "arn:aws:sns:eu-west-1:111122223333:internal";
let sns: Awaited<ReturnType<typeof startSnsStandIn>>;
let handler: (event: unknown) => Promise<unknown>;

function webhookBody(cluster: string, alertname: string, severity: string): string {
  return JSON.stringify({
    version: "4",
    status: "firing",
    receiver: "sns",
    groupKey: "{}",
    alerts: [
      {
        status: "firing",
        labels: { alertname, cluster, severity, instance: "10.0.0.4:9100" },
        annotations: {},
      },
    ],
  });
}

function occurrences(publish: CapturedPublish, key: string): number {
  return [...new URLSearchParams(publish.rawBody).keys()].filter((k) => k === key).length;
}

beforeAll(async () => {
  sns = await startSnsStandIn();
  stubLambdaEnv({
    INTERNAL_TOPIC_ARN: TOPIC,
    AWS_ENDPOINT_URL_SNS: sns.url,
    ENRICH_DEADLINE_MS: "500",
    AWS_ENDPOINT_URL_EKS: "http://127.0.0.1:9",
  });
  ({ handler } = await import("../../functions/ingest/index.ts"));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await sns.close();
});

describe("a poisoned value followed by a clean one", () => {
  it("publishes both, each body byte-correct, the poisoned labels made well-formed", async () => {
    const poisoned = webhookBody("prod-\ud800", "LinkLocal\udfff", "crit\ud83d");
    await handler(snsLambdaEvent([{ body: poisoned, messageId: "poisoned-1" }]));
    await handler(
      snsLambdaEvent([
        { body: webhookBody("clean", "LinkLocalAllowanceExceeded", "critical"), messageId: "clean-1" },
      ]),
    );

    expect(sns.publishes).toHaveLength(2);
    const [first, second] = sns.publishes as [CapturedPublish, CapturedPublish];
    for (const publish of [first, second]) {
      expect(occurrences(publish, "TopicArn")).toBe(1);
      expect(occurrences(publish, "Message")).toBe(1);
      expect(occurrences(publish, "Action")).toBe(1);
      expect(publish.topicArn).toBe(TOPIC);
    }
    expect(first.attributes).toMatchObject({
      cluster: "prod-\uFFFD",
      alertname: "LinkLocal\uFFFD",
      severity: "crit\uFFFD",
    });
    const clean = decodeGroupBody(JSON.parse(second.message)) as EnrichedAlertGroup;
    expect([clean.cluster, clean.source.messageId]).toEqual(["clean", "clean-1"]);
    expect(second.attributes).toMatchObject({ cluster: "clean", severity: "critical" });
  });
});

describe("SnsPublisher", () => {
  it("never reuses a client after a failed call", async () => {
    const clients: { sent: number }[] = [];
    const publisher = new SnsPublisher(() => {
      const client = { sent: 0 };
      clients.push(client);
      return {
        send: async () => {
          client.sent++;
          if (clients.length === 1) throw new URIError("URI malformed");
          return { MessageId: `m-${clients.length}` };
        },
      } as unknown as SNSClient;
    });
    const command = new PublishCommand({ TopicArn: TOPIC, Message: "{}" });
    await expect(publisher.publish(command)).rejects.toThrow(URIError);
    await expect(publisher.publish(command)).resolves.toBe("m-2");
    await expect(publisher.publish(command)).resolves.toBe("m-2");
    expect(clients.map((c) => c.sent)).toEqual([1, 2]);
  });
});
