import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTemplate, readRepoFile, repoRoot } from "../support/infra-template.ts";

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
    const outputs = [...doc.matchAll(/OutputKey=='(\w+)'/g)].map((m) => m[1] as string);
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
});
