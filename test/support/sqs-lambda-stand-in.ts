import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { listenOnLoopback } from "./loopback.ts";

/**
 * A loopback stand-in for what `redrive` calls: an SQS queue (JSON protocol, `AmazonSQS.*` targets) holding
 * the given messages, handed out once, and Lambda's synchronous Invoke (REST), answered by `invoke`.
 * Every SQS call and every invocation is kept for the test to check.
 */
export interface SqsLambdaStandIn {
  url: string;
  invocations: { functionName: string; payload: unknown }[];
  /** The request bodies of one SQS action, in order. */
  calls(action: string): Record<string, unknown>[];
  /** The region each request was signed for (SigV4 credential scope), in order. */
  signedRegions: string[];
  close(): Promise<void>;
}

interface ParkedMessage {
  MessageId: string;
  ReceiptHandle: string;
  Body: string;
}

export async function startSqsLambdaStandIn(options: {
  messages: ParkedMessage[];
  invoke: (payload: unknown) => { body: string; functionError?: string };
}): Promise<SqsLambdaStandIn> {
  const sqsCalls: { action: string; body: Record<string, unknown> }[] = [];
  const invocations: SqsLambdaStandIn["invocations"] = [];
  const signedRegions: string[] = [];
  let waiting = [...options.messages];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ""));
      signedRegions.push(scope?.[1] ?? "unsigned");
      const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? "");
      if (invoke) {
        const payload = JSON.parse(text) as unknown;
        invocations.push({ functionName: decodeURIComponent(invoke[1] as string), payload });
        const answer = options.invoke(payload);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (answer.functionError) headers["x-amz-function-error"] = answer.functionError;
        res.writeHead(200, headers).end(answer.body);
        return;
      }
      const action = String(req.headers["x-amz-target"] ?? "").replace(/^AmazonSQS\./, "");
      const body = JSON.parse(text || "{}") as Record<string, unknown>;
      sqsCalls.push({ action, body });
      let answer: unknown = {};
      if (action === "ReceiveMessage") {
        answer = {
          Messages: waiting.map((m) => ({ ...m, MD5OfBody: createHash("md5").update(m.Body).digest("hex") })),
        };
        waiting = [];
      }
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify(answer));
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    invocations,
    signedRegions,
    calls: (action) => sqsCalls.filter((c) => c.action === action).map((c) => c.body),
    close,
  };
}
