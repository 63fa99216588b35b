import type { Sink } from "../model/index.ts";
import { formatMatcher, type Matcher } from "./matcher.ts";
import type { Routes } from "./routes.ts";

export interface PrintableRule {
  matchers: readonly Pick<Matcher, "name" | "operator" | "value">[];
  sinks: readonly Sink[];
}

/** Prints a rule in the syntax parseRoutes reads, values always quoted. */
export function formatRule(rule: PrintableRule): string {
  const left = rule.matchers.length === 0 ? "default" : `{${rule.matchers.map(formatMatcher).join(", ")}}`;
  return `${left} => ${rule.sinks.join(",")}`;
}

/** One line, `; `-separated, ending with the default rule: a value ROUTES accepts back. */
export function formatRoutes(routes: Routes): string {
  return [...routes.rules, { matchers: [], sinks: routes.defaultSinks }].map(formatRule).join("; ");
}
