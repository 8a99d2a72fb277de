import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const nodeModules = fileURLToPath(new URL('./node_modules/', import.meta.url));

export default defineConfig({
  plugins: [react()],
  base: './',
  resolve: {
    alias: [
      // monaco-yaml's worker manager imports a path monaco-editor's `exports` map does not expose (NOTES.md).
      { find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: `${nodeModules}monaco-editor/esm/vs/$1` },
    ],
  },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    sourcemap: false,
    chunkSizeWarningLimit: 4000,
  },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: false },
});
