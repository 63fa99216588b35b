import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { redriveQueue, regionOfQueueUrl } from "../../cli/redrive.ts";
import { ampMessagesFromFile } from "../../shared/ingest/index.ts";
import { linkLocalGroup, renderAwsJsonTemplate, snsLambdaEvent } from "../../sim/alertmanager-messages.ts";
import { CLI_TIMEOUT_MS, runCli } from "../support/cli.ts";
import { type SqsLambdaStandIn, startSqsLambdaStandIn } from "../support/sqs-lambda-stand-in.ts";

const QUEUE = "https://sqs.eu-west-1.amazonaws.com/111122223333/linklocal-sentinel-ingest-failures";
const INGEST = "arn:aws:lambda:eu-west-1:111122223333:function:linklocal-sentinel-ingest:$LATEST";
const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);

/** What Lambda writes to an on-failure destination for an event that failed for good. */
function onFailureRecord(event: unknown) {
  return {
    version: "1.0",
    timestamp: "2026-12-02T03:04:05.678Z",
    requestContext: {
      requestId: "r-1",
      functionArn: INGEST,
      condition: "RetriesExhausted",
      approximateInvokeCount: 3,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: { errorType: "PublishError", errorMessage: "1 of 1 messages failed" },
  };
}

const event = (id: string) =>
  snsLambdaEvent([{ body: renderAwsJsonTemplate(linkLocalGroup({ count: 1 })), messageId: id }]);
const parked = (id: string, body: unknown) => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Body: typeof body === "string" ? body : JSON.stringify(body),
});

async function redrive(options: { dryRun?: boolean; functionName?: string | null } = {}) {
  const lines: string[] = [];
  const summary = await redriveQueue({
    queueUrl: QUEUE,
    functionName: options.functionName ?? null,
    dryRun: options.dryRun ?? false,
    sqs: new SQSClient({ region: "eu-west-1" }),
    lambda: new LambdaClient({ region: "eu-west-1" }),
    print: (line) => lines.push(line),
  });
  return { summary, lines };
}

beforeEach(() => {
  sqs.reset();
  lambda.reset();
  sqs
    .on(ReceiveMessageCommand)
    .resolvesOnce({
      Messages: [
        parked("m-ok", onFailureRecord(event("amp-1"))),
        parked("m-again", onFailureRecord(event("amp-2"))),
        parked("m-junk", "not json"),
      ],
    })
    .resolves({ Messages: [] });
  lambda.on(InvokeCommand).callsFake((input: { Payload: Uint8Array }) => {
    const payload = JSON.parse(new TextDecoder().decode(input.Payload)) as ReturnType<typeof event>;
    const failing = payload.Records[0]?.Sns.MessageId === "amp-2";
    return failing
      ? {
          StatusCode: 200,
          FunctionError: "Unhandled",
          Payload: new TextEncoder().encode('{"errorType":"PublishError"}'),
        }
      : { StatusCode: 200, Payload: new TextEncoder().encode('{"published":1}') };
  });
});

describe("linklocal-sentinel redrive", () => {
  it("invokes the function each record names with the event it failed on, and deletes only what succeeded", async () => {
    const { summary, lines } = await redrive();
    expect(summary).toEqual({ redriven: 1, failed: 1, unreadable: 1, wouldRedrive: 0 });
    const invokes = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invokes.map((i) => [i.FunctionName, i.InvocationType])).toEqual([
      [INGEST, "RequestResponse"],
      [INGEST, "RequestResponse"],
    ]);
    // The exact event the function failed on, not the record around it.
    expect(JSON.parse(new TextDecoder().decode(invokes[0]?.Payload as Uint8Array))).toEqual(event("amp-1"));
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual([
      "rh-m-ok",
    ]);
    // What stays becomes visible again at once, for the next run or a human.
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE, ReceiptHandle: "rh-m-again", VisibilityTimeout: 0 },
      { QueueUrl: QUEUE, ReceiptHandle: "rh-m-junk", VisibilityTimeout: 0 },
    ]);
    expect(lines).toEqual([
      `m-ok: redriven through ${INGEST}, deleted from the queue`,
      expect.stringMatching(/^m-again: .* failed again \(Unhandled: \{"errorType":"PublishError"\}\); kept$/),
      "m-junk: not a Lambda on-failure record (no requestPayload/requestContext.functionArn); kept",
    ]);
  });

  it("with --dry-run invokes nothing and deletes nothing", async () => {
    const { summary } = await redrive({ dryRun: true });
    expect(summary).toEqual({ redriven: 0, failed: 0, unreadable: 1, wouldRedrive: 2 });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  it("with --function invokes that function instead", async () => {
    await redrive({ functionName: "linklocal-sentinel-ingest-v2" });
    expect(new Set(lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input.FunctionName))).toEqual(
      new Set(["linklocal-sentinel-ingest-v2"]),
    );
  });
});

