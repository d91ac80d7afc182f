#!/usr/bin/env node
// The `session-guard` bin. It runs the command line from one esbuild bundle (cli/.build/), which
// starts several times faster than the TypeScript tree through tsx. The bundle is rebuilt here
// whenever it is missing or any file it was built from changed (scripts/build-cli.mjs), so a clean
// clone needs no build step and the CLI always runs the rules' current source. Where it cannot be
// built (a read-only install), the same source is loaded through tsx instead.

// The SDK warns on every run under Node 20 that future SDK releases will need Node 22. The CLI
// supports Node 20 (package.json engines), so that notice would only bury the CLI's own messages.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `session-guard scan | head` closes the pipe early: stop quietly, as other command-line tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const debug = process.argv.includes('--debug');
const { main } = await loadCli();
// exitCode, not exit(): a large --json report piped to another program must be flushed whole.
process.exitCode = await main(process.argv.slice(2));

async function loadCli() {
  const { pathToFileURL } = await import('node:url');
  const { buildCli, cliBundleIsFresh, CLI_BUNDLE } = await import('../scripts/build-cli.mjs');
  try {
    if (!cliBundleIsFresh()) await buildCli();
    // Stack traces (--debug) point into the TypeScript sources, not the bundle.
    if (debug) process.setSourceMapsEnabled(true);
    return await import(pathToFileURL(CLI_BUNDLE).href);
  } catch (error) {
    if (debug)
      process.stderr.write(
        `session-guard: running from source, the bundle could not be built: ${error.stack ?? error}\n`,
      );
    const { tsImport } = await import('tsx/esm/api');
    return tsImport('./main.ts', import.meta.url);
  }
}
