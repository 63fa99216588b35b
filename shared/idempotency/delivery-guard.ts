import {
  makeIdempotent,
  IdempotencyConfig as PowertoolsIdempotencyConfig,
} from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import { AwsCallBudgets, awsClientOptions } from "../aws/client-options.ts";
import { errorMessage } from "../errors.ts";
import type { Sink } from "../model/index.ts";
import { DeliveryInProgressError, IdempotencyStoreError } from "./errors.ts";
import type { IdempotencyConfig } from "./idempotency-config.ts";

/** What makes two deliveries the same: the original (AMP) SNS message id and the sink. */
export interface DeliveryKey {
  sink: Sink;
  messageId: string;
}

export type GuardedDelivery<Result> =
  /** `deliver` ran and succeeded now. */
  | { delivered: true; result: Result }
  /** An earlier invocation already delivered; `result` is what it stored. `deliver` did not run. */
  | { delivered: false; result: Result };

export interface DeliveryGuard {
  /** "dynamodb" when deliveries are deduplicated, "off" when IDEMPOTENCY_TABLE is unset. */
  readonly mode: "dynamodb" | "off";
  /**
   * Registers the current invocation, so the in-progress marker expires when this invocation's time runs out
   * and a retry after a crash or timeout may deliver. Call at the start of every Lambda invocation.
   */
  useLambdaContext(context: Pick<Context, "getRemainingTimeInMillis">): void;
  /**
   * Runs `deliver` unless this key was already delivered. A failure is not remembered (the record is removed,
   * so a retry delivers); a concurrent delivery of the same key makes this call throw DeliveryInProgressError.
   */
  deliverOnce<Result>(key: DeliveryKey, deliver: () => Promise<Result>): Promise<GuardedDelivery<Result>>;
}

/**
 * DynamoDB calls one guarded delivery makes at most: the conditional put of the in-progress record, the
 * update to completed, and the read of an existing record when the put finds one. The notify timeouts are
 * checked against this many calls timing out (test/infra/function-timeouts.test.ts).
 */
export const DYNAMODB_CALLS_PER_DELIVERY = 3;

/** Keys do not depend on the Lambda function's name, so a renamed or redeployed function still deduplicates. */
const KEY_PREFIX = "linklocal-sentinel-notify";
/** Outside Lambda there is no remaining time to read: an in-progress marker then expires after this long. */
const DEFAULT_IN_PROGRESS_MS = 120_000;

export interface DeliveryGuardOptions {
  /** For tests and local DynamoDB; by default a client with short timeouts for the function's region. */
  client?: DynamoDBClient;
  /** How long an in-progress marker lasts when no Lambda context is registered. */
  inProgressMs?: number;
}

export function createDeliveryGuard(
  config: IdempotencyConfig,
  options: DeliveryGuardOptions = {},
): DeliveryGuard {
  const tableName = config.tableName;
  if (tableName === null) return noDeduplication();

  const client = options.client ?? new DynamoDBClient(awsClientOptions(AwsCallBudgets.dynamodb));
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
  const powertoolsConfig = new PowertoolsIdempotencyConfig({
    expiresAfterSeconds: config.expiresAfterSeconds,
  });
  const fallbackMs = options.inProgressMs ?? DEFAULT_IN_PROGRESS_MS;
  powertoolsConfig.registerLambdaContext(remainingTimeOnly(() => fallbackMs));

  // Only the key (first argument) is hashed; the attempt carries the work and records whether it ran.
  const runIfNew = makeIdempotent(
    async (_key: DeliveryKey, attempt: { deliver: () => Promise<unknown>; ran: boolean }) => {
      attempt.ran = true;
      return attempt.deliver();
    },
    { persistenceStore, config: powertoolsConfig, keyPrefix: KEY_PREFIX },
  );

  return {
    mode: "dynamodb",
    useLambdaContext(context) {
      powertoolsConfig.registerLambdaContext(remainingTimeOnly(() => context.getRemainingTimeInMillis()));
    },
    async deliverOnce<Result>(
      key: DeliveryKey,
      deliver: () => Promise<Result>,
    ): Promise<GuardedDelivery<Result>> {
      const attempt = { deliver: deliver as () => Promise<unknown>, ran: false };
      try {
        const result = (await runIfNew({ sink: key.sink, messageId: key.messageId }, attempt)) as Result;
        return { delivered: attempt.ran, result };
      } catch (error) {
        throw translate(error, key, tableName);
      }
    },
  };
}

function noDeduplication(): DeliveryGuard {
  return {
    mode: "off",
    useLambdaContext() {},
    async deliverOnce(_key, deliver) {
      return { delivered: true, result: await deliver() };
    },
  };
}

/** Powertools' own errors become ours; whatever `deliver` threw passes through unchanged. */
function translate(error: unknown, key: DeliveryKey, tableName: string): unknown {
  if (!(error instanceof Error)) return error;
  if (error.name === "IdempotencyAlreadyInProgressError") {
    return new DeliveryInProgressError(key.sink, key.messageId, { cause: error });
  }
  if (error.name.startsWith("Idempotency")) {
    const cause = error.cause === undefined ? "" : `: ${errorMessage(error.cause)}`;
    return new IdempotencyStoreError(
      `idempotency table ${tableName} failed for the ${key.sink} notification of message ${key.messageId}: ${error.message}${cause}`,
      { cause: error },
    );
  }
  return error;
}

// Powertools reads nothing but getRemainingTimeInMillis from the context it is given.
function remainingTimeOnly(getRemainingTimeInMillis: () => number): Context {
  return { getRemainingTimeInMillis } as Context;
}
