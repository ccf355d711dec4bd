import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The app is built into the service's dist/public (served by services/web/src/site.ts).
export default defineConfig({
  root: here("."),
  plugins: [preact()],
  resolve: {
    // The seat layout's rules and numbering come from the contracts' source (one definition).
    alias: { "@concert/contracts": here("../../../packages/contracts/src/index.ts") },
  },
  build: { outDir: here("../dist/public"), emptyOutDir: true, target: "es2022", sourcemap: false },
  // `vite dev` talks to the local gateway.
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
