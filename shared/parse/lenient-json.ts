/**
 * A forgiving JSON reader for the JSON that Alertmanager templates build by hand. The AWS-documented
 * `sns.default.message` template prints label values unescaped, so a value may hold a raw newline or an
 * unescaped `"`, and templates that pass values through Go's `js` function produce `\'`, which JSON forbids.
 * AMP also cuts bodies over 256 KB mid-token. This reader accepts all of that: it repairs what it can,
 * and on a cut body returns every member and element that was complete.
 *
 * It only runs after `JSON.parse` failed, so well-formed webhook bodies take the native path.
 */

export interface LenientJsonResult {
  value: unknown;
  /** False when the text ended before the top-level value closed (a truncated body). */
  complete: boolean;
  /** What had to be repaired, for the group's warnings. */
  repairs: string[];
}

export class LenientJsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = "LenientJsonError";
  }
}

/** Raised internally when the text runs out; caught by the container being read. */
class EndOfInput extends Error {}

import { setOwn } from "./text-safety.ts";

const VALUE_START = /[-0-9tfn"{[]/;
const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};
const MAX_DEPTH = 64;

export function parseLenientJson(text: string): LenientJsonResult {
  try {
    return read(text, false);
  } catch (error) {
    // A raw value ending in a backslash prints as `"C:\\"` and swallows its closing quote. Only when the
    // usual reading fails do we try again letting such a `\"` close the string.
    if (!(error instanceof LenientJsonError)) throw error;
    try {
      return read(text, true);
    } catch {
      throw error;
    }
  }
}

function read(text: string, backslashQuoteMayClose: boolean): LenientJsonResult {
  const reader = new Reader(text, backslashQuoteMayClose);
  reader.skipWhitespace();
  if (reader.atEnd()) throw new LenientJsonError("empty document", 0);
  let value: unknown;
  try {
    value = reader.readValue(0);
  } catch (error) {
    if (error instanceof EndOfInput)
      throw new LenientJsonError("document ended before any value was complete", text.length);
    throw error;
  }
  reader.skipWhitespace();
  if (!reader.atEnd() && reader.complete)
    reader.repairs.push(`ignored ${text.length - reader.pos} trailing characters`);
  return { value, complete: reader.complete, repairs: reader.repairs };
}

class Reader {
  pos = 0;
  complete = true;
  readonly repairs: string[] = [];
  private quoteRepairs = 0;
  private escapeRepairs = 0;
  private controlRepairs = 0;

