import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { localDynamoClient } from "./dynalite.ts";

/**
 * A fault proxy in front of dynalite: forwards every DynamoDB call, except that it answers the next N calls of
 * an operation (PutItem, UpdateItem, ...) with a 500 as a failing DynamoDB would. Counts calls per operation.
 */
export interface DynamoFaultProxy {
  client: DynamoDBClient;
  /** The proxy's URL, for a bundle's AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  calls: Record<string, number>;
  failNext(operation: string, times: number): void;
  /**
   * Every call on an item whose `id` starts with `prefix`: answered with a 500 ("error"), or held without an
   * answer until the proxy closes ("hang"); null lets them through again. Other keys are not touched.
   */
  faultKeys(prefix: string, fault: "error" | "hang" | null): void;
  /** Calls seen per operation on items whose `id` starts with this prefix. */
  callsOn(prefix: string): Record<string, number>;
  close(): Promise<void>;
}

export async function startDynamoFaultProxy(target: string): Promise<DynamoFaultProxy> {
  const failures: Record<string, number> = {};
  const calls: Record<string, number> = {};
  const upstream = new URL(target);
  const keyFaults = new Map<string, "error" | "hang">();
  const keyed: { id: string; operation: string }[] = [];
  const server: Server = createServer(async (req, res) => {
    const operation = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
    calls[operation] = (calls[operation] ?? 0) + 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const id = itemId(body);
    if (id !== null) keyed.push({ id, operation });
    const keyFault = id === null ? undefined : [...keyFaults].find(([prefix]) => id.startsWith(prefix))?.[1];
    if (keyFault === "hang") return;
    if (keyFault === "error" || (failures[operation] ?? 0) > 0) {
      if (keyFault === undefined) failures[operation] = (failures[operation] ?? 0) - 1;
      res.writeHead(500, { "content-type": "application/x-amz-json-1.0" }).end(
        JSON.stringify({
          __type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
          message: "injected",
        }),
      );
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoClient(endpoint);
  return {
    client,
    endpoint,
    calls,
    failNext(operation, times) {
      failures[operation] = times;
    },
    faultKeys(prefix, fault) {
      if (fault === null) keyFaults.delete(prefix);
      else keyFaults.set(prefix, fault);
    },
    callsOn(prefix) {
      const counts: Record<string, number> = {};
      for (const call of keyed.filter((c) => c.id.startsWith(prefix)))
        counts[call.operation] = (counts[call.operation] ?? 0) + 1;
      return counts;
    },
    async close() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The `id` of the item a single-item call names (GetItem, PutItem, UpdateItem, DeleteItem), or null. */
function itemId(body: Buffer): string | null {
  try {
    const request = JSON.parse(body.toString("utf8")) as {
      Key?: { id?: { S?: string } };
      Item?: { id?: { S?: string } };
    };
    return request.Key?.id?.S ?? request.Item?.id?.S ?? null;
  } catch {
    return null;
  }
}
