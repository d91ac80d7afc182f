/**
 * `scan --html FILE`: a self-contained page. Checked as text (escaping, no URLs) and rendered in
 * headless Chromium (Debian's package): the counts on the page match the scan's JSON, findings come
 * first, and at desktop and phone widths every verdict stays in view (screenshots in
 * test-results/html-report/).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, renderScanHtml } from '../../cli/report/html';
import type { ScanReport } from '../../cli/report/scan-report';
import { runCli } from '../support/cli';
import { requireTool, toolPath } from '../support/tools';

const chromiumAvailable = requireTool('chromium');

const HOSTILE = `<script>window.__pwned = 1</script><img src="https://example.com/x.png" onerror="window.__pwned = 2">&amp; "quoted" 'single'`;

/** A report whose every field a hostile account could influence carries markup. */
const hostileReport: ScanReport = {
  account: { id: '<b>111122223333</b>', source: 'live', description: 'live account (profile "<i>x</i>")' },
  generatedAt: '2026-05-12T00:00:00.000Z',
  checks: [
    {
      id: 'instance-role',
      title: 'EC2 instance roles carry the Session Manager instance policy',
      ruleName: 'session-guard instance-role rule',
      parameters: { ExemptionTagKey: HOSTILE },
      results: [
        {
          resourceType: 'AWS::IAM::Role',
          resourceId: 'AROA"><script>x()</script>',
          resourceName: HOSTILE,
          compliance: 'NON_COMPLIANT',
          annotation: HOSTILE,
        },
        {
          resourceType: 'AWS::IAM::Role',
          resourceId: 'AROAOK',
          resourceName: 'ok',
          compliance: 'COMPLIANT',
          annotation: 'fine',
        },
      ],
    },
  ],
  skipped: [],
};

const scratch = mkdtempSync(join(tmpdir(), 'session-guard-html-'));
/** The test's output folder: the report as Chromium draws it at desktop and phone widths, to look at. */
const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/html-report');

describe('the HTML report as text', () => {
  it('escapes every character that could start markup or end an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('keeps hostile values as text and allows no scripts or external URLs', () => {
    const html = renderScanHtml(hostileReport);
    expect(html).not.toMatch(/<script|<img|<b>|<i>/i);
    expect(html).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    // The hostile URL survives only as escaped text, never as an attribute of a tag.
    expect(html).not.toMatch(/<[a-z]+[^>]*\s(src|href|on\w+)=/i);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
  });
});

describe('a check that could not run', () => {
  it('is listed under "Checks not run" with the reason, and gets no section', () => {
    const reason = 'The instance-role check needs PolicyArn: pass --policy-arn <arn>.';
    const html = renderScanHtml({
      ...hostileReport,
      checks: [],
      skipped: [{ id: 'instance-role', title: 'EC2 instance roles', reason }],
    });
    expect(html).toContain('<h2 id="skipped-title">Checks not run</h2>');
    expect(html).toContain(
      `<li data-skipped="instance-role"><strong>instance-role</strong> (EC2 instance roles): ${escapeHtml(reason)}</li>`,
    );
    expect(html).not.toContain('<section class="check"');
  });
});

