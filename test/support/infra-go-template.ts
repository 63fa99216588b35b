import { goJsEscape } from "../../sim/alertmanager-messages.ts";

/**
 * A small interpreter for the subset of Go's text/template that infra/alertmanager.yaml uses (define,
 * template, range with variables, if, string literals, field chains, pipes into js/toUpper/len, eq/gt),
 * with Go's `{{-`/`-}}` whitespace trimming. It exists so a test can render the shipped
 * `sns.default.message` and hand the result to the real parser; anything outside the subset throws, so a
 * template change that needs more fails loudly instead of rendering wrongly.
 */

type Node =
  | { kind: "text"; text: string }
  | { kind: "print"; pipeline: string }
  | { kind: "range"; variables: string[]; pipeline: string; body: Node[] }
  | { kind: "if"; pipeline: string; body: Node[]; otherwise: Node[] }
  | { kind: "template"; name: string; pipeline: string };

type Scope = { dot: unknown; variables: Map<string, unknown> };

export type GoFunctions = Record<string, (...args: unknown[]) => unknown>;

const FUNCTIONS: GoFunctions = {
  js: (value) => goJsEscape(String(value)),
  toUpper: (value) => String(value).toUpperCase(),
  len: (value) =>
    Array.isArray(value)
      ? value.length
      : typeof value === "string"
        ? value.length
        : Object.keys(value as object).length,
  eq: (a, b) => a === b,
  gt: (a, b) => (a as number) > (b as number),
};

function tokenize(source: string): { text: string; action: string | null }[] {
  const tokens: { text: string; action: string | null }[] = [];
  let rest = source;
  let trimNext = false;
  while (rest.length > 0) {
    const open = rest.indexOf("{{");
    let text = open === -1 ? rest : rest.slice(0, open);
    if (trimNext) text = text.replace(/^\s+/, "");
    if (open === -1) {
      tokens.push({ text, action: null });
      break;
    }
    const close = rest.indexOf("}}", open);
    if (close === -1) throw new Error(`unclosed action at ${source.length - rest.length + open}`);
    let action = rest.slice(open + 2, close);
    if (action.startsWith("-")) {
      text = text.replace(/\s+$/, "");
      action = action.slice(1);
    }
    trimNext = action.endsWith("-");
    if (trimNext) action = action.slice(0, -1);
    tokens.push({ text, action: action.trim() });
    rest = rest.slice(close + 2);
  }
  return tokens;
}

/** Parses a template file into its defined templates. */
export function parseGoTemplates(source: string): Map<string, Node[]> {
  const defined = new Map<string, Node[]>();
  const stack: { nodes: Node[]; open: Node | { kind: "define"; name: string; body: Node[] } | null }[] = [
    { nodes: [], open: null },
  ];
  const current = () => stack[stack.length - 1] as (typeof stack)[number];
  for (const { text, action } of tokenize(source)) {
    if (text) current().nodes.push({ kind: "text", text });
    if (action === null) continue;
    const define = action.match(/^define\s+"([^"]+)"$/);
    const range = action.match(/^range\s+(?:(\$\w+)\s*(?:,\s*(\$\w+))?\s*:=\s*)?(.+)$/);
    const condition = action.match(/^if\s+(.+)$/);
    const call = action.match(/^template\s+"([^"]+)"\s*(.*)$/);
    if (define) {
      const node = { kind: "define" as const, name: define[1] as string, body: [] as Node[] };
      stack.push({ nodes: node.body, open: node });
    } else if (range) {
      const variables = [range[1], range[2]].filter((v): v is string => v !== undefined);
      const node: Node = { kind: "range", variables, pipeline: range[3] as string, body: [] };
      current().nodes.push(node);
      stack.push({ nodes: node.body, open: node });
    } else if (condition) {
      const node: Node = { kind: "if", pipeline: condition[1] as string, body: [], otherwise: [] };
      current().nodes.push(node);
      stack.push({ nodes: node.body, open: node });
    } else if (action === "else") {
      const open = current().open;
      if (open?.kind !== "if") throw new Error("else outside if");
      current().nodes = open.otherwise;
    } else if (action === "end") {
      const { open } = stack.pop() ?? { open: null };
      if (!open) throw new Error("end without an open block");
      if (open.kind === "define") defined.set(open.name, open.body);
    } else if (call) {
      current().nodes.push({ kind: "template", name: call[1] as string, pipeline: call[2] || "." });
    } else if (action.startsWith("/*")) {
      // A comment.
    } else {
      current().nodes.push({ kind: "print", pipeline: action });
    }
  }
  if (stack.length !== 1) throw new Error(`${stack.length - 1} block(s) not closed with end`);
  return defined;
}

