#!/usr/bin/env node
// Run first by `npm test` and `npm run demo`: installs what is missing (npm packages, Debian
// packages, code-server) so that a fresh clone needs no other command. Node builtins only: it runs
// before node_modules exists. The decisions live in scripts/lib/bootstrap-plan.mjs.
//
//   node scripts/bootstrap.mjs            (ECS_SKIP_SETUP=1 skips it)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realDeps, runBootstrap } from './lib/bootstrap-plan.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.exitCode = runBootstrap(realDeps(root), (line) => console.log(line));
