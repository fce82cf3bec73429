import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
// Kept as a relative import so scripts/ and this test share one definition of the bundle.
import { budgetBytes, buildOptions } from "../scripts/build-options.mjs";

const bundle = async () => {
  const result = await build({ ...buildOptions, write: false });
  return result.outputFiles![0]!.text;
};

test("the bundled widget is under 30 KB gzipped", async () => {
  const gz = gzipSync(await bundle(), { level: 9 }).length;
  assert.ok(gz < budgetBytes, `${gz} bytes gzipped`);
});

test("the bundle never assigns innerHTML or outerHTML, or calls insertAdjacentHTML, eval or document.write", async () => {
  const code = await bundle();
  for (const sink of ["innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "document.write", "new Function"]) {
    assert.ok(!code.includes(sink), `bundle contains ${sink}`);
  }
});

test("the bundle creates no img element except the same-origin avatar", async () => {
  const code = await bundle();
  assert.equal(code.match(/"img"/g)?.length ?? 0, 1);
});
