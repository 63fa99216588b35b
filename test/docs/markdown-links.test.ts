import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/infra-template.ts";
import { anchorsOf, brokenReason, linksOf, type MarkdownLink } from "../support/markdown-links.ts";

const pages = [
  "README.md",
  ...readdirSync(join(repoRoot, "docs")).flatMap((f) => (f.endsWith(".md") ? [`docs/${f}`] : [])),
];
const links = pages.flatMap((page) => linksOf(page, readFileSync(join(repoRoot, page), "utf8")));

describe("links in README.md and docs/", () => {
  it("finds the pages and their links", () => {
    expect(pages).toEqual(expect.arrayContaining(["README.md", "docs/deploy.md", "docs/runbook.md"]));
    expect(links.filter((l) => !/^[a-z]+:/i.test(l.url)).length).toBeGreaterThan(40);
  });

  it.each(pages)("every relative link and anchor in %s resolves", (page) => {
    const broken = links
      .filter((l) => l.file === page)
      .flatMap((l) => {
        const reason = brokenReason(repoRoot, l);
        return reason === null ? [] : [`${l.file}:${l.line} ${l.url}: ${reason}`];
      });
    expect(broken).toEqual([]);
  });

  it("every page says what it is for, right under its title", () => {
    for (const page of pages.filter((p) => p.startsWith("docs/"))) {
      const [title, blank, purpose] = readFileSync(join(repoRoot, page), "utf8").split("\n");
      expect(title, page).toMatch(/^#{1,2} \S/);
      expect(blank, page).toBe("");
      expect(purpose, page).toMatch(/^\S/);
    }
  });

  it("keeps the anchors the README's sections had, now pointing at their pages", () => {
    const readme = anchorsOf(readFileSync(join(repoRoot, "README.md"), "utf8"));
    for (const anchor of [
      "set-up",
      "architecture",
      "deploy",
      "known-limits",
      "replay",
      "routes-routes",
      "coredns-scale-up",
      "verify-the-fix-linklocal-sentinel-verify",
      "build",
      "fault-drills",
      "configuration",
    ])
      expect(readme, anchor).toContain(anchor);
  });
});

describe("the link checker", () => {
  const root = mkdtempSync(join(tmpdir(), "md-links-"));
  writeFileSync(
    join(root, "a.md"),
    [
      "# Title",
      "## Verify the fix: `linklocal-sentinel verify`",
      "## Routes (`ROUTES`)",
      "## Routes (`ROUTES`)",
      '<a id="coredns_on_spot"></a>',
      "```",
      "[in a code block](missing.md)",
      "```",
    ].join("\n"),
  );
  const check = (url: string): string | null =>
    brokenReason(root, { file: "b.md", line: 1, url } as MarkdownLink);

  it("reads anchors the way GitHub renders them: slugs, repeats numbered, HTML ids", () => {
    expect([...anchorsOf(readFileSync(join(root, "a.md"), "utf8"))]).toEqual([
      "title",
      "verify-the-fix-linklocal-sentinel-verify",
      "routes-routes",
      "routes-routes-1",
      "coredns_on_spot",
    ]);
    expect(linksOf("a.md", readFileSync(join(root, "a.md"), "utf8"))).toEqual([]);
  });

  it("accepts what resolves and never follows an external link", () => {
    expect(check("a.md")).toBeNull();
    expect(check("./a.md#routes-routes-1")).toBeNull();
    expect(check("a.md#coredns_on_spot")).toBeNull();
    expect(check("https://example.invalid/never-fetched#nothing")).toBeNull();
  });

  it("names what is broken", () => {
    expect(check("gone.md")).toBe("gone.md does not exist");
    expect(check("a.md#routes")).toBe('a.md has no heading or id "routes"');
    expect(check("../outside.md")).toBe("../outside.md is outside the repository");
    expect(check("#anything")).toBe("b.md does not exist");
    const inPage = (url: string) => brokenReason(root, { file: "a.md", line: 1, url });
    expect(inPage("#title")).toBeNull();
    expect(inPage("#nope")).toBe('a.md has no heading or id "nope"');
    writeFileSync(join(root, "c.txt"), "plain text");
    expect(check("c.txt#top")).toBe("#top points into c.txt, which is not a Markdown file");
  });
});
