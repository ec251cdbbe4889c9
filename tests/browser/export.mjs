// export.mjs: an auditor searches, opens the Export panel under the
// results, is told a reason is needed, gives one, watches the export run
// and finish, downloads the bundle, and finds it on the Exports screen.
// Env: BASE_URL, OUT_DIR, AUDITOR_USER, AUDITOR_PASSWORD, WORD (a word the
// archive's pages hold).
import { ok, launch, signIn, shot, end } from './lib.mjs';

const base = process.env.BASE_URL;
const { browser, page, errors } = await launch();
try {
  await signIn(page, base, process.env.AUDITOR_USER, process.env.AUDITOR_PASSWORD);
  await page.goto(base + '/#/search?q=' + encodeURIComponent(process.env.WORD));
  await page.waitForSelector('.hits li');
  const panel = page.locator('details.xp');
  ok(await panel.count() === 1, 'an Export panel sits under the results');
  await panel.locator('summary').click();
  await panel.locator('button[type=submit]').click();
  await panel.locator('text=Say why you export').waitFor();
  ok(true, 'an export without a reason is refused in words, before anything starts');
  await panel.locator('input[id^=xp-reason]').fill('regulator request 2026/114');
  await panel.locator('button[type=submit]').click();
  const link = panel.locator('a.xp-download');
  await link.waitFor();
  const line = await panel.locator('.xp-line').textContent();
  ok(/is ready: \d+ documents?/.test(line), 'the export finishes and says what it holds', line);
  await shot(page, 'export-ready');
  const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
  ok(/^dossier-export-\d+\.zip$/.test(dl.suggestedFilename()), 'the bundle downloads as a ZIP', dl.suggestedFilename());
  await page.goto(base + '/#/exports');
  await page.waitForSelector('.xp-list li');
  const item = await page.locator('.xp-list li').first().textContent();
  ok(item.includes('regulator request 2026/114'), 'the Exports screen lists it with its reason', item);
  await shot(page, 'exports');
  ok(errors.length === 0, 'no script errors or dialogs', errors.join('\n'));
} catch (e) {
  ok(false, 'export flow', e.stack);
  await shot(page, 'export-failure').catch(() => {});
} finally {
  await browser.close();
}
end();
