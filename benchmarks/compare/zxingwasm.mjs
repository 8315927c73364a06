// zxingwasm.mjs reads every file named on the command line with zxing-wasm
// (zxing-cpp compiled to WebAssembly) and prints one JSON line per file in
// qrgate's record shape, so the corpus scorer can score it like any reader.
//
//   node zxingwasm.mjs NODE_MODULES_DIR FILE...
//
// NODE_MODULES_DIR is where `npm install zxing-wasm` put its node_modules
// (the package is not committed). The .wasm file is loaded from there, never
// fetched: the library's default is a CDN, which these machines cannot reach.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modulesDir, ...files] = process.argv.slice(2);
if (!modulesDir) {
  console.error("usage: node zxingwasm.mjs NODE_MODULES_DIR FILE...");
  process.exit(2);
}
const pkg = join(modulesDir, "zxing-wasm", "dist");
const zx = await import(pathToFileURL(join(pkg, "es", "reader", "index.js")).href);
const wasm = readFileSync(join(pkg, "reader", "zxing_reader.wasm"));
await zx.prepareZXingModule({ overrides: { wasmBinary: wasm }, fireImmediately: true });
console.error(`zxing-wasm ${zx.ZXING_WASM_VERSION}, zxing-cpp ${zx.ZXING_CPP_COMMIT}`);

// Default reader options: zxing-cpp's own defaults (all formats, try harder,
// rotations, inversion, downscaling), as PEERS.md measured zxing-cpp 3.1.
for (const file of files) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const rec = { file, findings: [], error: null };
  try {
    const results = await zx.readBarcodes(readFileSync(file));
    for (const r of results) {
      if (r.isValid === false) continue;
      rec.findings.push({ symbology: r.format, payload: r.text });
    }
  } catch (e) {
    rec.error = { code: "reader", message: String(e && e.message ? e.message : e) };
  }
  const c = process.cpuUsage(c0);
  rec.elapsed_ms = Number(process.hrtime.bigint() - t0) / 1e6;
  rec.cpu_ms = (c.user + c.system) / 1000;
  process.stdout.write(JSON.stringify(rec) + "\n");
}
