// Loaded with import() only when needed (an add-on configuration or kubeconfig in YAML, an add-on edit): the
// yaml package is about 110 KiB of bundle that most invocations never run. A module of our own re-exports it
// so esbuild code splitting keeps named exports (a split import() of a CommonJS package exposes only default).
export { isMap, isScalar, parse, parseDocument, type YAMLMap } from "yaml";
