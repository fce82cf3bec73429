// npm test: bundle test/*.test.ts for Node (dependencies stay external) and run them with node --test.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { widgetDir } from "./build-options.mjs";

const outDir = join(widgetDir, ".test-out");
rmSync(outDir, { recursive: true, force: true });
const tests = readdirSync(join(widgetDir, "test")).filter((f) => f.endsWith(".test.ts"));
await build({
  absWorkingDir: widgetDir,
  entryPoints: tests.map((f) => `test/${f}`),
  outdir: outDir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  target: "node20",
  logLevel: "warning",
});
const files = tests.map((f) => join(outDir, f.replace(/\.ts$/, ".mjs")));
const run = spawnSync(process.execPath, ["--test", ...files], { stdio: "inherit", cwd: widgetDir });
process.exit(run.status ?? 1);
