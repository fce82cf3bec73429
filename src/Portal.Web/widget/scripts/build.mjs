// npm run build: type-check, bundle into ../wwwroot/widget.js, print the gzipped size and fail over budget.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { budgetBytes, buildOptions, outFile, widgetDir } from "./build-options.mjs";

execFileSync(process.execPath, [join(widgetDir, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", widgetDir], { stdio: "inherit" });

const result = await build({ ...buildOptions, write: false });
const code = result.outputFiles[0].contents;
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, code);

const gz = gzipSync(code, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`widget.js: ${kb(code.length)} minified, ${kb(gz)} gzipped (budget ${kb(budgetBytes)})`);
if (gz > budgetBytes) {
  console.error(`widget.js is over its size budget by ${kb(gz - budgetBytes)}`);
  process.exit(1);
}
