import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The operator console: built into dist/console and served by the control plane at /console
 * (apps/control-plane/src/http/console.route.ts). JSX/TSX go through Vite's own transform
 * (the automatic React runtime, from tsconfig.json): no plugin. `npm run console:dev` serves it
 * with hot reload and forwards /api to a control plane on 127.0.0.1:8080.
 */
export default defineConfig({
  root,
  base: '/console/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // Module scripts only: no inline polyfill script (the content security policy allows none).
    modulePreload: { polyfill: false },
    sourcemap: false,
    rolldownOptions: {
      // TanStack Query marks its modules "use client" (for React Server Components); meaningless in a bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': { target: 'http://127.0.0.1:8080' } },
  },
});
