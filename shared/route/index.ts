export * from "./format-routes.ts";
export * from "./matcher.ts";
export * from "./parse-matchers.ts";
export * from "./parse-routes.ts";
export * from "./route-group.ts";
export * from "./routes.ts";
export * from "./routes-from-env.ts";
export * from "./split-rules.ts";
