import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { IdempotencyConfig } from "./idempotency-config.ts";
import type { ResolveTimes } from "./resolve-times.ts";

/** Where the resolve times live in the table (the PagerDuty role may touch only these and its sink's keys). */
export const RESOLVE_TIMES_KEY_PREFIX = "linklocal-sentinel-pagerduty-resolved#";
/** A trigger reads the last resolve, a resolve writes it: one DynamoDB call per delivery either way. */
export const DYNAMODB_CALLS_PER_ORDER_CHECK = 1;

/**
 * The last resolve time of each PagerDuty incident, in the idempotency table (partition key `id`, TTL on
 * `expiration`) beside the delivery records. Null when no table is configured: then order is not checked.
 */
export function dynamoResolveTimes(config: IdempotencyConfig, client: DynamoDBClient): ResolveTimes | null {
  const tableName = config.tableName;
  if (tableName === null) return null;
  return {
    async lastResolvedAt(dedupKey) {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { id: { S: RESOLVE_TIMES_KEY_PREFIX + dedupKey } },
          ConsistentRead: true,
        }),
      );
      return Item?.resolvedAt?.S ?? null;
    },
    async recordResolve(dedupKey, resolvedAt) {
      const expiration = Math.floor(Date.now() / 1000) + config.expiresAfterSeconds;
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { id: { S: RESOLVE_TIMES_KEY_PREFIX + dedupKey } },
            UpdateExpression: "SET resolvedAt = :at, expiration = :exp",
            // ISO times of one format compare in time order; an older resolve never replaces a newer one.
            ConditionExpression: "attribute_not_exists(resolvedAt) OR resolvedAt < :at",
            ExpressionAttributeValues: { ":at": { S: resolvedAt }, ":exp": { N: String(expiration) } },
          }),
        );
      } catch (error) {
        if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      }
    },
  };
}
