import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DiagnosisCode } from "../../shared/model/index.ts";

const runbook = readFileSync("docs/runbook.md", "utf8");

describe("docs/runbook.md", () => {
  it.each(Object.values(DiagnosisCode))("has a section with a stable anchor for %s", (code) => {
    const anchor = code.toLowerCase();
    expect(runbook).toContain(`<a id="${anchor}"></a>\n### ${code}\n`);
  });

  it("has no section for a code the product does not emit", () => {
    const sections = [...runbook.matchAll(/^### ([A-Z_]+)$/gm)].map((m) => m[1]);
    expect(sections.sort()).toEqual([...Object.values(DiagnosisCode)].sort());
  });

  it("is linked from the README", () => {
    expect(readFileSync("README.md", "utf8")).toContain("(docs/runbook.md)");
  });
});
