import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import { findSlackLimitViolations, type SlackBlock } from "../../shared/deliver/slack/index.ts";
import { listenOnLoopback } from "./loopback.ts";

/**
 * A Slack Web API stand-in on loopback (SLACK_API_URL). It checks each call as Slack documents it: POST to
 * /api/<method>, `Authorization: Bearer <bot token>`, a JSON body (a form for chat.getPermalink), a known
 * `channel`, an existing `ts` / `thread_ts`, blocks within Block Kit's limits. It answers like Slack: HTTP 200
 * with `ok: true` or `ok: false` and an error code, HTTP 429 with Retry-After; and on demand a stalled body.
 */
export type SlackFault =
  /** HTTP 200 `{"ok": false, "error": code}`, with Retry-After when given (Slack's `ratelimited`). */
  | { error: string; needed?: string; retryAfter?: string }
  /** HTTP 429 with Retry-After, as Slack's rate limiter answers. */
  | { status: 429; retryAfter: string }
  /** HTTP 200 headers, then part of the body, then nothing: the call is done on Slack's side. */
  | { stallBody: true };

export interface SlackCall {
  method: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** What the request got wrong against Slack's documentation; empty for a correct call. */
  problems: string[];
  /** How it was answered: ok, the error code, 429, or stalled. */
  answer: string;
}

export interface PostedSlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: SlackBlock[];
  threadTs: string | null;
  /** chat.update calls applied to it. */
  updates: number;
}

export interface SlackWebApiStandIn {
  /** SLACK_API_URL: `http://127.0.0.1:PORT/api/`. */
  url: string;
  calls: SlackCall[];
  /** Messages as they are now (after updates), in posting order. */
  messages: PostedSlackMessage[];
  /** Answers the next calls of `method` with these faults, in order, then normally. */
  failNext(method: string, ...faults: SlackFault[]): void;
  /** The message cannot be edited any more: chat.update answers this error (message_not_found when deleted). */
  refuseEdits(ts: string, error: "message_not_found" | "cant_update_message" | "edit_window_closed"): void;
  /** Connections the client closed while a stalled answer was held: the client's timeout really aborted. */
  aborted(): number;
  close(): Promise<void>;
}

export const STAND_IN_TEAM = "https://sentinel-test.slack.com";

