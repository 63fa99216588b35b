import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  isObject,
  type Json,
  type JsonObject,
  loadTemplate,
  loadYamlDocuments,
  readRepoFile,
  repoRoot,
} from "../support/infra-template.ts";

const template = loadTemplate();
const doc = readRepoFile("docs/deploy.md");
const samconfig = readRepoFile("samconfig.toml");

/** `key = value` lines of one `[section]` of samconfig.toml (flat tables only, which is all it uses). */
function samconfigSection(name: string): Record<string, string> {
  const body = samconfig.split(/^\[/m).find((part) => part.startsWith(`${name}]`)) ?? "";
  return Object.fromEntries(
    [...body.matchAll(/^(\w+)\s*=\s*(.+)$/gm)].map((m) => [m[1] as string, (m[2] as string).trim()]),
  );
}

describe("samconfig.toml", () => {
  it("points sam at infra/template.yaml and the linklocal-sentinel stack", () => {
    const global = samconfigSection("default.global.parameters");
    expect(global.template_file).toBe('"infra/template.yaml"');
    expect(global.stack_name).toBe('"linklocal-sentinel"');
    expect(existsSync(join(repoRoot, "infra/template.yaml"))).toBe(true);
  });

  it("builds cached and in parallel, and deploys with a reviewed change set", () => {
    expect(samconfigSection("default.build.parameters")).toMatchObject({ cached: "true", parallel: "true" });
    expect(samconfigSection("default.deploy.parameters")).toMatchObject({
      capabilities: '"CAPABILITY_IAM"',
      confirm_changeset: "true",
      resolve_s3: "true",
    });
  });

  it("needs no more than CAPABILITY_IAM: no named IAM resources", () => {
    for (const resource of Object.values(template.Resources))
      if (resource.Type.startsWith("AWS::IAM::")) expect(resource.Properties.RoleName).toBeUndefined();
  });
});

describe("docs/deploy.md", () => {
  it("names only parameters and outputs the template has", () => {
    const tableParameters = [...doc.matchAll(/^\| `([A-Z][A-Za-z]+)`(?:, `([A-Z][A-Za-z]+)`)? \|/gm)].flatMap(
      (m) => [m[1], m[2]].filter((p): p is string => p !== undefined),
    );
    expect(tableParameters.length).toBeGreaterThan(8);
    for (const name of tableParameters) expect(Object.keys(template.Parameters), name).toContain(name);
    const outputs = [...doc.matchAll(/OutputKey=='(\w+)'|\$\(output (\w+)\)/g)].map(
      (m) => (m[1] ?? m[2]) as string,
    );
    expect(outputs.length).toBeGreaterThan(0);
    for (const name of outputs) expect(Object.keys(template.Outputs), name).toContain(name);
  });

  it("documents every parameter", () => {
    for (const name of Object.keys(template.Parameters)) expect(doc, name).toContain(`\`${name}\``);
  });

  it("refers to files that exist", () => {
    const paths = [...doc.matchAll(/\b((?:infra|samples|docs)\/[\w./-]+\.(?:ya?ml|json|md))\b/g)].map(
      (m) => m[1] as string,
    );
    expect(paths.length).toBeGreaterThan(5);
    for (const path of paths) expect(existsSync(join(repoRoot, path)), path).toBe(true);
  });

  it("names only functions the stack creates in its commands (stack linklocal-sentinel)", () => {
    const named = [...doc.matchAll(/--function-name (linklocal-sentinel-[a-z-]+)/g)].map(
      (m) => m[1] as string,
    );
    expect(named.length).toBeGreaterThan(0);
    const created = Object.values(template.Resources)
      .filter((r) => r.Type === "AWS::Serverless::Function")
      .map((r) => String((r.Properties.FunctionName as { "Fn::Sub": string })["Fn::Sub"]))
      .map((name) => name.replace("$" + "{AWS::StackName}", "linklocal-sentinel"));
    for (const name of named) expect(created, name).toContain(name);
  });

  it("uses only kubectl manifests that exist in infra/", () => {
    const applied = [...doc.matchAll(/kubectl apply -f (infra\/[\w.-]+)/g)].map((m) => m[1] as string);
    expect(applied).toEqual(expect.arrayContaining(["infra/rbac.yaml", "infra/exporter.yaml"]));
    for (const path of applied) expect(existsSync(join(repoRoot, path)), path).toBe(true);
  });

  it("tells the RBAC group the template maps the ingest role to", () => {
    const groups = template.Resources.IngestAccessEntry?.Properties.KubernetesGroups as string[];
    for (const group of groups) expect(doc).toContain(group);
  });

  it("names the functions' runtime, and Node.js of the same major version to build with", () => {
    const runtime = String(template.Globals.Function.Runtime);
    const major = runtime.match(/^nodejs(\d+)\.x$/)?.[1];
    expect(major, runtime).toBeDefined();
    expect(doc).toContain(runtime);
    const prerequisites = section("### Prerequisites");
    expect(prerequisites).toContain(`Node.js ${major}`);
    // No page names another Lambda runtime.
    const pages = [
      "README.md",
      ...readdirSync(join(repoRoot, "docs")).flatMap((f) => (f.endsWith(".md") ? [`docs/${f}`] : [])),
    ];
    for (const page of pages)
      for (const named of readRepoFile(page).matchAll(/nodejs\d+\.x/g)) expect(named[0], page).toBe(runtime);
  });

  it("says when each optional function is deployed, naming every parameter its condition reads", () => {
    const optional = Object.values(template.Resources).filter(
      (r) => r.Type === "AWS::Serverless::Function" && r.Condition,
    );
    expect(optional.length).toBeGreaterThanOrEqual(3);
    for (const fn of optional) {
      const name = functionName(fn.Properties.FunctionName);
      // A table row whose first cell names the function.
      const row = doc
        .split("\n")
        .find(
          (line) => line.split(" | ")[0]?.startsWith("| ") && line.split(" | ")[0]?.includes(`\`${name}\``),
        );
      expect(row, `a table row for ${name}`).toBeDefined();
      for (const parameter of conditionParameters(String(fn.Condition))) {
        expect(row, `${name}: ${parameter}`).toContain(`\`${parameter}\``);
        const allowed = (template.Parameters[parameter] as JsonObject).AllowedValues as string[] | undefined;
        for (const value of allowed ?? [])
          expect(row, `${name}: ${parameter}=${value}`).toContain(`\`${value}\``);
      }
    }
  });

  it("names the parameter that delays the verify queue where it describes the queue", () => {
    const delay = template.Resources.VerifyQueue?.Properties.DelaySeconds as { Ref: string };
    const paragraph = doc.split("\n\n").find((p) => p.startsWith("The verify queue"));
    expect(paragraph).toContain(`\`${delay.Ref}\``);
    expect(paragraph).toContain(`delay of \`${delay.Ref}\``);
  });

  it("names every function the VPC parameters put in the VPC, under Private clusters", () => {
    const inVpc = Object.values(template.Resources).filter(
      (r) => r.Type === "AWS::Serverless::Function" && r.Properties.VpcConfig,
    );
    expect(inVpc.length).toBeGreaterThan(0);
    const text = section("### Private clusters");
    for (const fn of inVpc) {
      const short = functionName(fn.Properties.FunctionName).replace("linklocal-sentinel-", "");
      expect(text, short).toMatch(new RegExp(`\\b${short}\\b`));
    }
    for (const parameter of ["VpcSubnetIds", "VpcSecurityGroupIds", "ClusterSecurityGroupId"])
      expect(text).toContain(`\`${parameter}\``);
  });

  it("gives every access entry's user and groups, and every group infra/rbac.yaml binds", () => {
    const entries = Object.entries(template.Resources).filter(([, r]) => r.Type === "AWS::EKS::AccessEntry");
    expect(entries.length).toBeGreaterThanOrEqual(2);
    const text = section("### 3. ");
    for (const [logicalId, entry] of entries) {
      expect(text).toContain(`\`${logicalId}\``);
      expect(text).toContain(`\`${String(entry.Properties.Username)}\``);
      for (const group of strings(entry.Properties.KubernetesGroups as Json))
        expect(text).toContain(`\`${group}\``);
    }
    const bound = loadYamlDocuments("infra/rbac.yaml")
      .flatMap((d) => ((d?.subjects ?? []) as JsonObject[]).filter((s) => s.kind === "Group"))
      .map((s) => String(s.name));
    expect(bound.length).toBeGreaterThan(0);
    for (const group of bound) expect(text).toContain(`\`${group}\``);
  });

  it("shows the merge with the receiver, template and route matcher of infra/alertmanager.yaml", () => {
    const definition = parse(readRepoFile("infra/alertmanager.yaml")) as {
      template_files: Record<string, string>;
      alertmanager_config: string;
    };
    const config = parse(definition.alertmanager_config) as {
      route: { routes: { receiver: string; matchers: string[] }[] };
    };
    const text = section("#### Merge into an existing definition");
    const [route] = config.route.routes;
    expect(text).toContain(`\`${route?.receiver}\``);
    for (const matcher of route?.matchers ?? []) expect(text).toContain(`matchers: ['${matcher}']`);
    for (const file of Object.keys(definition.template_files)) expect(text).toContain(`\`${file}\``);
    const defined = [
      ...Object.values(definition.template_files)
        .join("\n")
        .matchAll(/define "([^"]+)"/g),
    ];
    expect(defined.length).toBeGreaterThan(0);
    for (const [, name] of defined) expect(text).toContain(`\`${name}\``);
  });
});

