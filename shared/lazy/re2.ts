// Imported only when ROUTES holds a regex matcher (shared/route/load-routes.ts): registers re2js as the
// engine that compiles `=~` and `!~` patterns. A module of our own, so code splitting keeps named exports.
import { RE2JS } from "re2js";
import { useRegexEngine } from "../route/matcher.ts";

useRegexEngine((source) => {
  const compiled = RE2JS.compile(source);
  return { test: (text) => compiled.matcher(text).matches() };
});
