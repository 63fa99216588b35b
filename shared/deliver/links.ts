import { type Env, readString } from "../config/env.ts";
import { ConfigError } from "../errors.ts";

/**
 * Where a message points a human: the Grafana dashboard (DASHBOARD_URL; `{cluster}` in it is replaced by the
 * group's cluster) and the runbook (RUNBOOK_URL, docs/runbook.md wherever you publish it; each diagnosis code
 * links to its section, `#<code in lower case>`). Both optional.
 */
export interface MessageLinks {
  dashboardUrl: string | null;
  runbookUrl: string | null;
}

export const NO_LINKS: MessageLinks = { dashboardUrl: null, runbookUrl: null };

export function messageLinksFromEnv(env: Env): MessageLinks {
  return {
    dashboardUrl: httpUrl("DASHBOARD_URL", readString(env, "DASHBOARD_URL")),
    runbookUrl: httpUrl("RUNBOOK_URL", readString(env, "RUNBOOK_URL")),
  };
}

function httpUrl(name: string, text: string | undefined): string | null {
  if (text === undefined) return null;
  let url: URL;
  try {
    url = new URL(text.replaceAll("{cluster}", "cluster"));
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(`${name} must be http(s)`);
  return text;
}

export function dashboardLink(links: MessageLinks, cluster: string | null): string | null {
  if (links.dashboardUrl === null) return null;
  return links.dashboardUrl.replaceAll("{cluster}", encodeURIComponent(cluster ?? ""));
}

/** The runbook section of a diagnosis code (docs/runbook.md has `<a id="coredns_on_spot">` for each). */
export function runbookLink(links: MessageLinks, code: string): string | null {
  if (links.runbookUrl === null) return null;
  return `${links.runbookUrl.replace(/#.*$/, "")}#${code.toLowerCase()}`;
}
