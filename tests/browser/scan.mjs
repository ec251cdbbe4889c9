// scan.mjs: a clerk uploads a batch at the scan station, watches it being
// read, and reviews a flagged page (turns it, corrects the category,
// accepts it); OCR text holding markup shows as text.  Then scans from
// the scanner attached to the server (SANE's test backend, which the
// server's fault hook jams after 3 pages): the jam is shown with the
// pages kept, the scan is resumed into the same batch, then closed.
// Env: BASE_URL, OUT_DIR, CLERK_USER, CLERK_PASSWORD, UPLOAD_FILES (paths
// separated by ':'), FLAGGED_TITLE (the flagged document's title),
// SCANNER (set when the server sees the test scanner).
import { ok, launch, signIn, shot, end, WAIT } from './lib.mjs';

const base = process.env.BASE_URL;
const { browser, page, errors } = await launch();
try {
  await signIn(page, base, process.env.CLERK_USER, process.env.CLERK_PASSWORD);
  ok(await page.isVisible('text=Scan & review'), 'the clerk sees the scan station in the menu');
  await page.click('text=Scan & review');
  await page.waitForSelector('.upload input[type=file]', { state: 'attached' });
  await page.setInputFiles('.upload input[type=file]', process.env.UPLOAD_FILES.split(':'));
  let done = true;
  // OCR of the batch on a busy machine: minutes, not seconds.
  try { await page.waitForSelector('text=: done.', { timeout: 3 * WAIT }); } catch (e) { done = false; }
  ok(done, 'the uploaded batch is read to the end');
  const thumbs = await page.locator('.batch .docthumb img').count();
  ok(thumbs >= 2, 'each finished page shows as a thumbnail', 'thumbnails: ' + thumbs);
  await shot(page, 'scan-station');

  // The flagged document's OCR text holds markup: it must show as text.
  const item = page.locator('.review-item', { hasText: process.env.FLAGGED_TITLE });
  await item.first().waitFor();
  const ocr = await item.first().locator('.ocr').textContent();
  ok(ocr.includes('<script>alert("ocr")</script>'), 'OCR text with <script> shows as text', ocr);
  ok(await page.locator('.review-item script').count() === 0, 'no script element came from the OCR text');
  await shot(page, 'review-queue');
  // Turn the page a quarter right: it is read again and shown turned.
  const before = await item.first().locator('img.review-page').getAttribute('src');
  await item.first().locator('button[data-degrees="90"]').click();
  await item.first().locator('text=turned 90 degrees and read again').waitFor();
  const after = await item.first().locator('img.review-page').getAttribute('src');
  ok(after !== before, 'the turned page is fetched anew', before + ' -> ' + after);
  const dims = await item.first().locator('img.review-page').evaluate(
    (im) => new Promise((res) => { const f = () => res([im.naturalWidth, im.naturalHeight]);
      if (im.complete && im.naturalWidth) f(); else im.addEventListener('load', f, { once: true }); }));
  ok(dims[0] > dims[1], 'the page shows in landscape after a quarter turn', JSON.stringify(dims));
  await shot(page, 'review-turned');
  await item.first().locator('input[id^=cat-]').fill('CREDIT');
  await item.first().locator('input[id^=note-]').fill('category checked against the form');
  await item.first().locator('button[type=submit]').click();
  await page.waitForSelector('text=accepted and filed');
  ok(true, 'the flagged document is accepted with its category corrected');
  await page.waitForSelector('text=Nothing waits for review.');
  ok(true, 'the queue is empty afterwards');

  if (process.env.SCANNER) {
    const panel = page.locator('section.scanner');
    await panel.waitFor();
    ok(await panel.locator('#sc-device option').count() >= 1, 'the scanner panel lists the server\'s scanners');
    await panel.locator('#sc-device').selectOption(process.env.SCANNER);
    await panel.locator('#sc-dpi').selectOption('150');
    await panel.locator('button[type=submit]').click();
    const jam = page.locator('.batch .status[role=alert]', { hasText: 'paper jam after page 3' });
    await jam.waitFor();
    ok((await jam.textContent()).includes('3 pages are kept in batch'), 'the jam is shown with the pages kept', await jam.textContent());
    const bn = (/kept in batch (\d+)/.exec(await jam.textContent()) || [])[1];
    const box = page.locator('section.batch', { has: page.locator('h2:text-is("Batch ' + bn + '")') });
    const thumbs = await box.locator('.docthumb img').count();
    ok(thumbs === 3, 'the pages scanned show as thumbnails', 'thumbnails: ' + thumbs);
    await shot(page, 'scan-jammed');
    await box.locator('button', { hasText: 'Resume the scan' }).click();
    await page.locator('section.batch .status[role=alert]', { hasText: 'paper jam after page 6' }).waitFor();
    ok(true, 'resumed into the same batch, which goes on to page 6');
    await box.locator('button', { hasText: 'Close the batch' }).click();
    await box.locator('.status', { hasText: 'closed.' }).waitFor();
    ok(await box.locator('.scan-actions').isHidden(), 'closed: no more resume or close');
    await shot(page, 'scan-closed');
  }
  ok(errors.length === 0, 'no script errors or dialogs', errors.join('\n'));
} catch (e) {
  ok(false, 'scan station flow', e.stack);
  await shot(page, 'scan-failure').catch(() => {});
} finally {
  await browser.close();
}
end();
