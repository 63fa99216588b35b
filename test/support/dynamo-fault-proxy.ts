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
  close(): Promise<void>;
}

export async function startDynamoFaultProxy(target: string): Promise<DynamoFaultProxy> {
  const failures: Record<string, number> = {};
  const calls: Record<string, number> = {};
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const operation = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
    calls[operation] = (calls[operation] ?? 0) + 1;
    if ((failures[operation] ?? 0) > 0) {
      failures[operation] = (failures[operation] ?? 0) - 1;
      req.resume();
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
    req.pipe(forward);
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
    async close() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
