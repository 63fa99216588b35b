import type { LinearPattern } from "./matcher.ts";

/** Compiles an RE2 pattern as given (the caller anchors it); throws when it is not valid RE2. */
export type RegexEngine = (source: string) => LinearPattern;

let engine: RegexEngine | null = null;

/**
 * Loads the RE2 engine (re2js) the `=~` and `!~` matchers compile with. It is about 150 KiB of bundle that only
 * ROUTES with a regex need, so loadRoutes calls this on demand rather than every cold start paying for it.
 */
export async function loadRegexEngine(): Promise<void> {
  if (engine !== null) return;
  const { RE2JS } = await import("../lazy/re2.ts");
  engine = (source) => {
    const compiled = RE2JS.compile(source);
    return { test: (text) => compiled.matcher(text).matches() };
  };
}

/**
 * Compiles an anchored pattern with RE2's syntax and semantics, as Alertmanager does: matching takes time
 * linear in the label's length, so `(a+)+b` cannot hold the ingest function for seconds the way a
 * backtracking JavaScript RegExp does, and `(?i)`, `\pL` and the rest read as Alertmanager reads them.
 * Backreferences and lookaround do not exist in RE2 and are refused. Throws when `source` is not valid RE2.
 */
export function compileAnchoredPattern(source: string): LinearPattern {
  if (engine === null) throw new Error("the RE2 engine is not loaded (load ROUTES with loadRoutes)");
  return engine(`^(?:${source})$`);
}
