/** A rule's text and its 1-based position among the non-empty rules. */
export interface RuleText {
  index: number;
  text: string;
}

const RULE_SEPARATORS = new Set([";", "\n", "\r"]);

/**
 * Splits ROUTES into rules at `;` and line breaks outside double quotes, so a quoted regex may hold either.
 * Blank rules (a trailing `;`, empty lines) are skipped, and so are comments: from a `#` at the start of a
 * rule to the end of its line.
 */
export function splitRules(text: string): RuleText[] {
  const pieces: string[] = [];
  let current = "";
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    // A comment runs to the end of its line whatever it holds, so a stray quote in it cannot swallow rules.
    if (!inQuotes && char === "#" && current.trim() === "") {
      const lineEnd = text.indexOf("\n", i);
      i = lineEnd < 0 ? text.length : lineEnd;
      current = "";
      continue;
    }
    if (inQuotes && char === "\\" && i + 1 < text.length) {
      current += char + text.charAt(i + 1);
      i++;
      continue;
    }
    if (char === '"') inQuotes = !inQuotes;
    if (!inQuotes && RULE_SEPARATORS.has(char)) {
      pieces.push(current);
      current = "";
      continue;
    }
    current += char;
  }
  pieces.push(current);

  const rules: RuleText[] = [];
  for (const piece of pieces) {
    const trimmed = piece.trim();
    if (trimmed === "") continue;
    rules.push({ index: rules.length + 1, text: trimmed });
  }
  return rules;
}
