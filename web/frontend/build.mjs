// Bundles the modeler page (src/modeler.js with bpmn-js and dmn-js) and its styles into
// web/static/modeler/ (generated, git-ignored; `make install` runs it after `npm ci`).
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static", "modeler");
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, "src", "modeler.js")],
  bundle: true, minify: true, format: "iife", target: "es2020", legalComments: "linked",
  outfile: join(out, "modeler.js"),
});
await build({
  entryPoints: [join(here, "src", "modeler.css")],
  bundle: true, minify: true, outfile: join(out, "modeler.css"),
  loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file" },
  assetNames: "fonts/[name]-[hash]",
});
console.log(`modeler bundled into ${out}`);
