// records.mjs: retention in the browser.  A records manager sees the
// schedule and what is due by customer and category with each rule, and
// proposes a disposal list; a manager approves it on the same screen; a
// clerk takes a stamped copy from the viewer ("Download copy", with a
// reason) and the file is a PDF stamped with the clerk's name and reason.
// Env: BASE_URL, OUT_DIR, RECORDS_USER/PASSWORD, MANAGER_USER/PASSWORD,
// CLERK_USER/PASSWORD, COPY_DOC (a document of the clerk's batch),
// COPY_OUT (where the downloaded copy is saved).
import { ok, launch, signIn, shot } from './lib.mjs';

const base = process.env.BASE_URL;
let { browser, page, errors } = await launch();
try {
  await signIn(page, base, process.env.RECORDS_USER, process.env.RECORDS_PASSWORD);
  ok(await page.locator('#menu a[data-screen=records]').count() === 1, 'the records manager has a Retention screen in the menu');
  await page.goto(base + '/#/records');
  await page.waitForSelector('.rp-records table', { timeout: 15000 });
  const sched = await page.locator('.rp-records table').first().textContent();
  ok(sched.includes('10y after relationship_end'), 'the schedule in force is shown', sched);
  const summary = await page.locator('.rp-records .rp-summary').first().textContent();
  ok(/^2 documents due by \d{4}-\d\d-\d\d; kept off the list: 1 under a legal hold/.test(summary), 'what is due is counted, legal holds kept off', summary);
  const heads = await page.locator('.rp-records h4').allTextContents();
  ok(heads.some(h => h.startsWith('Customer C-OLD')), 'documents due are grouped by customer', heads.join(' | '));
  const row = await page.locator('.rp-records tbody tr', { hasText: 'CREDIT: 10y after relationship_end' }).first().textContent();
  ok(row.includes('relationship_end'), 'each document shows the rule that applies and what it counts from', row);
  await shot(page, 'records-due');
  await page.click('.rp-propose button[type=submit]');
  await page.locator('.rp-propose .status.error').waitFor({ timeout: 10000 });
  ok(/needs a note/.test(await page.locator('.rp-propose .status.error').textContent()), 'a list without a note is refused in words');
  await page.fill('#dispose-note', 'annual retention review');
  await page.click('.rp-propose button[type=submit]');
  await page.locator('.rp-propose .status:not(.error)').waitFor({ timeout: 10000 });
  const msg = await page.locator('.rp-propose .status').textContent();
  ok(/disposal list \d+ proposed: 2 document/.test(msg), 'the records manager proposes the list', msg);
  await page.waitForSelector('.rp-records td:has-text("proposed")', { timeout: 15000 });
  await shot(page, 'records-proposed');
  await browser.close();

  ({ browser, page, errors } = await launch());
  await signIn(page, base, process.env.MANAGER_USER, process.env.MANAGER_PASSWORD);
  // The list waits on the manager's landing screen, which leads to it.
  await page.goto(base + '/#/home');
  const waiting = page.locator('#home-approve-disposals li');
  await waiting.first().waitFor({ timeout: 30000 });
  const line = await waiting.first().textContent();
  await shot(page, 'records-home-manager');
  ok(/^Disposal list \d+ 2 documents due by \d{4}-\d\d-\d\d, proposed by rita: /.test(line),
    'the list waits on the manager\'s landing screen', line);
  await page.click('#home-approve-disposals a:has-text("Decide on the Retention screen")');
  const approve = page.locator('.rp-records button:has-text("Approve")');
  await approve.first().waitFor({ timeout: 15000 });
  await approve.first().click();
  await page.locator('.rp-records .rp-acts .status').first().waitFor({ timeout: 10000 });
  const said = await page.locator('.rp-records .rp-acts .status').first().textContent();
  ok(/approved: 2 document\(s\) held until/.test(said), 'a manager of the unit approves it; the hold applies', said);
  await page.waitForSelector('.rp-records td:has-text("approved")', { timeout: 15000 });
  await shot(page, 'records-approved');
  ok(errors.length === 0, 'no script errors or dialogs (records)', errors.join('\n'));
  await browser.close();

  ({ browser, page, errors } = await launch());
  await signIn(page, base, process.env.CLERK_USER, process.env.CLERK_PASSWORD);
  await page.goto(base + '/#/doc/' + process.env.COPY_DOC);
  await page.waitForSelector('.dv-copy', { timeout: 15000 });
  ok(await page.locator('.dv-downloads').count() === 0, 'a clerk, who may not download, is not offered the original');
  await page.click('.dv-copy button:has-text("Download copy")');
  ok(/Say who the copy is for/.test(await page.locator('.dv-copy-status').textContent()), 'a copy without a reason is refused in words');
  await page.fill('#copy-reason', 'customer asked at the counter');
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }),
    page.click('.dv-copy button:has-text("Download copy")')]);
  ok(dl.suggestedFilename() === 'document-' + process.env.COPY_DOC + '-copy.pdf', 'the stamped copy downloads', dl.suggestedFilename());
  await dl.saveAs(process.env.COPY_OUT);
  await page.locator('.dv-copy-status:has-text("stamped")').waitFor({ timeout: 10000 });
  await shot(page, 'viewer-copy');
  ok(errors.length === 0, 'no script errors or dialogs (viewer)', errors.join('\n'));
} catch (e) {
  ok(false, 'records flow', e.stack);
  await shot(page, 'records-failure').catch(() => {});
} finally {
  await browser.close();
}
