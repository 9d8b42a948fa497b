// Parses every .tf file named on the command line with HashiCorp's HCL parser (built to WebAssembly in
// @cdktf/hcl2json) and prints one JSON object: file name -> its blocks, or {"error": message}.
import { parse } from "@cdktf/hcl2json";
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const out = {};
for (const file of process.argv.slice(2)) {
  try {
    out[basename(file)] = await parse(basename(file), readFileSync(file, "utf8"));
  } catch (e) {
    out[basename(file)] = { error: String(e && e.message ? e.message : e) };
  }
}
process.stdout.write(JSON.stringify(out));
