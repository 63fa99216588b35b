/**
 * Alertmanager label matchers (`name="value"`, `!=`, `=~`, `!~`). Semantics follow Alertmanager: a missing
 * label matches as the empty string, and regexes are anchored at both ends (`^(?:...)$`).
 */

export const MatchOperator = { equal: "=", notEqual: "!=", regexMatch: "=~", regexNoMatch: "!~" } as const;
export type MatchOperator = (typeof MatchOperator)[keyof typeof MatchOperator];

export const MATCH_OPERATORS: readonly MatchOperator[] = Object.values(MatchOperator);

/** A compiled regex that matches in time linear in the input (RE2 semantics, as Alertmanager's). */
export interface LinearPattern {
  test(text: string): boolean;
}

export interface Matcher {
  name: string;
  operator: MatchOperator;
  value: string;
  /** Compiled, anchored pattern for `=~` and `!~`; null for the equality operators. */
  pattern: LinearPattern | null;
}

export function isRegexOperator(operator: MatchOperator): boolean {
  return operator === MatchOperator.regexMatch || operator === MatchOperator.regexNoMatch;
}

export function matchesLabels(matcher: Matcher, labels: Readonly<Record<string, string>>): boolean {
  // Own properties only: `constructor` or `toString` must not match Object.prototype's members.
  const actual = Object.hasOwn(labels, matcher.name) ? (labels[matcher.name] ?? "") : "";
  switch (matcher.operator) {
    case MatchOperator.equal:
      return actual === matcher.value;
    case MatchOperator.notEqual:
      return actual !== matcher.value;
    case MatchOperator.regexMatch:
      return matcher.pattern?.test(actual) ?? false;
    case MatchOperator.regexNoMatch:
      return !(matcher.pattern?.test(actual) ?? false);
  }
}

const PLAIN_LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isPlainLabelName(name: string): boolean {
  return PLAIN_LABEL_NAME.test(name);
}

/** Quotes a string the way the parser reads it back: `\` -> `\\`, `"` -> `\"`, newline -> `\n`. */
export function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

export function formatMatcher(matcher: Pick<Matcher, "name" | "operator" | "value">): string {
  const name = isPlainLabelName(matcher.name) ? matcher.name : quote(matcher.name);
  return `${name}${matcher.operator}${quote(matcher.value)}`;
}
