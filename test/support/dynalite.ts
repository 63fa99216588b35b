import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}
type CreateDynalite = (options: DynaliteOptions) => Server;

// dynalite ships CommonJS without type declarations; require keeps it typed through the local signature.
const createDynalite = createRequire(import.meta.url)("dynalite") as CreateDynalite;

export interface LocalDynamo {
  client: DynamoDBClient;
  endpoint: string;
  /** Creates a table with the schema Powertools idempotency expects: partition key `id` (string). */
  createIdempotencyTable(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A real DynamoDB implementation (dynalite, in memory) on 127.0.0.1 and an SDK client pointed at it. */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = createDynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoClient(endpoint);
  return {
    client,
    endpoint,
    async createIdempotencyTable(name) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** An SDK client for a local DynamoDB endpoint: test credentials, no retries, short timeouts. */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "eu-west-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    requestHandler: { requestTimeout: 5_000, connectionTimeout: 1_000 },
    maxAttempts: 1,
  });
}
