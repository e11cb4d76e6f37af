// Builds viewer/dist: the page, its scripts and CesiumJS's prebuilt Build/Cesium folder, as
// plain static files (no bundler). Run with `npm ci && npm run build` inside viewer/.
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const cesium = join(here, "node_modules", "cesium", "Build", "Cesium");

if (!existsSync(join(cesium, "Cesium.js"))) {
  console.error(`${cesium} is missing: run \`npm ci\` in viewer/ first`);
  process.exit(1);
}
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
// Only what the page loads at run time; index.js/index.cjs are the ES-module builds.
for (const part of ["Cesium.js", "Assets", "ThirdParty", "Widgets", "Workers"]) {
  cpSync(join(cesium, part), join(dist, "cesium", part), { recursive: true });
}
cpSync(join(here, "index.html"), join(dist, "index.html"));
cpSync(join(here, "src"), join(dist, "src"), { recursive: true });
console.log(`viewer built in ${dist}`);
