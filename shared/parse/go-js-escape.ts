/**
 * Go's `js` template function (text/template JSEscapeString), as Alertmanager templates use it: `\\`, `\'`,
 * `\"`, `\u003C` `\u003E` `\u0026` `\u003D` for `< > & =`, and `\u` + `%04X` of the code point for every rune
 * Go does not consider printable. `%04X` pads to four digits but never cuts, so a non-printable rune beyond
 * U+FFFF (the tag characters of a flag emoji, U+E0067) comes out as FIVE or six hex digits: `\uE0067`. A JSON
 * reader takes that as U+E006 followed by "7". These helpers read such escapes back.
 */

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const HEX_RUN = /^[0-9A-Fa-f]{4,6}/;

/**
 * The code point and length of the `\u` escape at `pos` (which holds the backslash), or null when no
 * four hex digits follow. A longer reading wins only when it is a rune Go would itself have escaped
 * (beyond U+FFFF and not printable): a printable rune is never escaped, so then the extra digits are
 * literal text after a four-digit escape.
 */
export function readGoUnicodeEscape(text: string, pos: number): { codePoint: number; length: number } | null {
  const hex = HEX_RUN.exec(text.slice(pos + 2, pos + 8))?.[0];
  if (!hex) return null;
  for (let digits = hex.length; digits > 4; digits--) {
    const codePoint = Number.parseInt(hex.slice(0, digits), 16);
    if (codePoint > 0xffff && codePoint <= 0x10ffff && !GO_PRINTABLE.test(String.fromCodePoint(codePoint)))
      return { codePoint, length: 2 + digits };
  }
  return { codePoint: Number.parseInt(hex.slice(0, 4), 16), length: 6 };
}

/**
 * Rewrites Go's wide `\uXXXXX` escapes inside JSON text as surrogate-pair escapes, so `JSON.parse` reads them
 * as the one character they are. Escaped backslashes (`\\u…`) are left alone.
 */
export function undoGoWideEscapes(json: string): string {
  if (!/\\u[0-9A-Fa-f]{5}/.test(json)) return json;
  let out = "";
  let copied = 0;
  for (let i = json.indexOf("\\"); i !== -1; i = json.indexOf("\\", i)) {
    const wide = json[i + 1] === "u" ? readGoUnicodeEscape(json, i) : null;
    if (wide && wide.length > 6) {
      const pair = String.fromCodePoint(wide.codePoint);
      out += `${json.slice(copied, i)}${toEscape(pair.charCodeAt(0))}${toEscape(pair.charCodeAt(1))}`;
      copied = i + wide.length;
    }
    // Skip the escaped character too, so the second backslash of `\\u…` never starts an escape.
    i += wide ? wide.length : 2;
  }
  return out + json.slice(copied);
}

function toEscape(unit: number): string {
  return `\\u${unit.toString(16).toUpperCase().padStart(4, "0")}`;
}

// Characters `js` never leaves raw, control characters included.
// biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters are what rules `js` out
const JS_ALWAYS_ESCAPES = /[=<>&'"\\\u0000-\u001f]/;

/**
 * Whether `text` could be output of Go's `js`: once its escapes are taken out, no backslash and no
 * character `js` always escapes is left.
 */
export function couldBeGoJs(text: string): boolean {
  return !JS_ALWAYS_ESCAPES.test(text.replace(/\\(?:[\\'"]|u[0-9A-Fa-f]{4})/g, ""));
}

/** Undoes Go's `js` escaping of one value. */
export function decodeGoJs(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = text[i + 1];
    if (next === "u") {
      const wide = readGoUnicodeEscape(text, i);
      if (wide) {
        out += String.fromCodePoint(wide.codePoint);
        i += wide.length - 1;
        continue;
      }
    }
    out += next ?? "\\";
    i++;
  }
  return out;
}
