import { createServer, type Server } from "node:http";
import { listenOnLoopback } from "./loopback.ts";

/**
 * A loopback stand-in for AWS JSON-protocol services (Secrets Manager, SSM): answers each `X-Amz-Target`
 * with the given body (or what the given function makes of the request's), and keeps every request
 * (target, body) for the test to check.
 */
export interface AwsJsonStandIn {
  url: string;
  requests: { target: string; body: unknown }[];
  close(): Promise<void>;
}

export type AwsJsonAnswer = ((requestBody: unknown) => unknown) | Record<string, unknown>;

export async function startAwsJsonStandIn(answers: Record<string, AwsJsonAnswer>): Promise<AwsJsonStandIn> {
  const requests: AwsJsonStandIn["requests"] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as unknown;
      requests.push({ target, body });
      const given = answers[target];
      const answer = typeof given === "function" ? given(body) : given;
      if (answer === undefined) {
        res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify({ __type: "UnknownOperationException", message: `no answer for ${target}` }));
        return;
      }
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end(JSON.stringify(answer));
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    requests,
    close,
  };
}
