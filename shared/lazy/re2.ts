// Loaded with import() only when ROUTES holds a regex matcher (shared/route/regex-engine.ts loads it): re2js is
// about 150 KiB of bundle that most deployments never run. A module of our own re-exports it so esbuild code
// splitting keeps named exports; it registers nothing anywhere, route picks its engine itself.
export { RE2JS } from "re2js";
