#!/usr/bin/env node
// The `session-guard` bin. It loads the TypeScript CLI through tsx (a runtime dependency), so
// `npx session-guard` works on a clean clone without a build step, and the CLI always runs the
// rules' current source rather than a stale bundle.
import { tsImport } from 'tsx/esm/api';

// The SDK warns on every run under Node 20 that future SDK releases will need Node 22. The CLI
// supports Node 20 (package.json engines), so that notice would only bury the CLI's own messages.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `session-guard scan | head` closes the pipe early: stop quietly, as other command-line tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const { main } = await tsImport('./main.ts', import.meta.url);
// exitCode, not exit(): a large --json report piped to another program must be flushed whole.
process.exitCode = await main(process.argv.slice(2));