export async function startSlackWebApi(options: {
  token: string;
  /** Channels that exist, and whether the app is in them. */
  channels: Record<string, { member: boolean }>;
}): Promise<SlackWebApiStandIn> {
  const calls: SlackCall[] = [];
  const messages: PostedSlackMessage[] = [];
  const faults = new Map<string, SlackFault[]>();
  const refused = new Map<string, string>();
  const held: ServerResponse[] = [];
  let abortedCount = 0;
  let clock = 1_795_392_000;

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const method = (request.url ?? "").replace(/^\/api\//, "").split("?")[0] ?? "";
      const text = Buffer.concat(chunks).toString("utf8");
      const problems: string[] = [];
      const call: SlackCall = { method, headers: request.headers, body: {}, problems, answer: "ok" };
      calls.push(call);
      const answer = (
        status: number,
        body: Record<string, unknown>,
        headers: Record<string, string> = {},
      ) => {
        response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
        response.end(JSON.stringify(body));
      };
      const fail = (
        error: string,
        extra: Record<string, unknown> = {},
        headers: Record<string, string> = {},
      ) => {
        call.answer = error;
        answer(200, { ok: false, error, ...extra }, headers);
      };

      if (request.method !== "POST") problems.push(`${request.method} instead of POST`);
      if (!(request.url ?? "").startsWith("/api/")) problems.push(`path ${request.url} is not /api/<method>`);
      const authorization = request.headers.authorization;
      const form = method === "chat.getPermalink";
      const type = String(request.headers["content-type"] ?? "");
      if (
        form
          ? !type.startsWith("application/x-www-form-urlencoded")
          : !/^application\/json; charset=utf-8$/i.test(type)
      )
        problems.push(`content-type ${type} for ${method}`);
      try {
        call.body = form
          ? Object.fromEntries(new URLSearchParams(text))
          : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        problems.push("body is not JSON");
        fail("invalid_json");
        return;
      }
      if (authorization === undefined) return fail("not_authed");
      if (authorization !== `Bearer ${options.token}`) return fail("invalid_auth");

      const fault = faults.get(method)?.shift();
      if (fault !== undefined) {
        if ("stallBody" in fault) {
          call.answer = "stalled";
          // Slack has acted: a posted message exists although its answer never completes.
          if (method === "chat.postMessage") record(call.body);
          response.writeHead(200, { "content-type": "application/json", "content-length": "200" });
          response.write('{"ok":true,');
          response.on("close", () => {
            if (!response.writableFinished) abortedCount++;
          });
          held.push(response);
          return;
        }
        if ("status" in fault) {
          call.answer = "429";
          answer(429, { ok: false, error: "ratelimited" }, { "retry-after": fault.retryAfter });
          return;
        }
        return fail(
          fault.error,
          fault.needed ? { needed: fault.needed, provided: "chat:write.public" } : {},
          fault.retryAfter ? { "retry-after": fault.retryAfter } : {},
        );
      }

      const channel = String(call.body.channel ?? "");
      const known = options.channels[channel];
      if (known === undefined) return fail("channel_not_found");
      if (!known.member) return fail("not_in_channel");

      if (method === "chat.postMessage" || method === "chat.update") {
        if (typeof call.body.text !== "string" || call.body.text === "")
          problems.push("no text (the notification fallback)");
        const blocks = call.body.blocks;
        if (blocks !== undefined) {
          if (!Array.isArray(blocks)) return fail("invalid_blocks_format");
          const violations = findSlackLimitViolations({
            text: String(call.body.text ?? " "),
            blocks: blocks as SlackBlock[],
          });
          if (violations.length > 0) {
            problems.push(...violations.map((v) => `${v.path}: ${v.problem}`));
            return fail("invalid_blocks");
          }
        }
      }
      if (method === "chat.postMessage") {
        const threadTs = call.body.thread_ts;
        if (threadTs !== undefined && !messages.some((m) => m.ts === threadTs && m.channel === channel))
          problems.push(`thread_ts ${String(threadTs)} is no message of ${channel}`);
        const posted = record(call.body);
        return answer(200, { ok: true, channel, ts: posted.ts, message: { text: posted.text } });
      }
      if (method === "chat.update") {
        const ts = String(call.body.ts ?? "");
        const message = messages.find((m) => m.ts === ts && m.channel === channel);
        if (message === undefined) return fail("message_not_found");
        const refusal = refused.get(ts);
        if (refusal !== undefined) return fail(refusal);
        message.text = String(call.body.text);
        message.blocks = (call.body.blocks as SlackBlock[] | undefined) ?? [];
        message.updates++;
        return answer(200, { ok: true, channel, ts, text: message.text });
      }
      if (method === "chat.getPermalink") {
        const ts = String(call.body.message_ts ?? "");
        if (!messages.some((m) => m.ts === ts && m.channel === channel)) return fail("message_not_found");
        return answer(200, {
          ok: true,
          channel,
          permalink: `${STAND_IN_TEAM}/archives/${channel}/p${ts.replace(".", "")}`,
        });
      }
      problems.push(`unknown method ${method}`);
      fail("unknown_method");
    });
  });

  function record(body: Record<string, unknown>): PostedSlackMessage {
    clock += 1;
    const posted: PostedSlackMessage = {
      channel: String(body.channel),
      ts: `${clock}.${String(messages.length + 1).padStart(6, "0")}`,
      text: String(body.text ?? ""),
      blocks: (body.blocks as SlackBlock[] | undefined) ?? [],
      threadTs: typeof body.thread_ts === "string" ? body.thread_ts : null,
      updates: 0,
    };
    messages.push(posted);
    return posted;
  }

  const listening = await listenOnLoopback(server);
  return {
    url: `${listening.url}/api/`,
    calls,
    messages,
    failNext(method, ...next) {
      faults.set(method, [...(faults.get(method) ?? []), ...next]);
    },
    refuseEdits(ts, error) {
      refused.set(ts, error);
    },
    aborted: () => abortedCount,
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await listening.close();
    },
  };
}