describe("replay reads an on-failure record as the event it holds", () => {
  it("unwraps requestPayload", () => {
    const input = ampMessagesFromFile(JSON.stringify(onFailureRecord(event("amp-9"))), "parked.json");
    expect(input.kind).toBe("lambda-sns-event");
    expect(input.messages.map((m) => m.messageId)).toEqual(["amp-9"]);
    expect(input.messages[0]?.body).toContain('"receiver": "sns"');
  });
});

// The built CLI, as `npx linklocal-sentinel redrive` runs it: its SQS and Lambda clients are loaded with the
// redrive chunk, so a bundling break there (a split import() of a CommonJS client, "a is not a constructor")
// fails here. Loopback SQS and Lambda endpoints through the standard AWS_ENDPOINT_URL_* variables.
describe("linklocal-sentinel redrive, the built CLI", { timeout: CLI_TIMEOUT_MS + 10_000 }, () => {
  let aws: SqsLambdaStandIn;
  beforeAll(async () => {
    aws = await startSqsLambdaStandIn({
      messages: [
        parked("m-ok", onFailureRecord(event("amp-1"))),
        parked("m-again", onFailureRecord(event("amp-2"))),
        parked("m-junk", "not json"),
      ],
      invoke: (payload) =>
        (payload as ReturnType<typeof event>).Records[0]?.Sns.MessageId === "amp-2"
          ? { functionError: "Unhandled", body: '{"errorType":"PublishError"}' }
          : { body: '{"published":1}' },
    });
  });
  afterAll(() => aws.close());

  it("invokes each parked event's function, deletes what succeeded and keeps the rest, exit 1", async () => {
    // No AWS_REGION: the queue URL names eu-west-1, and every call is signed for it.
    const { code, stdout, stderr } = await runCli(["redrive", QUEUE], {
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "test-secret",
      AWS_ENDPOINT_URL_SQS: aws.url,
      AWS_ENDPOINT_URL_LAMBDA: aws.url,
    });
    expect(stderr).not.toMatch(/not a constructor/);
    expect(code).toBe(1);
    expect(stdout).toContain(`m-ok: redriven through ${INGEST}, deleted from the queue`);
    expect(stdout).toMatch(/m-again: .* failed again \(Unhandled: \{"errorType":"PublishError"\}\); kept/);
    expect(aws.invocations.map((i) => i.functionName)).toEqual([INGEST, INGEST]);
    expect(aws.invocations[0]?.payload).toEqual(event("amp-1"));
    expect(aws.calls("DeleteMessage").map((c) => c.ReceiptHandle)).toEqual(["rh-m-ok"]);
    expect(aws.calls("ChangeMessageVisibility").map((c) => c.ReceiptHandle)).toEqual([
      "rh-m-again",
      "rh-m-junk",
    ]);
    expect(new Set(aws.calls("ReceiveMessage").map((c) => c.QueueUrl))).toEqual(new Set([QUEUE]));
    expect(new Set(aws.signedRegions)).toEqual(new Set(["eu-west-1"]));
  });
});

describe("regionOfQueueUrl", () => {
  it.each([
    ["https://sqs.eu-west-1.amazonaws.com/111122223333/q", "eu-west-1"],
    ["https://sqs.us-gov-west-1.amazonaws.com/111122223333/q", "us-gov-west-1"],
    ["https://sqs.cn-north-1.amazonaws.com.cn/111122223333/q", "cn-north-1"],
    ["https://ap-southeast-2.queue.amazonaws.com/111122223333/q", "ap-southeast-2"],
    ["http://127.0.0.1:4566/000000000000/q", undefined],
    ["not a url", undefined],
  ])("%s -> %s", (url, region) => {
    expect(regionOfQueueUrl(url)).toBe(region);
  });
});
