import { cpSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

// Migrations are read at run time from `./migrations/` beside the code (see migrate.ts); in the
// bundle that is out/main/migrations/, so the build copies them there.
function copyMigrations(): Plugin {
  return {
    name: 'outbox:copy-migrations',
    writeBundle(options) {
      cpSync(resolve('src/main/core/db/migrations'), resolve(options.dir ?? 'out/main', 'migrations'), { recursive: true });
    },
  };
}

// The MCP server is run by the creator's assistant with their own Node (`node outbox-mcp.mjs`),
// not by Electron (RunAsNode is off): one self-contained file, every dependency bundled in, that
// electron-builder ships outside the asar (extraResources).
function bundleMcpServer(): Plugin {
  return {
    name: 'outbox:bundle-mcp',
    async writeBundle() {
      const { build } = await import('esbuild');
      await build({
        entryPoints: [resolve('src/main/api/mcp/cli.ts')],
        outfile: resolve('out/mcp/outbox-mcp.mjs'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        // Bundled CommonJS (the SDK's ajv) calls require(): give the ES module one.
        banner: { js: "import { createRequire as __outboxRequire } from 'node:module'; const require = __outboxRequire(import.meta.url);" },
        logLevel: 'warning',
      });
    },
  };
}

export default defineConfig({
  main: {
    plugins: [copyMigrations(), bundleMcpServer()],
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve('src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot be an ES module and cannot require anything but electron,
      // so the contract is bundled into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves the renderer unminified; minified it parses faster at start (issue 21).
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
