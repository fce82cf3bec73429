// esbuild settings shared by the build and the size-budget test.
import { fileURLToPath } from "node:url";

export const widgetDir = fileURLToPath(new URL("..", import.meta.url));
export const outFile = fileURLToPath(new URL("../../wwwroot/widget.js", import.meta.url));
export const budgetBytes = 30 * 1024;

/** @type {import("esbuild").BuildOptions} */
export const buildOptions = {
  absWorkingDir: widgetDir,
  entryPoints: ["src/main.ts"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020", "chrome90", "firefox90", "safari14"],
  legalComments: "none",
  charset: "utf8",
  logLevel: "warning",
};
