// Builds the operator dashboard into dist/admin-ui, served by the service at /admin (no CDN).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../../dist/admin-ui', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // The page's Content-Security-Policy allows no inline code or data: everything is a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
