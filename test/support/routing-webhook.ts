import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedPost {
  path: string;
  body: string;
}

export interface CountingWebhook {
  url: string;
  /** Every POST that was answered 2xx, in arrival order. */
  delivered: RecordedPost[];
  /** Every request received, whatever the answer. */
  received: RecordedPost[];
  /** Answers the next requests with these statuses (then 200). */
  failNext(...statuses: number[]): void;
  /** Holds answers until `release()`: lets a test keep a delivery in flight. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** A loopback HTTP endpoint that records what it is sent: the stand-in for Slack and PagerDuty. */
export async function startCountingWebhook(): Promise<CountingWebhook> {
  const delivered: RecordedPost[] = [];
  const received: RecordedPost[] = [];
  const statuses: number[] = [];
  let held: (() => void)[] | null = null;

  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const post = { path: request.url ?? "", body };
    received.push(post);
    const answer = () => {
      const status = statuses.shift() ?? 200;
      if (status < 300) delivered.push(post);
      // A failure answer quotes the request, as careless proxies do, so tests can prove it gets redacted.
      const text = status < 300 ? "ok" : `failed ${post.path} ${post.body}`;
      response.writeHead(status, { "content-type": "text/plain" }).end(text);
    };
    if (held === null) answer();
    else held.push(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    delivered,
    received,
    failNext: (...next) => statuses.push(...next),
    hold: () => {
      held = [];
    },
    release: () => {
      const waiting = held ?? [];
      held = null;
      for (const answer of waiting) answer();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
