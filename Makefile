# `sam build` runs these targets (BuildMethod: makefile in infra/template.yaml) with ARTIFACTS_DIR set to the
# function's artifact folder. scripts/build.ts bundles with esbuild and code splitting (lazy chunks for what only
# some invocations need), which SAM's own esbuild builder cannot do: its BuildProperties have no Splitting
# (docs/build-and-benchmark.md "Build"). Needs `npm ci` first.
BUILD = node --import tsx scripts/build.ts

build-IngestFunction:
	$(BUILD) --function ingest --outdir "$(ARTIFACTS_DIR)"

build-NotifySlackFunction:
	$(BUILD) --function notify-slack --outdir "$(ARTIFACTS_DIR)"

build-NotifyPagerDutyFunction:
	$(BUILD) --function notify-pagerduty --outdir "$(ARTIFACTS_DIR)"

build-ScaleCorednsFunction:
	$(BUILD) --function scale-coredns --outdir "$(ARTIFACTS_DIR)"

build-VerifyDropsFunction:
	$(BUILD) --function verify-drops --outdir "$(ARTIFACTS_DIR)"
