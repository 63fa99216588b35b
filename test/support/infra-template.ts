import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type CollectionTag, parse, parseAllDocuments, type ScalarTag, YAMLMap, YAMLSeq } from "yaml";

/** The repo root, for reading infra/ files and the sources the template points at. */
export const repoRoot = new URL("../../", import.meta.url).pathname;

export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot, path), "utf8");
}

/**
 * CloudFormation's short-form intrinsic tags, turned into their long JSON forms (`!Ref X` becomes
 * `{ Ref: "X" }`, `!GetAtt A.B` becomes `{ "Fn::GetAtt": ["A", "B"] }`) so the tests walk one shape.
 */
const INTRINSICS: Record<string, string> = {
  "!Ref": "Ref",
  "!Condition": "Condition",
  "!GetAtt": "Fn::GetAtt",
  "!Sub": "Fn::Sub",
  "!If": "Fn::If",
  "!Equals": "Fn::Equals",
  "!Not": "Fn::Not",
  "!And": "Fn::And",
  "!Or": "Fn::Or",
  "!Select": "Fn::Select",
  "!Split": "Fn::Split",
  "!Join": "Fn::Join",
  "!FindInMap": "Fn::FindInMap",
  "!Base64": "Fn::Base64",
  "!Cidr": "Fn::Cidr",
  "!GetAZs": "Fn::GetAZs",
  "!ImportValue": "Fn::ImportValue",
  "!ToJsonString": "Fn::ToJsonString",
  "!Length": "Fn::Length",
};

