import { randomUUID } from "node:crypto";
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { errorMessage, SentinelError } from "../../errors.ts";
import { IdempotencyStoreError } from "../../idempotency/errors.ts";
import {
  EMPTY_INCIDENT,
  type IncidentLease,
  type IncidentRecord,
  type IncidentStore,
} from "./incident-record.ts";

/** Kept apart from the delivery guard's keys (linklocal-sentinel-notify, -content) and PagerDuty's. */
export const INCIDENT_KEY_PREFIX = "linklocal-sentinel-slack-incident#";
export const MESSAGE_KEY_PREFIX = "linklocal-sentinel-slack-message#";

/**
 * The message's permalink, also kept as a plain attribute of the incident's and the message's records (beside
 * the JSON `incident`): notify-pagerduty reads only this attribute (GetItem with a projection, and an IAM
 * condition on dynamodb:Attributes), never the rest of the record.
 */
export const PERMALINK_ATTRIBUTE = "permalink";

/** An incident's message is updated for as long as it goes on; its record outlives a week-long incident. */
export const INCIDENT_TTL_SECONDS = 14 * 24 * 60 * 60;
/**
 * How long a lease holds: the notify function's timeout (180 s), so a holder that crashed blocks the incident
 * no longer than one invocation could have run. A holder that finishes releases it at once.
 */
export const LEASE_MS = 180_000;
/** Waits for a lease another invocation holds (about 12 s in all), before handing the wait to Lambda's retry. */
const LEASE_WAITS_MS = [250, 500, 1_000, 2_000, 4_000, 4_000];
const SAVE_ATTEMPTS = 3;

/** Another invocation holds the incident's lease for longer than we wait: this one fails and Lambda retries it. */
export class IncidentBusyError extends SentinelError {
  constructor(key: string) {
    super(`the Slack incident ${key.slice(0, 12)} is being updated by another invocation; retry later`);
    this.name = "IncidentBusyError";
  }
}

export interface DynamoIncidentStoreOptions {
  tableName: string;
  client: DynamoDBClient;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export function dynamoIncidentStore(options: DynamoIncidentStoreOptions): IncidentStore {
  return new DynamoIncidentStore(options);
}

/** The incident records, their leases (a conditional write decides who changes an incident) and the message links. */
class DynamoIncidentStore implements IncidentStore {
  private readonly tableName: string;
  private readonly client: DynamoDBClient;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly leases = new WeakMap<IncidentLease, string>();

  constructor(options: DynamoIncidentStoreOptions) {
    this.tableName = options.tableName;
    this.client = options.client;
    this.sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  async acquire(key: string): Promise<IncidentLease> {
    const leaseId = randomUUID();
    for (let wait = 0; ; wait++) {
      const record = await this.tryAcquire(key, leaseId);
      if (record !== null) {
        const lease = { key, record };
        this.leases.set(lease, leaseId);
        return lease;
      }
      const delay = LEASE_WAITS_MS[wait];
      if (delay === undefined) throw new IncidentBusyError(key);
      await this.sleep(delay);
    }
  }

  async save(lease: IncidentLease, record: IncidentRecord): Promise<void> {
    const write = recordWrite(record.message?.permalink ?? null);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.send("record an incident's Slack message", () =>
          this.client.send(
            new UpdateItemCommand({
              TableName: this.tableName,
              Key: this.id(lease.key),
              UpdateExpression: write.expression,
              ConditionExpression: "leaseId = :me",
              ExpressionAttributeValues: {
                ":incident": { S: JSON.stringify(record) },
                ":exp": this.expiration(),
                ":me": { S: this.leases.get(lease) ?? "" },
                ...write.values,
              },
            }),
          ),
        );
        return;
      } catch (error) {
        // The lease ran out and another invocation holds it: its own write is the newer one.
        if ((error as Error).name === "ConditionalCheckFailedException") return;
        if (attempt >= SAVE_ATTEMPTS) throw error;
        await this.sleep(200 * attempt);
      }
    }
  }

  async release(lease: IncidentLease): Promise<void> {
    try {
      await this.send("release an incident's lease", () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: this.id(lease.key),
            UpdateExpression: "REMOVE leaseId, leaseUntil",
            ConditionExpression: "leaseId = :me",
            ExpressionAttributeValues: { ":me": { S: this.leases.get(lease) ?? "" } },
          }),
        ),
      );
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
    }
  }

  async link(messageId: string, key: string, permalink: string | null): Promise<void> {
    await this.send("link a message to its incident", () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            id: { S: MESSAGE_KEY_PREFIX + messageId },
            incident: { S: key },
            expiration: this.expiration(),
            ...(permalink === null ? {} : { [PERMALINK_ATTRIBUTE]: { S: permalink } }),
          },
        }),
      ),
    );
  }

  async incidentOf(messageId: string): Promise<string | null> {
    const { Item } = await this.send("find a message's incident", () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { id: { S: MESSAGE_KEY_PREFIX + messageId } },
          ConsistentRead: true,
        }),
      ),
    );
    return Item?.incident?.S ?? null;
  }

  /** The lease when it is free (or expired), with the stored record; null while another invocation holds it. */
  private async tryAcquire(key: string, leaseId: string): Promise<IncidentRecord | null> {
    try {
      const { Attributes } = await this.send("take an incident's lease", () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: this.id(key),
            UpdateExpression: "SET leaseId = :me, leaseUntil = :until, expiration = :exp",
            ConditionExpression: "attribute_not_exists(leaseUntil) OR leaseUntil < :now",
            ExpressionAttributeValues: {
              ":me": { S: leaseId },
              ":until": { N: String(this.now() + LEASE_MS) },
              ":now": { N: String(this.now()) },
              ":exp": this.expiration(),
            },
            ReturnValues: "ALL_NEW",
          }),
        ),
      );
      const stored = Attributes?.incident?.S;
      return stored === undefined ? { ...EMPTY_INCIDENT } : (JSON.parse(stored) as IncidentRecord);
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return null;
      throw error;
    }
  }

  /** DynamoDB's own failures become IdempotencyStoreError: nothing is posted without the table. */
  private async send<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") throw error;
      throw new IdempotencyStoreError(
        `idempotency table ${this.tableName} failed to ${what} for Slack app mode: ${errorMessage(error)}`,
        { cause: error },
      );
    }
  }

  private id(key: string): Record<string, AttributeValue> {
    return { id: { S: INCIDENT_KEY_PREFIX + key } };
  }

  private expiration(): AttributeValue {
    return { N: String(Math.floor(this.now() / 1000) + INCIDENT_TTL_SECONDS) };
  }
}

/**
 * The record's write: SET the permalink beside the rest, or REMOVE it, so a message posted anew without one
 * does not keep the old message's link.
 */
function recordWrite(permalink: string | null): {
  expression: string;
  values: Record<string, AttributeValue>;
} {
  const set = "SET incident = :incident, expiration = :exp";
  const release = "REMOVE leaseId, leaseUntil";
  return permalink === null
    ? { expression: `${set} ${release}, ${PERMALINK_ATTRIBUTE}`, values: {} }
    : {
        expression: `${set}, ${PERMALINK_ATTRIBUTE} = :permalink ${release}`,
        values: { ":permalink": { S: permalink } },
      };
}
