import type { Sink } from "../model/index.ts";
import type { Matcher } from "./matcher.ts";

/** One `matchers => sinks` line of ROUTES. */
export interface RouteRule {
  /** All must match (logical AND). Never empty: a catch-all is `Routes.defaultSinks`. */
  matchers: Matcher[];
  /** At least one, in the order written, without repeats. */
  sinks: Sink[];
  /** 1-based position among the non-empty rules and the text as written, for error messages and logs. */
  index: number;
  text: string;
}

export interface Routes {
  /** Tried in order; the first whose matchers all match decides. */
  rules: RouteRule[];
  /** Sinks of a group no rule matches (`default => ...`, else Slack). */
  defaultSinks: Sink[];
}

export const DEFAULT_SINKS: readonly Sink[] = ["slack"];

export const DEFAULT_ROUTES: Routes = { rules: [], defaultSinks: [...DEFAULT_SINKS] };
