// Tests parse ROUTES with regexes directly (parseRoutes), as the CLI and ingest do after loadRoutes: the RE2
// engine those load on demand is registered here once for every test file.
import "../shared/lazy/re2.ts";
