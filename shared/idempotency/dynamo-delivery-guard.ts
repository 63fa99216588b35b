import type { JSONValue } from "@aws-lambda-powertools/commons/types";
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
import {
  type DeliveryGuard,
  type DeliveryKey,
  type GuardedDelivery,
  noDeduplication,
} from "./delivery-guard.ts";
import { DeliveryInProgressError, IdempotencyStoreError } from "./errors.ts";
import type { IdempotencyConfig } from "./idempotency-config.ts";

/** Extra tries of a completion write that failed after the send succeeded. */
const COMPLETION_RETRIES = 2;
const COMPLETION_RETRY_DELAY_MS = 200;

/**
 * DynamoDB calls one guarded delivery makes at most, per key (message id, then content): the conditional
 * put of the in-progress record, and either the update to completed with its retries, or the read of the
 * record the put found. The notify timeouts are checked against this many calls timing out
 * (test/infra/function-timeouts.test.ts).
 */
export const DYNAMODB_CALLS_PER_DELIVERY = 2 * (2 + COMPLETION_RETRIES);

/**
 * Where a sink's records live in the table: every key starts with one of these (Powertools adds `#<hash>`).
 * Per sink, so each notify role's IAM policy holds it to its own keys (`dynamodb:LeadingKeys`, tested
 * against infra/template.yaml). Keys do not depend on the Lambda function's name, so a renamed or redeployed
 * function still deduplicates.
 */
export function idempotencyKeyPrefixes(sink: Sink): { message: string; content: string } {
  return { message: `linklocal-sentinel-notify-${sink}`, content: `linklocal-sentinel-content-${sink}` };
}
/** Outside Lambda there is no remaining time to read: an in-progress marker then expires after this long. */
const DEFAULT_IN_PROGRESS_MS = 120_000;

export interface DeliveryGuardOptions {
  /** For tests and local DynamoDB; by default a client with short timeouts for the function's region. */
  client?: DynamoDBClient;
  /** How long an in-progress marker lasts when no Lambda context is registered. */
  inProgressMs?: number;
  /** Waits between completion retries; tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

/** One delivery through one idempotency layer: whether the work ran, and whether it succeeded. */
interface Attempt {
  work: () => Promise<unknown>;
  ran: boolean;
  sent: boolean;
  result?: unknown;
}

type Run = (keyData: Record<string, string>, attempt: Attempt) => Promise<unknown>;

/** A Powertools idempotency layer over the table: `run` does the work once per key, `store` is its records. */
interface Layer {
  run: Run;
  store: DynamoDBPersistenceLayer;
  /** Where the invocation's remaining time is registered, so in-progress markers expire with it. */
  powertoolsConfig: PowertoolsIdempotencyConfig;
}

/** A layer keyed under `keyPrefix`; only the key (first argument) is hashed. */
function idempotencyLayer(
  table: { tableName: string; client: DynamoDBClient; remainingMs: () => number },
  keyPrefix: string,
  expiresAfterSeconds: number,
): Layer {
  const store = new DynamoDBPersistenceLayer({ tableName: table.tableName, awsSdkV3Client: table.client });
  const powertoolsConfig = new PowertoolsIdempotencyConfig({ expiresAfterSeconds });
  // Layers are made per sink on first use, possibly after useLambdaContext: they read the current clock.
  powertoolsConfig.registerLambdaContext(remainingTimeOnly(() => table.remainingMs()));
  const run: Run = makeIdempotent(
    async (_key: Record<string, string>, attempt: Attempt) => {
      attempt.ran = true;
      attempt.result = await attempt.work();
      attempt.sent = true;
      return attempt.result;
    },
    { persistenceStore: store, config: powertoolsConfig, keyPrefix },
  );
  return { run, store, powertoolsConfig };
}

/**
 * Runs `attempt` through `through`. When the work succeeded but Powertools could not record it, the record
 * is completed here with a few retries: re-running would send the notification a second time.
 */
async function runOnce(
  through: Layer,
  keyData: Record<string, string>,
  attempt: Attempt,
  completion: { errors: string[]; sleep: (ms: number) => Promise<void> },
): Promise<unknown> {
  try {
    return await through.run(keyData, attempt);
  } catch (error) {
    if (!attempt.sent) throw error;
    for (let retry = 1; ; retry++) {
      try {
        await through.store.saveSuccess(keyData, attempt.result as JSONValue);
        return attempt.result;
      } catch (completionError) {
        if (retry > COMPLETION_RETRIES) {
          completion.errors.push(errorMessage(completionError));
          return attempt.result;
        }
        await completion.sleep(COMPLETION_RETRY_DELAY_MS * retry);
      }
    }
  }
}

export function createDeliveryGuard(
  config: IdempotencyConfig,
  options: DeliveryGuardOptions = {},
): DeliveryGuard {
  const tableName = config.tableName;
  if (tableName === null) return noDeduplication();

  const fallbackMs = options.inProgressMs ?? DEFAULT_IN_PROGRESS_MS;
  let remaining = () => fallbackMs;
  const table = {
    tableName,
    client: options.client ?? new DynamoDBClient(awsClientOptions(AwsCallBudgets.dynamodb)),
    remainingMs: () => remaining(),
  };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const window = config.contentWindowSeconds ?? 0;
  const bySink = new Map<Sink, { byMessage: Layer; byContent: Layer | null }>();
  const layersOf = (sink: Sink) => {
    let found = bySink.get(sink);
    if (!found) {
      const prefixes = idempotencyKeyPrefixes(sink);
      found = {
        byMessage: idempotencyLayer(table, prefixes.message, config.expiresAfterSeconds),
        byContent: window > 0 ? idempotencyLayer(table, prefixes.content, window) : null,
      };
      bySink.set(sink, found);
    }
    return found;
  };

  return {
    mode: "dynamodb",
    useLambdaContext(context) {
      remaining = () => context.getRemainingTimeInMillis();
    },
    async deliverOnce<Result>(
      key: DeliveryKey,
      deliver: () => Promise<Result>,
    ): Promise<GuardedDelivery<Result>> {
      const completion = { errors: [] as string[], sleep };
      const { byMessage, byContent } = layersOf(key.sink);
      const byMessageAttempt: Attempt = { work: deliver, ran: false, sent: false };
      // With a content key the send happens one layer down, and only if the content is new too.
      const contentKey = byContent && key.contentKey ? key.contentKey : null;
      const send: Attempt = contentKey ? { work: deliver, ran: false, sent: false } : byMessageAttempt;
      if (byContent && contentKey) {
        byMessageAttempt.work = () => runOnce(byContent, { sink: key.sink, contentKey }, send, completion);
      }
      try {
        const messageKey = { sink: key.sink, messageId: key.messageId };
        const result = (await runOnce(byMessage, messageKey, byMessageAttempt, completion)) as Result;
        if (!send.ran) return { delivered: false, result };
        return completion.errors.length === 0
          ? { delivered: true, result }
          : { delivered: true, result, completionError: completion.errors.join("; ") };
      } catch (error) {
        throw translate(error, key, tableName);
      }
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
