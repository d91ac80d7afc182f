/**
 * A reporter that closes a local run with one line naming the tools this machine lacks and how
 * many tests did not run for want of them. (Under `CI=true` a missing tool fails the run instead,
 * test/support/tools.ts.)
 */
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { missingTools } from './tools';

export default class SkippedSummary implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const toolbox = this.vitest?.getRootProject().getProvidedContext().toolbox;
    if (!toolbox) return;
    const skippedIn = testModules.map((m) => [...m.children.allTests('skipped')].length).filter((n) => n > 0);
    const missing = missingTools(toolbox);
    if (skippedIn.length === 0 || missing.length === 0) return;
    const tests = skippedIn.reduce((sum, n) => sum + n, 0);
    const install = missing.map((tool) => `${tool.what}: ${tool.howToGet}`).join('; ');
    this.vitest?.logger.log(
      `SKIPPED: ${tests} tests in ${skippedIn.length} files did not run on this machine. Missing ${install}. CI=true fails instead.`,
    );
  }
}
