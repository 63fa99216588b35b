import { type Env, readString } from "../../config/env.ts";
import { ConfigError } from "../../errors.ts";
import type { SecretSpec } from "../../secrets/secret-spec.ts";

/** Slack app mode's settings, read when the mode is chosen (mode.ts decides, at no cold-start cost). */
export const SLACK_BOT_TOKEN_SECRET: SecretSpec = {
  description: "Slack bot token",
  plainVariable: "SLACK_BOT_TOKEN",
  referenceVariable: "SLACK_BOT_TOKEN_SECRET",
  jsonKeys: ["botToken", "token"],
};

export const DEFAULT_SLACK_API_URL = "https://slack.com/api/";

export interface SlackAppConfig {
  /** A channel id (C0123ABCD): chat.update needs the id, a name would only work for posting. */
  channel: string;
  /** The Web API base, ending in `/`; overridden only for tests and proxies. */
  apiUrl: string;
}

/** Channel ids are upper-case letters and digits starting with C (public), G (private) or D (direct). */
const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

export function readSlackAppConfig(env: Env): SlackAppConfig {
  const channel = readString(env, "SLACK_CHANNEL");
  if (channel === undefined)
    throw new ConfigError(
      "Slack app mode needs SLACK_CHANNEL: the id of the channel to post in (C0123ABCD; in Slack, the channel's details show it)",
    );
  if (!CHANNEL_ID.test(channel))
    throw new ConfigError(
      `SLACK_CHANNEL must be a channel id such as C0123ABCD (the channel's details in Slack show it), not a name; got "${channel.slice(0, 40)}"`,
    );
  return { channel, apiUrl: slackApiUrl(readString(env, "SLACK_API_URL")) };
}

/** https anywhere; plain http only to a loopback stand-in (tests), so a token never crosses a network in clear. */
function slackApiUrl(value: string | undefined): string {
  if (value === undefined) return DEFAULT_SLACK_API_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError("SLACK_API_URL is not a valid URL");
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback))
    throw new ConfigError("SLACK_API_URL must be https (plain http only to a loopback address)");
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

/** A bot token starts `xoxb-`; anything else (a user or app token, a webhook URL) is refused without echoing it. */
export function checkBotToken(token: string, variable: string): string {
  if (!token.startsWith("xoxb-"))
    throw new ConfigError(
      `the secret named by ${variable} is not a Slack bot token (it must start with xoxb-; the app's OAuth & Permissions page shows it)`,
    );
  return token;
}
