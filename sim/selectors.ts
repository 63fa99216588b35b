/**
 * Label and field selectors as the API server parses them, so code tested against the simulator sends
 * selectors a real cluster accepts (and gets the same 400 for ones it rejects).
 */

export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SelectorError";
  }
}

export type LabelRequirement =
  | { op: "=" | "!="; key: string; value: string }
  | { op: "in" | "notin"; key: string; values: string[] }
  | { op: "exists" | "!exists"; key: string };

const labelKeyPattern = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const labelValuePattern = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside `( ... )`. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function checkKey(key: string, whole: string): string {
  if (!labelKeyPattern.test(key))
    throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${whole}"`);
  return key;
}

function checkValue(value: string, whole: string): string {
  if (!labelValuePattern.test(value) || value.length > 63) {
    throw new SelectorError(`unable to parse requirement: invalid label value "${value}" in "${whole}"`);
  }
  return value;
}

export function parseLabelSelector(selector: string): LabelRequirement[] {
  if (selector.trim() === "") return [];
  return splitTopLevel(selector).map((raw) => {
    const part = raw.trim();
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (set) {
      const values = (set[3] ?? "")
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== "");
      if (values.length === 0) throw new SelectorError(`unable to parse requirement: empty set in "${part}"`);
      return {
        op: set[2] as "in" | "notin",
        key: checkKey(set[1] ?? "", part),
        values: values.map((v) => checkValue(v, part)),
      };
    }
    const comparison = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (comparison) {
      return {
        op: comparison[2] === "!=" ? "!=" : "=",
        key: checkKey(comparison[1] ?? "", part),
        value: checkValue(comparison[3] ?? "", part),
      };
    }
    const absent = /^!\s*(\S+)$/.exec(part);
    if (absent) return { op: "!exists", key: checkKey(absent[1] ?? "", part) };
    if (/^\S+$/.test(part)) return { op: "exists", key: checkKey(part, part) };
    throw new SelectorError(`unable to parse requirement: "${part}"`);
  });
}

export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string> = {},
): boolean {
  return requirements.every((requirement) => matchesRequirement(requirement, labels));
}

function matchesRequirement(requirement: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, requirement.key);
  const value = labels[requirement.key];
  switch (requirement.op) {
    case "=":
      return has && value === requirement.value;
    case "!=":
      return !has || value !== requirement.value;
    case "in":
      return has && requirement.values.includes(value ?? "");
    case "notin":
      return !has || !requirement.values.includes(value ?? "");
    case "exists":
      return has;
    case "!exists":
      return !has;
  }
}

export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

export function parseFieldSelector(selector: string, supported: readonly string[]): FieldRequirement[] {
  if (selector.trim() === "") return [];
  return selector.split(",").map((raw) => {
    const part = raw.trim();
    const match = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!match) throw new SelectorError(`invalid field selector: "${part}"`);
    const field = match[1] ?? "";
    if (!supported.includes(field)) throw new SelectorError(`field label not supported: ${field}`);
    return { field, op: match[2] === "!=" ? "!=" : "=", value: match[3] ?? "" };
  });
}

/** Field values are compared as strings, as the API server does (`spec.unschedulable=true`). */
export function matchesFields(requirements: FieldRequirement[], fieldOf: (field: string) => string): boolean {
  return requirements.every((r) => (fieldOf(r.field) === r.value) === (r.op === "="));
}
