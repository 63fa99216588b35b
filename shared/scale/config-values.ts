import { isMap, isScalar, parse, parseDocument, type YAMLMap } from "yaml";

/**
 * Sets one whole number in an EKS add-on's configuration values (JSON or YAML, as EKS accepts either) and
 * leaves every other byte as it was: the value is replaced in place, or a key is appended to its map in the
 * map's own style. Re-serialising would reorder keys, requote strings and drop comments that a platform
 * team put there, and the next `UpdateAddon` from their pipeline would then show a diff it did not make.
 * The edit is checked by parsing the result: anything but the one key changed is an error.
 */
export class ConfigEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigEditError";
  }
}

export function setWholeNumber(text: string | null, path: readonly string[], value: number): string {
  if (text === null || text.trim() === "") return JSON.stringify(nested(path, value));
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new ConfigEditError(`the configuration values do not parse: ${document.errors[0]?.message}`);
  }
  const edited = edit(text, document.contents, path, value);
  const expected = parse(text) as Record<string, unknown>;
  setPath(expected, path, value);
  if (canonical(parse(edited)) !== canonical(expected)) {
    throw new ConfigEditError(`setting ${path.join(".")} would change other configuration values`);
  }
  return edited;
}

function edit(text: string, node: unknown, path: readonly string[], value: number): string {
  if (!isMap(node) || !node.range) {
    throw new ConfigEditError("the configuration values are not a map of keys to values");
  }
  const [key, ...rest] = path;
  if (key === undefined) throw new ConfigEditError("empty path");
  const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
  if (pair === undefined) return insert(text, node, key, rest.length === 0 ? value : nested(rest, value));
  if (rest.length > 0) return edit(text, pair.value, rest, value);
  if (!isScalar(pair.value) || !pair.value.range) {
    throw new ConfigEditError(`${key} holds a ${describe(pair.value)}, not a number`);
  }
  const [start, end] = pair.value.range;
  return `${text.slice(0, start)}${value}${text.slice(end)}`;
}

/** Appends `key: value` to a map: before a flow map's `}`, or as a new line at a block map's indent. */
function insert(text: string, map: YAMLMap, key: string, value: unknown): string {
  const [start, end] = map.range as [number, number, number];
  const first = map.items[0];
  const last = map.items.at(-1);
  const json = JSON.stringify(value);
  if (map.flow) {
    const spaced = /"\s*:\s/.test(text.slice(start, end));
    const entry = `${JSON.stringify(key)}:${spaced ? " " : ""}${json}`;
    const lastEnd = last ? endOf(last) : null;
    if (lastEnd !== null)
      return `${text.slice(0, lastEnd)}${spaced ? ", " : ","}${entry}${text.slice(lastEnd)}`;
    const close = text.lastIndexOf("}", end - 1);
    if (close < start) throw new ConfigEditError("cannot find the end of a flow map");
    return `${text.slice(0, close)}${entry}${text.slice(close)}`;
  }
  if (!first || !last || !isScalar(first.key) || !first.key.range) {
    throw new ConfigEditError("cannot add a key to an empty block map");
  }
  const keyStart = first.key.range[0];
  const indent = keyStart - (text.lastIndexOf("\n", keyStart - 1) + 1);
  let lastEnd = endOf(last) ?? end;
  // A nested block map's range runs to the next key's line; step back onto the last line with content.
  while (lastEnd > keyStart && /\s/.test(text[lastEnd - 1] ?? "")) lastEnd -= 1;
  const lineEnd = text.indexOf("\n", lastEnd);
  const at = lineEnd === -1 ? text.length : lineEnd;
  return `${text.slice(0, at)}\n${" ".repeat(indent)}${key}: ${json}${text.slice(at)}`;
}

/** Where a pair's text ends (its value's, or its key's when the value is empty). */
function endOf(pair: { key: unknown; value: unknown }): number | null {
  const range =
    (pair.value as { range?: number[] } | null)?.range ?? (pair.key as { range?: number[] } | null)?.range;
  return range?.[1] ?? null;
}

function nested(path: readonly string[], value: number): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: number): void {
  let cursor = target;
  for (const key of path.slice(0, -1)) {
    const next = cursor[key];
    if (typeof next !== "object" || next === null) cursor[key] = {};
    cursor = cursor[key] as Record<string, unknown>;
  }
  cursor[path.at(-1) as string] = value;
}

/** JSON with sorted keys, for comparing parsed values regardless of key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    typeof inner === "object" && inner !== null && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function describe(node: unknown): string {
  if (isMap(node)) return "map";
  if (node === null || node === undefined) return "null";
  return (node as { constructor?: { name?: string } }).constructor?.name ?? "value";
}
