// Stands in for browser-only packages in Node bundles (see BROWSER_ONLY in scripts/build.ts). The AWS SDK
// reaches `bowser` only on its browser path; if anything ever called it on Node, it would fail loudly here.
const browserOnly = (): never => {
  throw new Error("a browser-only module was called in a Node.js bundle");
};
export const parse = browserOnly;
export default { parse: browserOnly };
