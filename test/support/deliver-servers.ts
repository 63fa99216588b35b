import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Real HTTP servers on 127.0.0.1 standing in for Slack and PagerDuty. Each answers from a script, in order
 * (the last entry repeats), and records every request's method, path, headers and body bytes.
 */
export type ScriptedAnswer =
  | { status: number; headers?: Record<string, string>; body?: string }
  | { hang: true }
  /** Sends the status line and headers, then never finishes the body. */
  | { stallBodyAfter: number };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedServer {
  /** Base URL, e.g. http://127.0.0.1:43123 */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startScriptedServer(script: ScriptedAnswer[]): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const answer = script[Math.min(requests.length - 1, script.length - 1)] ?? { status: 500 };
      if ("hang" in answer) {
        hanging.push(response);
        return;
      }
      if ("stallBodyAfter" in answer) {
        response.writeHead(answer.stallBodyAfter, { "content-type": "text/plain", "content-length": "100" });
        response.write("o");
        hanging.push(response);
        return;
      }
      response.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
      response.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sleep stand-in that records requested delays and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}