  constructor(
    private readonly text: string,
    private readonly backslashQuoteMayClose: boolean,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipWhitespace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? "")) this.pos++;
  }

  private peek(): string {
    if (this.pos >= this.text.length) throw new EndOfInput();
    return this.text[this.pos] as string;
  }

  readValue(depth: number): unknown {
    if (depth > MAX_DEPTH) throw new LenientJsonError(`nesting deeper than ${MAX_DEPTH}`, this.pos);
    this.skipWhitespace();
    const c = this.peek();
    if (c === "{") return this.readObject(depth);
    if (c === "[") return this.readArray(depth);
    if (c === '"') return this.readString();
    if (c === "-" || (c >= "0" && c <= "9")) return this.readNumber();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
      if (this.text.length - this.pos < word.length && word.startsWith(this.text.slice(this.pos)))
        throw new EndOfInput();
    }
    throw new LenientJsonError(`unexpected character ${JSON.stringify(c)}`, this.pos);
  }

  private readObject(depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.pos++; // {
    try {
      this.skipWhitespace();
      if (this.peek() === "}") {
        this.pos++;
        return result;
      }
      for (;;) {
        this.skipWhitespace();
        if (this.peek() !== '"') throw new LenientJsonError("expected a quoted member name", this.pos);
        const key = this.readString();
        this.skipWhitespace();
        if (this.peek() !== ":")
          throw new LenientJsonError(`expected ":" after member "${key.slice(0, 40)}"`, this.pos);
        this.pos++;
        const value = this.readValue(depth + 1);
        setOwn(result, key, value);
        this.skipWhitespace();
        const next = this.peek();
        this.pos++;
        if (next === "}") return result;
        if (next !== ",")
          throw new LenientJsonError(`expected "," or "}" after member "${key.slice(0, 40)}"`, this.pos - 1);
      }
    } catch (error) {
      if (!(error instanceof EndOfInput)) throw error;
      // The body was cut inside this object: keep the members read so far, drop the partial one.
      this.complete = false;
      this.pos = this.text.length;
      return result;
    }
  }

  private readArray(depth: number): unknown[] {
    const result: unknown[] = [];
    this.pos++; // [
    try {
      this.skipWhitespace();
      if (this.peek() === "]") {
        this.pos++;
        return result;
      }
      for (;;) {
        const before = this.complete;
        const value = this.readValue(depth + 1);
        // An element that itself ran out of text is partial: keeping it would invent data.
        if (before && !this.complete) throw new EndOfInput();
        result.push(value);
        this.skipWhitespace();
        const next = this.peek();
        this.pos++;
        if (next === "]") return result;
        if (next !== ",")
          throw new LenientJsonError(`expected "," or "]" after element ${result.length - 1}`, this.pos - 1);
      }
    } catch (error) {
      if (!(error instanceof EndOfInput)) throw error;
      this.complete = false;
      this.pos = this.text.length;
      return result;
    }
  }

  private readNumber(): number {
    const match = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 64));
    if (!match) throw new LenientJsonError("malformed number", this.pos);
    this.pos += match[0].length;
    if (this.atEnd()) throw new EndOfInput(); // a number at the very end may have been cut
    return Number(match[0]);
  }

  private readString(): string {
    const start = this.pos;
    this.pos++; // opening quote
    let out = "";
    for (;;) {
      if (this.pos >= this.text.length) {
        this.pos = start;
        throw new EndOfInput();
      }
      const c = this.text[this.pos] as string;
      if (c === '"') {
        if (this.closesString(this.pos + 1)) {
          this.pos++;
          return out;
        }
        this.noteRepair("quote");
        out += c;
        this.pos++;
        continue;
      }
      if (c === "\\") {
        const e = this.text[this.pos + 1];
        if (e === undefined) {
          this.pos = start;
          throw new EndOfInput();
        }
        if (e === '"' && this.backslashQuoteMayClose && this.closesString(this.pos + 2)) {
          this.noteRepair("escape");
          this.pos += 2;
          return `${out}\\`;
        }
        if (e === "u") {
          const hex = this.text.slice(this.pos + 2, this.pos + 6);
          if (hex.length < 4 && this.pos + 6 > this.text.length) {
            this.pos = start;
            throw new EndOfInput();
          }
          if (/^[0-9a-fA-F]{4}$/.test(hex)) {
            out += String.fromCharCode(Number.parseInt(hex, 16));
            this.pos += 6;
            continue;
          }
        }
        const mapped = ESCAPES[e];
        if (mapped !== undefined) {
          out += mapped;
        } else {
          // Go's `js` template function writes \', meaning a quote; any other unknown escape is a raw
          // backslash from an unescaped value, so both characters are kept.
          this.noteRepair("escape");
          out += e === "'" ? "'" : `\\${e}`;
        }
        this.pos += 2;
        continue;
      }
      if (c < " ") this.noteRepair("control");
      out += c;
      this.pos++;
    }
  }

  /**
   * Whether a `"` at this point ends the string: only if what follows is what JSON allows after a string
   * (`:` `,` `}` `]` or the end). A `"` followed by anything else is an unescaped quote inside a value.
   */
  private closesString(from: number): boolean {
    let i = from;
    while (i < this.text.length && /\s/.test(this.text[i] ?? "")) i++;
    if (i >= this.text.length) return true;
    const next = this.text[i];
    if (next === ":" || next === "}" || next === "]") return true;
    if (next !== ",") return false;
    i++;
    while (i < this.text.length && /\s/.test(this.text[i] ?? "")) i++;
    return i >= this.text.length || VALUE_START.test(this.text[i] ?? "");
  }

  private noteRepair(kind: "quote" | "escape" | "control"): void {
    if (kind === "quote" && this.quoteRepairs++ === 0)
      this.repairs.push("read unescaped quotes inside a string");
    if (kind === "escape" && this.escapeRepairs++ === 0)
      this.repairs.push("read non-JSON escapes such as \\'");
    if (kind === "control" && this.controlRepairs++ === 0)
      this.repairs.push("read raw control characters inside a string");
  }
}
