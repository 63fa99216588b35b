import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import GithubSlugger from "github-slugger";
import { fromMarkdown } from "mdast-util-from-markdown";
import { toString as headingText } from "mdast-util-to-string";

type MarkdownNode = ReturnType<typeof fromMarkdown>["children"][number] | ReturnType<typeof fromMarkdown>;

/** A link as written in a Markdown file, with the line it is on. */
export interface MarkdownLink {
  readonly file: string;
  readonly line: number;
  readonly url: string;
}

/** Where a link points outside the repo's files: never followed (the checker touches no network). */
const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/** `<a id="x">` / `<a name="x">` (and any tag's id): GitHub keeps these as targets beside heading slugs. */
const HTML_ANCHOR = /<[a-z][^>]*?\s(?:id|name)\s*=\s*"([^"]+)"/gi;

function walk(node: MarkdownNode, visit: (node: MarkdownNode) => void): void {
  visit(node);
  if ("children" in node) for (const child of node.children) walk(child as MarkdownNode, visit);
}

/** The anchors a rendered Markdown text offers: GitHub's heading slugs (with -1, -2 for repeats) and HTML ids. */
export function anchorsOf(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  walk(fromMarkdown(markdown), (node) => {
    if (node.type === "heading") anchors.add(slugger.slug(headingText(node)));
    if (node.type === "html")
      for (const match of node.value.matchAll(HTML_ANCHOR)) anchors.add(match[1] ?? "");
  });
  return anchors;
}

/** Every link, image and link definition of a Markdown text (code spans and blocks hold none). */
export function linksOf(file: string, markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  walk(fromMarkdown(markdown), (node) => {
    if (node.type === "link" || node.type === "image" || node.type === "definition")
      links.push({ file, line: node.position?.start.line ?? 0, url: node.url });
  });
  return links;
}

/**
 * Why a relative link does not resolve inside `root`, or null when it does: the file (or folder) must
 * exist, and an anchor must be a heading slug or an HTML id of the Markdown file it names.
 */
export function brokenReason(root: string, link: MarkdownLink, readText = readMarkdown): string | null {
  if (EXTERNAL.test(link.url)) return null;
  const [rawPath = "", rawAnchor] = link.url.split("#", 2);
  const path = decodeURIComponent(rawPath);
  const target = path === "" ? join(root, link.file) : resolve(dirname(join(root, link.file)), path);
  const shown = relative(root, target);
  if (shown.startsWith("..")) return `${path} is outside the repository`;
  if (!existsSync(target)) return `${shown} does not exist`;
  if (rawAnchor === undefined) return null;
  if (!target.endsWith(".md") || statSync(target).isDirectory())
    return `#${rawAnchor} points into ${shown}, which is not a Markdown file`;
  const anchor = decodeURIComponent(rawAnchor);
  return anchorsOf(readText(target)).has(anchor) ? null : `${shown} has no heading or id "${anchor}"`;
}

function readMarkdown(path: string): string {
  return readFileSync(path, "utf8");
}