function longForm(tag: string, key: string, value: unknown): Record<string, unknown> {
  if (tag === "!GetAtt" && typeof value === "string") {
    const dot = value.indexOf(".");
    return { [key]: [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [key]: value };
}

const cloudFormationTags: (ScalarTag | CollectionTag)[] = Object.entries(INTRINSICS).flatMap(([tag, key]) => [
  { tag, resolve: (text: string) => longForm(tag, key, text) } satisfies ScalarTag,
  {
    tag,
    collection: "seq",
    nodeClass: YAMLSeq,
    resolve: (seq) => longForm(tag, key, (seq as YAMLSeq).toJSON()),
  } as CollectionTag,
  {
    tag,
    collection: "map",
    nodeClass: YAMLMap,
    resolve: (map) => longForm(tag, key, (map as YAMLMap).toJSON()),
  } as CollectionTag,
]);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Template {
  Parameters: Record<string, JsonObject>;
  Conditions: Record<string, Json>;
  Globals: { Function: JsonObject };
  Resources: Record<
    string,
    { Type: string; Condition?: string; Properties: JsonObject; Metadata?: JsonObject }
  >;
  Outputs: Record<string, { Condition?: string; Value: Json }>;
}

export function parseCloudFormation(text: string): Template {
  return parse(text, { customTags: cloudFormationTags }) as Template;
}

export function loadTemplate(path = "infra/template.yaml"): Template {
  return parseCloudFormation(readRepoFile(path));
}

export function loadYamlDocuments(path: string): JsonObject[] {
  return parseAllDocuments(readRepoFile(path)).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`);
    return doc.toJS() as JsonObject;
  });
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every object node under `value`, with the Fn::If conditions whose true branch leads to it. */
export function* walk(value: Json, guards: string[] = []): Generator<{ node: JsonObject; guards: string[] }> {
  if (Array.isArray(value)) {
    for (const item of value) yield* walk(item, guards);
    return;
  }
  if (!isObject(value)) return;
  yield { node: value, guards };
  const branches = value["Fn::If"];
  if (Array.isArray(branches) && typeof branches[0] === "string") {
    yield* walk(branches[1] ?? null, [...guards, branches[0]]);
    yield* walk(branches[2] ?? null, guards);
    return;
  }
  for (const child of Object.values(value)) yield* walk(child, guards);
}

/** Names a `Fn::Sub` string refers to: `${Name}` and `${Name.Attribute}`, not `${!Literal}`. */
export function subReferences(value: Json): { name: string; attribute: string | null }[] {
  const text = typeof value === "string" ? value : Array.isArray(value) ? value[0] : null;
  const locals = Array.isArray(value) && isObject(value[1]) ? Object.keys(value[1]) : [];
  if (typeof text !== "string") return [];
  return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)]
    .map((match) => {
      const [name = "", attribute] = (match[1] ?? "").split(".", 2);
      return { name, attribute: attribute ?? null };
    })
    .filter((ref) => !locals.includes(ref.name));
}

export const PSEUDO_PARAMETERS = [
  "AWS::AccountId",
  "AWS::NotificationARNs",
  "AWS::NoValue",
  "AWS::Partition",
  "AWS::Region",
  "AWS::StackId",
  "AWS::StackName",
  "AWS::URLSuffix",
] as const;

export type ServerlessFunction = {
  logicalId: string;
  condition: string | null;
  properties: JsonObject;
  metadata: JsonObject;
};

export function serverlessFunctions(template: Template): ServerlessFunction[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === "AWS::Serverless::Function")
    .map(([logicalId, resource]) => ({
      logicalId,
      condition: resource.Condition ?? null,
      properties: resource.Properties,
      metadata: resource.Metadata ?? {},
    }));
}

/** The entry point of a function's esbuild build, e.g. `functions/ingest/index.ts`. */
/** The handler's source file: the Makefile target SAM runs for the function names its functions/ folder. */
export function entryPoint(fn: ServerlessFunction): string {
  const makefile = readFileSync(join(repoRoot, "Makefile"), "utf8");
  const target = new RegExp(
    `^build-${fn.logicalId}:\n\t.*--function ([a-z0-9-]+) --outdir "\\$\\(ARTIFACTS_DIR\\)"$`,
    "m",
  );
  const name = target.exec(makefile)?.[1];
  if (!name) throw new Error(`the Makefile has no build-${fn.logicalId} target building one function`);
  return `functions/${name}/index.ts`;
}

/** Environment variable names a function gets: Globals first, then its own. */
export function environmentOf(template: Template, fn: ServerlessFunction): Record<string, Json> {
  const variablesOf = (holder: Json | undefined): JsonObject => {
    const env = isObject(holder) ? holder.Variables : null;
    return isObject(env) ? env : {};
  };
  return { ...variablesOf(template.Globals.Function.Environment), ...variablesOf(fn.properties.Environment) };
}

/**
 * Resolves the values of an environment map the way CloudFormation would for the given parameter values:
 * `Ref` to a parameter is its value, `Ref` to a resource a recognisable placeholder, `Fn::If` on a condition
 * of the template its branch, and a variable whose value is `AWS::NoValue` is left out.
 */
export function resolveEnvironment(
  template: Template,
  env: Record<string, Json>,
  parameters: Record<string, string>,
): Record<string, string> {
  const NO_VALUE = Symbol("AWS::NoValue");
  const resolve = (value: Json): string | typeof NO_VALUE => {
    if (typeof value === "string" || typeof value === "number") return String(value);
    if (isObject(value) && typeof value.Ref === "string") {
      const name = value.Ref;
      if (name === "AWS::NoValue") return NO_VALUE;
      if (name in parameters) return parameters[name] ?? "";
      const declared = template.Parameters[name];
      if (declared) return String(declared.Default ?? "");
      if (name in template.Resources) return `physical-id-of-${name}`;
    }
    if (isObject(value) && Array.isArray(value["Fn::If"])) {
      const [condition, whenTrue, whenFalse] = value["Fn::If"] as [string, Json, Json];
      return resolve(holds(template.Conditions[condition] ?? null) ? whenTrue : whenFalse);
    }
    throw new Error(`cannot resolve environment value ${JSON.stringify(value)}`);
  };
  const holds = (condition: Json): boolean => {
    if (isObject(condition) && Array.isArray(condition["Fn::Equals"])) {
      const [a, b] = condition["Fn::Equals"] as [Json, Json];
      return resolve(a) === resolve(b);
    }
    if (isObject(condition) && Array.isArray(condition["Fn::Not"]))
      return !holds((condition["Fn::Not"] as Json[])[0] ?? null);
    if (isObject(condition) && Array.isArray(condition["Fn::And"]))
      return (condition["Fn::And"] as Json[]).every(holds);
    if (isObject(condition) && Array.isArray(condition["Fn::Or"]))
      return (condition["Fn::Or"] as Json[]).some(holds);
    if (isObject(condition) && typeof condition.Condition === "string")
      return holds(template.Conditions[condition.Condition] ?? null);
    throw new Error(`cannot evaluate condition ${JSON.stringify(condition)}`);
  };
  return Object.fromEntries(
    Object.entries(env).flatMap(([name, value]) => {
      const resolved = resolve(value);
      return resolved === NO_VALUE ? [] : [[name, resolved]];
    }),
  );
}

/**
 * The repo's own source files a TypeScript entry point pulls in through relative imports: what esbuild
 * bundles from this repo for that function.
 */
export function reachableSources(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const path = pending.pop() as string;
    if (files.has(path)) continue;
    const text = readRepoFile(path);
    files.set(path, text);
    // Static imports and re-exports, and import() of our own modules (code loaded on first use).
    const imports = [
      ...text.matchAll(/(?:import|export)[^"';]*?from\s+"(\.{1,2}\/[^"]+)"/g),
      ...text.matchAll(/\bimport\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g),
    ];
    for (const match of imports) {
      const target = join(path, "..", match[1] ?? "");
      if (target.endsWith(".ts")) pending.push(target);
    }
  }
  return files;
}
