/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev` proxies the API to a local `crmflow serve` (make run) so the UI can be hot-reloaded.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8000", ws: true },
      "/healthz": "http://127.0.0.1:8000",
    },
  },
  build: {
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // The graph editor (React Flow and its d3 helpers) is heavy: keep it out of the chunks of
        // the other pages; React and its router, used by every page, change least often.
        manualChunks(id: string) {
          const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(id)?.[1];
          if (!pkg) return undefined;
          if (/^(react|react-dom|scheduler|react-router|react-router-dom|cookie|set-cookie-parser|@tanstack\/.*)$/.test(pkg)) return "react";
          if (/^(@xyflow\/.*|zustand|classcat|d3-.*|use-sync-external-store)$/.test(pkg)) return "flow";
          return undefined;
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    css: false,
  },
});
