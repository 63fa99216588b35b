export * from "./errors.ts";
export * from "./secret-providers.ts";
export * from "./secret-reader.ts";
export * from "./secret-source.ts";
export * from "./secret-spec.ts";
export * from "./secret-value.ts";