describe.skipIf(!chromiumAvailable)('the HTML report in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: toolPath('chromium'),
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => browser?.close());

  /** Opens a page and records every request it makes and every console error. */
  async function open(path: string) {
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(path).href);
    return { page, requests, errors };
  }

  it('renders the scan, with the summary, chart and tables showing the same counts as --json', async () => {
    const htmlPath = join(scratch, 'report.html');
    const run = await runCli(['scan', '--json', '--html', htmlPath]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`HTML report written to ${htmlPath}`);
    const json = JSON.parse(run.stdout) as {
      summary: Record<string, number>;
      checks: { id: string; summary: Record<string, number> }[];
    };

    const { page, requests, errors } = await open(htmlPath);
    try {
      expect(await page.title()).toBe('session-guard report: account 111122223333');
      expect(requests).toEqual([pathToFileURL(htmlPath).href]);
      expect(errors).toEqual([]);

      const types = ['NON_COMPLIANT', 'COMPLIANT', 'NOT_APPLICABLE', 'total'];
      const summary = Object.fromEntries(
        await Promise.all(
          types.map(async (t) => [t, Number(await page.locator(`#summary [data-count="${t}"]`).textContent())]),
        ),
      );
      expect(summary).toEqual(json.summary);
      expect(summary).toEqual({ NON_COMPLIANT: 23, COMPLIANT: 23, NOT_APPLICABLE: 10, total: 56 });

      // A section and a chart row for each of the three rules, with the counts --json gives it.
      expect(json.checks.map((c) => [c.id, c.summary])).toEqual([
        ['instance-role', { NON_COMPLIANT: 4, COMPLIANT: 2, NOT_APPLICABLE: 6, total: 12 }],
        ['ssm-access', { NON_COMPLIANT: 16, COMPLIANT: 17, NOT_APPLICABLE: 4, total: 37 }],
        ['session-document', { NON_COMPLIANT: 3, COMPLIANT: 4, NOT_APPLICABLE: 0, total: 7 }],
      ]);
      expect(
        await page
          .locator('section.check')
          .evaluateAll((sections) => sections.map((s) => s.getAttribute('data-check'))),
      ).toEqual(json.checks.map((c) => c.id));
      for (const check of json.checks) {
        const section = page.locator(`section.check[data-check="${check.id}"]`);
        await expect(section.isVisible()).resolves.toBe(true);
        expect(await section.locator('tbody tr').count()).toBe(check.summary.total);
        for (const type of ['NON_COMPLIANT', 'COMPLIANT', 'NOT_APPLICABLE']) {
          const count = check.summary[type] ?? 0;
          expect(await section.locator(`tbody tr[data-compliance="${type}"]`).count(), `${check.id} ${type} rows`).toBe(
            count,
          );
          expect(Number(await section.locator(`[data-count="${type}"]`).textContent())).toBe(count);
          const bar = page.locator(`svg.chart rect[data-check="${check.id}"][data-compliance="${type}"]`);
          // A verdict no resource has gets no bar segment at all.
          expect(await bar.count(), `${check.id} ${type} bar`).toBe(count > 0 ? 1 : 0);
          if (count === 0) continue;
          expect(Number(await bar.getAttribute('data-count'))).toBe(count);
          // Drawn, and as wide as its share of the check's resources.
          const box = await bar.boundingBox();
          expect(box?.width).toBeGreaterThan(0);
          expect(Number(await bar.getAttribute('width'))).toBeCloseTo((600 * count) / (check.summary.total ?? 1), 1);
        }
      }
      expect((await page.screenshot()).byteLength).toBeGreaterThan(1000);
    } finally {
      await page.close();
    }
  });

  it('shows hostile values as text: nothing runs and nothing loads', async () => {
    const htmlPath = join(scratch, 'hostile.html');
    writeFileSync(htmlPath, renderScanHtml(hostileReport));
    const { page, requests } = await open(htmlPath);
    try {
      expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(requests).toEqual([pathToFileURL(htmlPath).href]);
      expect(await page.locator('tbody tr[data-compliance="NON_COMPLIANT"] td').last().textContent()).toBe(HOSTILE);
      expect(await page.locator('h1').textContent()).toBe('session-guard report: account <b>111122223333</b>');
    } finally {
      await page.close();
    }
  });

  it("puts non-compliant rows first and folds the rest, and names each resource's type", async () => {
    const htmlPath = join(scratch, 'layout.html');
    expect((await runCli(['scan', '--html', htmlPath])).code).toBe(0);
    const { page } = await open(htmlPath);
    try {
      for (const section of await page.locator('section.check').all()) {
        // The first table is the open one and holds only findings; passing rows sit in closed <details>.
        const open = section.locator(':scope > table');
        expect(await open.locator('tbody tr:not([data-compliance="NON_COMPLIANT"])').count()).toBe(0);
        for (const details of await section.locator('details').all()) {
          expect(await details.getAttribute('open')).toBeNull();
          expect(await details.locator('tbody tr[data-compliance="NON_COMPLIANT"]').count()).toBe(0);
          expect(await details.locator('tbody tr').first().isVisible()).toBe(false);
          expect(await details.locator('summary').textContent()).toMatch(/^(Compliant|Not applicable) \(\d+\)$/);
        }
      }
      const ssmAccess = page.locator('section.check[data-check="ssm-access"]');
      expect(await ssmAccess.locator('thead').first().locator('th').allTextContents()).toEqual([
        'Verdict',
        'Resource',
        'Resource ID',
        'Type',
        'Finding',
      ]);
      const types = await ssmAccess.locator('td[data-label="Type"]').allTextContents();
      expect(new Set(types)).toEqual(
        new Set(['AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']),
      );
    } finally {
      await page.close();
    }
  });

  describe.each([
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 420, height: 900 }],
  ])('at %s width', (name, viewport) => {
    it('keeps every verdict in view, never breaks a resource ID, and needs no sideways scrolling', async () => {
      const htmlPath = join(scratch, `${name}.html`);
      expect((await runCli(['scan', '--html', htmlPath])).code).toBe(0);
      const page = await browser.newPage({ viewport });
      try {
        await page.goto(pathToFileURL(htmlPath).href);
        // What a reader opens: every folded section.
        for (const summary of await page.locator('details summary').all()) await summary.click();
        const overflow = await page.evaluate(() => {
          const { documentElement } = (
            globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
          ).document;
          return documentElement.scrollWidth - documentElement.clientWidth;
        });
        expect(overflow, 'sideways scroll in px').toBeLessThanOrEqual(0);

        const verdicts = page.locator('tbody .verdict');
        const count = await verdicts.count();
        expect(count).toBeGreaterThan(0);
        for (let i = 0; i < count; i++) {
          const box = await verdicts.nth(i).boundingBox();
          expect(box, `verdict ${i}`).not.toBeNull();
          expect(box!.x).toBeGreaterThanOrEqual(0);
          expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
          expect(box!.width).toBeGreaterThan(20);
        }
        // A resource ID stays on one line whenever it fits the line at all.
        const brokenIds = await page
          .locator('td[data-label="Resource ID"] code')
          .evaluateAll((codes) =>
            codes
              .filter((code) => code.getClientRects().length > 1 && code.textContent!.length < 30)
              .map((code) => code.textContent),
          );
        expect(brokenIds).toEqual([]);

        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: join(SCREENSHOTS, `report-${name}.png`), fullPage: true });
      } finally {
        await page.close();
      }
    });
  });

  it('writes a page that needs nothing else', () => {
    const html = readFileSync(join(scratch, 'report.html'), 'utf8');
    expect(html).not.toMatch(/https?:\/\/|<script|<link|\ssrc=|@import|url\(/i);
  });
});
