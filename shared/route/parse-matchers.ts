import { ConfigError, errorMessage } from "../errors.ts";
import { isRegexOperator, MATCH_OPERATORS, type Matcher, type MatchOperator } from "./matcher.ts";
import { compileAnchoredPattern } from "./regex-engine.ts";

const OPERATOR_CHARS = new Set(["=", "!", "~", "<", ">"]);
const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;
const UNQUOTED_VALUE_STOP = new Set([",", "{", "}", '"']);

/**
 * Reads a comma-separated list of Alertmanager matchers, with or without the surrounding `{}`:
 * `severity="critical", cluster=~"prod-.*"`, `{alertname!=Watchdog}`. Throws a ConfigError saying what is
 * wrong and where; the caller adds which rule.
 */
export function parseMatchers(text: string): Matcher[] {
  const body = stripBraces(text.trim());
  const reader = new Reader(body);
  const matchers: Matcher[] = [];
  reader.skipSpace();
  while (!reader.atEnd()) {
    matchers.push(readMatcher(reader));
    reader.skipSpace();
    if (reader.atEnd()) break;
    if (reader.peek() !== ",") {
      throw new ConfigError(`expected "," between matchers, found ${reader.describeRest()}`);
    }
    reader.advance();
    reader.skipSpace();
  }
  return matchers;
}

function stripBraces(text: string): string {
  const opens = text.startsWith("{");
  const closes = text.endsWith("}");
  if (opens && closes) return text.slice(1, -1);
  if (opens) throw new ConfigError(`"{" is never closed by "}"`);
  return text;
}

function readMatcher(reader: Reader): Matcher {
  const name = readLabelName(reader);
  reader.skipSpace();
  const operator = readOperator(reader, name);
  reader.skipSpace();
  const value =
    reader.peek() === '"' ? readQuoted(reader, `value of label "${name}"`) : readUnquotedValue(reader);
  if (!isRegexOperator(operator)) return { name, operator, value, pattern: null };
  try {
    return { name, operator, value, pattern: compileAnchoredPattern(value) };
  } catch (error) {
    throw new ConfigError(`bad regex ${JSON.stringify(value)} for label "${name}": ${errorMessage(error)}`);
  }
}

function readLabelName(reader: Reader): string {
  if (reader.peek() === '"') return readQuoted(reader, "label name");
  if (!NAME_START.test(reader.peek())) {
    throw new ConfigError(`expected a label name, found ${reader.describeRest()}`);
  }
  let name = "";
  while (!reader.atEnd() && NAME_PART.test(reader.peek())) name += reader.advance();
  return name;
}

function readOperator(reader: Reader, name: string): MatchOperator {
  let operator = "";
  while (!reader.atEnd() && OPERATOR_CHARS.has(reader.peek())) operator += reader.advance();
  if (operator === "") {
    throw new ConfigError(
      `expected an operator (=, !=, =~, !~) after label "${name}", found ${reader.describeRest()}`,
    );
  }
  if (!(MATCH_OPERATORS as readonly string[]).includes(operator)) {
    throw new ConfigError(`bad operator "${operator}" after label "${name}"; use =, !=, =~ or !~`);
  }
  return operator as MatchOperator;
}

/**
 * A double-quoted string. As in Alertmanager, `\"`, `\\` and `\n` are escapes and any other backslash is kept
 * as written, so a regex like `"api\.example"` means what it says.
 */
function readQuoted(reader: Reader, what: string): string {
  reader.advance();
  let result = "";
  while (!reader.atEnd()) {
    const char = reader.advance();
    if (char === '"') return result;
    if (char !== "\\" || reader.atEnd()) {
      result += char;
      continue;
    }
    const escaped = reader.advance();
    if (escaped === "n") result += "\n";
    else if (escaped === '"' || escaped === "\\") result += escaped;
    else result += `\\${escaped}`;
  }
  throw new ConfigError(`${what} has an opening " without a closing one`);
}

function readUnquotedValue(reader: Reader): string {
  let value = "";
  while (!reader.atEnd() && !UNQUOTED_VALUE_STOP.has(reader.peek()) && !/\s/.test(reader.peek())) {
    value += reader.advance();
  }
  return value;
}

class Reader {
  #text: string;
  #position = 0;

  constructor(text: string) {
    this.#text = text;
  }

  atEnd(): boolean {
    return this.#position >= this.#text.length;
  }

  peek(): string {
    return this.#text.charAt(this.#position);
  }

  advance(): string {
    const char = this.#text.charAt(this.#position);
    this.#position++;
    return char;
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.peek())) this.#position++;
  }

  describeRest(): string {
    if (this.atEnd()) return "the end of the matchers";
    const rest = this.#text.slice(this.#position);
    return JSON.stringify(rest.length > 20 ? `${rest.slice(0, 20)}...` : rest);
  }
}
