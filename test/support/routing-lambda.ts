import type { Context, SNSEvent, SQSEvent } from "aws-lambda";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";

const INTERNAL_TOPIC = "arn:aws:sns:eu-west-1:111122223333:linklocal-sentinel-internal";

/** An SNS Lambda event from the internal topic, one record per group, as Lambda delivers it. */
export function internalTopicEvent(groups: EnrichedAlertGroup[], internalIds?: string[]): SNSEvent {
  return {
    Records: groups.map((group, index) => ({
      EventSource: "aws:sns",
      EventVersion: "1.0",
      EventSubscriptionArn: `${INTERNAL_TOPIC}:0f6a3c1e-0000-4000-8000-00000000000${index}`,
      Sns: {
        Type: "Notification",
        MessageId: internalIds?.[index] ?? `internal-${index}-${group.source.messageId}`,
        TopicArn: INTERNAL_TOPIC,
        Subject: null as unknown as string,
        Message: JSON.stringify(group),
        Timestamp: "2026-11-23T08:00:06.000Z",
        SignatureVersion: "1",
        Signature: "EXAMPLE",
        SigningCertUrl: "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000.pem",
        UnsubscribeUrl: "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
        MessageAttributes: {
          routes: { Type: "String.Array", Value: JSON.stringify(group.routes) },
        },
      },
    })),
  };
}

/** The Lambda context fields Powertools reads, with plenty of time left. */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:111122223333:function:${functionName}`,
    memoryLimitInMB: "256",
    awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/11/23/[$LATEST]abcdef",
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * An SQS Lambda event from the verify queue: its subscription to the internal topic uses raw message delivery,
 * so each body is the published message itself; `receiveCount` is the queue's ApproximateReceiveCount.
 */
export function verifyQueueEvent(messages: { message: unknown; receiveCount?: number }[]): SQSEvent {
  return {
    Records: messages.map(({ message, receiveCount = 1 }, index) => ({
      messageId: `0d7f5a8e-0000-4000-8000-00000000000${index}`,
      receiptHandle: `AQEB-receipt-${index}`,
      body: typeof message === "string" ? message : JSON.stringify(message),
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: "1795392006000",
        SenderId: "AIDAIENQZJOLO23YVJ4VO",
        ApproximateFirstReceiveTimestamp: "1795392606000",
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:eu-west-1:111122223333:linklocal-sentinel-VerifyQueue",
      awsRegion: "eu-west-1",
    })),
  };
}
