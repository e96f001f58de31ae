import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Preact through esbuild's automatic JSX runtime (no framework plugin needed). The caption rules come from the
// client library's own module, so the live counter and the service apply the same limits.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: {
    alias: {
      '@igkit/graph/captions': fileURLToPath(new URL('../graph/src/publishing/captions.ts', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:8787' } },
});
