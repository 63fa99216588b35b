import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { AwsCallBudgets, awsClientOptions } from "../shared/aws/client-options.ts";
import { errorMessage } from "../shared/errors.ts";
import { readOnFailureRecord } from "../shared/ingest/index.ts";

/**
 * Replays what a function's on-failure queue holds: each parked event is given again to the function it
 * failed in (or `--function`), and deleted from the queue only once that invocation succeeded. What fails
 * again, or cannot be read, stays for a human.
 */
export interface RedriveOptions {
  queueUrl: string;
  /** Invoke this function instead of the one each record names. */
  functionName: string | null;
  dryRun: boolean;
  sqs: SQSClient;
  lambda: LambdaClient;
  /** One line per parked message, for the terminal. */
  print: (line: string) => void;
  /** Stop after this many messages, so a queue refilled while we work cannot keep us going. */
  maxMessages?: number;
}

export interface RedriveSummary {
  redriven: number;
  failed: number;
  unreadable: number;
  /** With --dry-run: what would have been invoked. */
  wouldRedrive: number;
}

/**
 * The SQS and Lambda clients redrive uses, made here so that the CLI loads their packages only with this module.
 * The SQS client sends to the queue URL's host unless an endpoint is configured (AWS_ENDPOINT_URL_SQS or
 * AWS_ENDPOINT_URL, e.g. a VPC endpoint): the SDK's default would ignore that setting.
 */
/**
 * The region a queue URL names: `https://sqs.<region>.amazonaws.com/...` (also `.amazonaws.com.cn`), or the
 * legacy `https://<region>.queue.amazonaws.com/...`; undefined for anything else (a local endpoint).
 */
export function regionOfQueueUrl(queueUrl: string): string | undefined {
  let host: string;
  try {
    host = new URL(queueUrl).hostname;
  } catch {
    return undefined;
  }
  return (
    /^sqs\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1] ??
    /^([a-z]{2}(?:-[a-z]+)+-\d+)\.queue\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1]
  );
}

export function redriveClients(
  region: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { sqs: SQSClient; lambda: LambdaClient } {
  return {
    sqs: new SQSClient({
      region,
      useQueueUrlAsEndpoint: !env.AWS_ENDPOINT_URL_SQS && !env.AWS_ENDPOINT_URL,
      ...awsClientOptions(AwsCallBudgets.sqs),
    }),
    lambda: new LambdaClient({ region, ...awsClientOptions(AwsCallBudgets.lambdaInvoke) }),
  };
}

// Long enough for the slowest function (the notify functions run up to 180 s) to answer a redriven event.
const VISIBILITY_SECONDS = 300;
const DEFAULT_MAX_MESSAGES = 1_000;

export async function redriveQueue(options: RedriveOptions): Promise<RedriveSummary> {
  const summary: RedriveSummary = { redriven: 0, failed: 0, unreadable: 0, wouldRedrive: 0 };
  const seen = new Set<string>();
  // Kept messages stay invisible until the end, so each receive brings messages not handled yet.
  const kept: Message[] = [];
  const max = options.maxMessages ?? DEFAULT_MAX_MESSAGES;
  while (seen.size < max) {
    const { Messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: VISIBILITY_SECONDS,
      }),
    );
    const fresh = Messages.filter((m) => m.MessageId !== undefined && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.MessageId as string);
      if (!(await redriveOne(message, options, summary))) kept.push(message);
    }
  }
  for (const message of kept) await release(message, options);
  return summary;
}

/** Whether the message was redriven (and deleted); false when it is kept. */
async function redriveOne(
  message: Message,
  options: RedriveOptions,
  summary: RedriveSummary,
): Promise<boolean> {
  const id = message.MessageId ?? "?";
  let record: ReturnType<typeof readOnFailureRecord> = null;
  try {
    record = readOnFailureRecord(JSON.parse(message.Body ?? ""));
  } catch {
    record = null;
  }
  const target = options.functionName ?? record?.functionArn ?? null;
  if (record === null || target === null) {
    summary.unreadable++;
    options.print(
      `${id}: not a Lambda on-failure record (no requestPayload/requestContext.functionArn); kept`,
    );
    return false;
  }
  if (options.dryRun) {
    summary.wouldRedrive++;
    options.print(`${id}: would invoke ${target} (${record.condition ?? "failed"}); kept (dry run)`);
    return false;
  }
  try {
    const answer = await options.lambda.send(
      new InvokeCommand({
        FunctionName: target,
        InvocationType: "RequestResponse",
        Payload: new TextEncoder().encode(JSON.stringify(record.requestPayload)),
      }),
    );
    if (answer.FunctionError) {
      const detail = new TextDecoder().decode(answer.Payload ?? new Uint8Array()).slice(0, 300);
      throw new Error(`${answer.FunctionError}: ${detail}`);
    }
    await options.sqs.send(
      new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
    summary.redriven++;
    options.print(`${id}: redriven through ${target}, deleted from the queue`);
    return true;
  } catch (error) {
    summary.failed++;
    options.print(`${id}: ${target} failed again (${errorMessage(error)}); kept`);
    return false;
  }
}

/** Makes a kept message visible again at once, for the next redrive or a human. */
async function release(message: Message, options: RedriveOptions): Promise<void> {
  await options.sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: options.queueUrl,
      ReceiptHandle: message.ReceiptHandle,
      VisibilityTimeout: 0,
    }),
  );
}
