#!/usr/bin/env node
// `npm start`: install what is missing, build, and serve the app. Plain Node with no dependencies,
// because it runs before anything is installed.
import { existsSync, statSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

if (!existsSync('node_modules/.package-lock.json') || mtime('package-lock.json') > mtime('node_modules/.package-lock.json')) {
  console.log('Installing dependencies…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
console.log('Building…');
run('npx', ['vite', 'build', '--logLevel', 'warn']);
const port = process.env.PORT ?? '4173';
console.log(`\nPodium is at http://localhost:${port}/  (Ctrl+C stops it)\n`);
const server = spawn('npx', ['vite', 'preview', '--port', port, '--strictPort', '--host', process.env.HOST ?? 'localhost'], { stdio: 'inherit' });
server.on('exit', (code) => process.exit(code ?? 0));
