import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { AwsCallBudgets, awsClientOptions } from "../aws/client-options.ts";
import { createDeliveryGuard } from "./dynamo-delivery-guard.ts";
import { dynamoResolveTimes } from "./dynamo-resolve-times.ts";
import type { IdempotencyConfig } from "./idempotency-config.ts";
import type { IdempotencyStore } from "./idempotency-store.ts";

/** Loaded on demand by loadIdempotencyStore: one DynamoDB client for delivery records and resolve times. */
export function dynamoIdempotencyStore(config: IdempotencyConfig): IdempotencyStore {
  const client = new DynamoDBClient(awsClientOptions(AwsCallBudgets.dynamodb));
  return { guard: createDeliveryGuard(config, { client }), resolveTimes: dynamoResolveTimes(config, client) };
}
