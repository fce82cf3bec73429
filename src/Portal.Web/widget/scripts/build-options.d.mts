import type { BuildOptions } from "esbuild";
export declare const widgetDir: string;
export declare const outFile: string;
export declare const budgetBytes: number;
export declare const buildOptions: BuildOptions;