/** The text of the section starting at a heading, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = doc.indexOf(`\n${heading}`);
  if (start === -1) throw new Error(`docs/deploy.md has no heading ${heading}`);
  const level = heading.match(/^#+/)?.[0].length ?? 3;
  const rest = doc.slice(start + 1);
  const next = rest.slice(1).search(new RegExp(`\\n#{1,${level}} `));
  return next === -1 ? rest : rest.slice(0, next + 1);
}

/** `linklocal-sentinel-<name>` for a `!Sub "${AWS::StackName}-<name>"` function name. */
function functionName(value: Json | undefined): string {
  const sub = isObject(value) ? String(value["Fn::Sub"]) : String(value);
  return sub.replace("$" + "{AWS::StackName}", "linklocal-sentinel");
}

/** Every string in a value, through `Fn::If` branches and lists. */
function strings(value: Json): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isObject(value))
    return Object.entries(value).flatMap(([k, v]) =>
      k === "Fn::If" && Array.isArray(v) ? v.slice(1).flatMap(strings) : strings(v),
    );
  return [];
}

/** The parameters a condition reads, through the conditions it names. */
function conditionParameters(name: string, seen = new Set<string>()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const found: string[] = [];
  const visit = (value: Json) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) {
      if (typeof value.Ref === "string" && value.Ref in template.Parameters) found.push(value.Ref);
      if (typeof value.Condition === "string") found.push(...conditionParameters(value.Condition, seen));
      for (const v of Object.values(value)) visit(v);
    }
  };
  visit(template.Conditions[name] ?? null);
  return [...new Set(found)];
}