function splitOperands(command: string): string[] {
  return [...command.matchAll(/"(?:[^"\\]|\\.)*"|\S+/g)].map((m) => m[0]);
}

function field(value: unknown, name: string): unknown {
  if (value === null || value === undefined) throw new Error(`field ${name} of nothing`);
  const found = (value as Record<string, unknown>)[name];
  return typeof found === "function" ? (found as () => unknown).call(value) : found;
}

function operand(text: string, scope: Scope): unknown {
  if (text.startsWith('"')) return JSON.parse(text);
  if (/^-?\d+$/.test(text)) return Number(text);
  const [head = "", ...fields] = text.split(".");
  let value: unknown;
  if (text.startsWith(".")) value = scope.dot;
  else if (head.startsWith("$")) {
    if (!scope.variables.has(head)) throw new Error(`undefined variable ${head}`);
    value = scope.variables.get(head);
  } else throw new Error(`unsupported operand ${text}`);
  for (const name of fields.filter((f) => f !== "")) value = field(value, name);
  return value;
}

function evaluate(pipeline: string, scope: Scope): unknown {
  let piped: { value: unknown } | null = null;
  for (const command of pipeline.split("|").map((c) => c.trim())) {
    const [first = "", ...rest] = splitOperands(command);
    const fn = FUNCTIONS[first];
    if (fn) {
      const args = rest.map((r) => operand(r, scope));
      piped = { value: fn(...args, ...(piped ? [piped.value] : [])) };
    } else if (rest.length === 0 && piped === null) {
      piped = { value: operand(first, scope) };
    } else throw new Error(`unsupported command ${command}`);
  }
  return piped?.value;
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === "object") return Object.keys(value).length > 0;
  return Boolean(value);
}

function render(nodes: Node[], scope: Scope, defined: Map<string, Node[]>): string {
  let out = "";
  for (const node of nodes) {
    if (node.kind === "text") out += node.text;
    else if (node.kind === "print") out += String(evaluate(node.pipeline, scope));
    else if (node.kind === "if")
      out += render(truthy(evaluate(node.pipeline, scope)) ? node.body : node.otherwise, scope, defined);
    else if (node.kind === "template") {
      const body = defined.get(node.name);
      if (!body) throw new Error(`no template "${node.name}"`);
      out += render(body, { dot: evaluate(node.pipeline, scope), variables: new Map() }, defined);
    } else {
      const items = evaluate(node.pipeline, scope);
      if (!Array.isArray(items)) throw new Error(`range over a non-list: ${node.pipeline}`);
      items.forEach((item, index) => {
        const variables = new Map(scope.variables);
        if (node.variables.length === 2) {
          variables.set(node.variables[0] as string, index);
          variables.set(node.variables[1] as string, item);
        } else if (node.variables.length === 1) variables.set(node.variables[0] as string, item);
        out += render(node.body, { dot: item, variables }, defined);
      });
    }
  }
  return out;
}

/** Executes a defined template (or a one-off template text) against `data`. */
export function executeGoTemplate(
  defined: Map<string, Node[]>,
  nameOrText: { name: string } | { text: string },
  data: unknown,
): string {
  const nodes =
    "name" in nameOrText
      ? defined.get(nameOrText.name)
      : (parseGoTemplates(`{{ define "__inline__" }}${nameOrText.text}{{ end }}`).get(
          "__inline__",
        ) as Node[]);
  if (!nodes) throw new Error(`no template ${JSON.stringify(nameOrText)}`);
  return render(nodes, { dot: data, variables: new Map([["$", data]]) }, defined);
}

/** Alertmanager's `template.KV`: a label map whose `SortedPairs` lists `{Name, Value}` by name. */
export function kv(entries: Record<string, string>): Record<string, unknown> {
  const value: Record<string, unknown> = { ...entries };
  Object.defineProperty(value, "SortedPairs", {
    enumerable: false,
    value: () =>
      Object.keys(entries)
        .sort()
        .map((name) => ({ Name: name, Value: entries[name] })),
  });
  return value;
}

/** Alertmanager's `template.Alerts`, with its `Firing` and `Resolved` methods. */
export function alertList<T extends { Status: string }>(alerts: T[]): T[] {
  const list = [...alerts];
  Object.defineProperty(list, "Firing", {
    enumerable: false,
    value: () => list.filter((a) => a.Status === "firing"),
  });
  Object.defineProperty(list, "Resolved", {
    enumerable: false,
    value: () => list.filter((a) => a.Status === "resolved"),
  });
  return list;
}
