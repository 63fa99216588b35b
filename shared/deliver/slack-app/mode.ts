import { type Env, readString } from "../../config/env.ts";
import { ConfigError } from "../../errors.ts";

/**
 * Which Slack mode notify-slack runs in. Imported at every cold start, so it holds only this: webhook mode
 * (the default) must not pay for app mode, whose settings and code load on demand (config.ts, load.ts).
 */
export type SlackMode = "webhook" | "app";

const WEBHOOK_VARIABLES = ["SLACK_WEBHOOK_URL", "SLACK_WEBHOOK_SECRET"];
/** SLACK_BOT_TOKEN_SECRET's two variables (config.ts). */
const APP_VARIABLES = ["SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN_SECRET"];

/** App mode when a bot token is configured; both modes at once is a start-up error naming the variables. */
export function slackModeFromEnv(env: Env): SlackMode {
  const app = APP_VARIABLES.filter((name) => readString(env, name) !== undefined);
  if (app.length === 0) {
    if (readString(env, "SLACK_CHANNEL") !== undefined)
      throw new ConfigError(
        "SLACK_CHANNEL is set but no bot token: set SLACK_BOT_TOKEN_SECRET (Slack app mode) or unset SLACK_CHANNEL (webhook mode)",
      );
    return "webhook";
  }
  const webhook = WEBHOOK_VARIABLES.filter((name) => readString(env, name) !== undefined);
  if (webhook.length > 0)
    throw new ConfigError(
      `${app.join(" and ")} (Slack app mode) and ${webhook.join(" and ")} (webhook mode) are both set; set one mode only`,
    );
  return "app";
}
