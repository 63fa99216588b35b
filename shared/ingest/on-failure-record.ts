import { isRecord } from "../parse/json-message.ts";

/**
 * What Lambda writes to an on-failure destination (SQS) when an asynchronous invocation failed for good:
 * the event it was given under `requestPayload`, and which function under `requestContext.functionArn`.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export interface OnFailureRecord {
  requestPayload: unknown;
  functionArn: string | null;
  condition: string | null;
}

/** The record, when `value` is one; null for anything else. */
export function readOnFailureRecord(value: unknown): OnFailureRecord | null {
  if (!isRecord(value) || !("requestPayload" in value) || !isRecord(value.requestContext)) return null;
  const context = value.requestContext;
  return {
    requestPayload: value.requestPayload,
    functionArn: typeof context.functionArn === "string" ? context.functionArn : null,
    condition: typeof context.condition === "string" ? context.condition : null,
  };
}
