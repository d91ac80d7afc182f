#!/usr/bin/env node
// The `session-guard` bin. It loads the TypeScript CLI through tsx (a runtime dependency), so
// `npx session-guard` works on a clean clone without a build step, and the CLI always runs the
// rules' current source rather than a stale bundle.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('./main.ts', import.meta.url);
// exitCode, not exit(): a large --json report piped to another program must be flushed whole.
process.exitCode = await main(process.argv.slice(2));
