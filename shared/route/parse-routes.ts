import { ConfigError, errorMessage } from "../errors.ts";
import { Sink } from "../model/index.ts";
import { parseMatchers } from "./parse-matchers.ts";
import { DEFAULT_SINKS, type RouteRule, type Routes } from "./routes.ts";
import { type RuleText, splitRules } from "./split-rules.ts";

const ARROW = "=>";
const CATCH_ALL_WORDS = new Set(["default", "*"]);
const KNOWN_SINKS: readonly string[] = Object.values(Sink);
const MAX_RULE_TEXT_IN_ERROR = 200;

/**
 * Parses ROUTES: rules separated by `;` or line breaks, each `<matchers> => <sinks>`, e.g.
 * `severity="critical",cluster=~"prod-.*" => pagerduty,slack; default => slack`. Pure; throws a ConfigError
 * naming the rule (position and text) and what is wrong.
 */
export function parseRoutes(text: string): Routes {
  const rules: RouteRule[] = [];
  let defaultRule: RuleText | null = null;
  let defaultSinks: Sink[] = [...DEFAULT_SINKS];

  for (const ruleText of splitRules(text)) {
    if (defaultRule !== null) {
      throw ruleError(
        ruleText,
        `it can never match: rule ${defaultRule.index} before it is a catch-all and the first matching rule wins`,
      );
    }
    const parsed = parseRule(ruleText);
    if (parsed.matchers.length === 0) {
      defaultRule = ruleText;
      defaultSinks = parsed.sinks;
    } else {
      rules.push(parsed);
    }
  }
  return { rules, defaultSinks };
}

function parseRule(ruleText: RuleText): RouteRule {
  const arrow = findArrow(ruleText.text);
  if (arrow < 0) throw ruleError(ruleText, `missing "${ARROW}" between the matchers and the sinks`);
  const left = ruleText.text.slice(0, arrow).trim();
  const right = ruleText.text.slice(arrow + ARROW.length);
  try {
    const catchAll = isCatchAll(left);
    const matchers = catchAll ? [] : parseMatchers(left);
    if (matchers.length === 0 && !catchAll) {
      throw new ConfigError(
        `no matchers before "${ARROW}"; write "default ${ARROW} ..." for a catch-all rule`,
      );
    }
    return { matchers, sinks: parseSinks(right), index: ruleText.index, text: ruleText.text };
  } catch (error) {
    if (error instanceof ConfigError) throw ruleError(ruleText, error.message, error);
    throw ruleError(ruleText, errorMessage(error), error);
  }
}

function parseSinks(text: string): Sink[] {
  const names = text.split(/[\s,]+/).filter((name) => name !== "");
  if (names.length === 0)
    throw new ConfigError(`no sinks after "${ARROW}"; known sinks: ${KNOWN_SINKS.join(", ")}`);
  const sinks: Sink[] = [];
  for (const name of names) {
    if (!KNOWN_SINKS.includes(name)) {
      throw new ConfigError(`unknown sink ${JSON.stringify(name)}; known sinks: ${KNOWN_SINKS.join(", ")}`);
    }
    const sink = name as Sink;
    if (!sinks.includes(sink)) sinks.push(sink);
  }
  return sinks;
}

/** `default`, `*` or empty braces: a rule that matches every group. */
function isCatchAll(left: string): boolean {
  return CATCH_ALL_WORDS.has(left.toLowerCase()) || /^\{\s*\}$/.test(left);
}

/** Position of the first `=>` outside double quotes, or -1. */
function findArrow(text: string): number {
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (inQuotes && char === "\\") {
      i++;
      continue;
    }
    if (char === '"') inQuotes = !inQuotes;
    if (!inQuotes && text.startsWith(ARROW, i)) return i;
  }
  return -1;
}

function ruleError(ruleText: RuleText, problem: string, cause?: unknown): ConfigError {
  const shown =
    ruleText.text.length > MAX_RULE_TEXT_IN_ERROR
      ? `${ruleText.text.slice(0, MAX_RULE_TEXT_IN_ERROR)}...`
      : ruleText.text;
  return new ConfigError(`ROUTES rule ${ruleText.index} (${shown}): ${problem}`, { cause });
}
