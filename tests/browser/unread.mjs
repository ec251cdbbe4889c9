// unread.mjs: a page whose text was partly not read waits in the review
// queue with the reason "part of the page was not read"; the review screen
// outlines the regions that produced no words over the page image and says
// how much of the text-like ink was read.
// Env: BASE_URL, OUT_DIR, CLERK_USER, CLERK_PASSWORD, UNREAD_TITLE (the
// flagged document's title), UNREAD_REGIONS (how many regions the API
// reports for its first page).
import { ok, end, launch, signIn, shot } from './lib.mjs';

const base = process.env.BASE_URL;
const want = Number(process.env.UNREAD_REGIONS);
const { browser, page, errors } = await launch();
try {
  await signIn(page, base, process.env.CLERK_USER, process.env.CLERK_PASSWORD);
  await page.click('text=Scan & review');
  const item = page.locator('.review-item', { hasText: process.env.UNREAD_TITLE });
  await item.first().waitFor({ timeout: 15000 });
  const reason = await item.first().locator('.reason').textContent();
  ok(reason.includes('part of the page was not read'), 'the reason says part of the page was not read', reason);
  await item.first().locator('img.review-page').evaluate(
    (im) => new Promise((res) => { if (im.complete && im.naturalWidth) res(); else im.addEventListener('load', res, { once: true }); }));
  const boxes = item.first().locator('.review-frame .unread-box');
  const n = await boxes.count();
  ok(want > 0 && n === want, 'each unread region is outlined on the page', 'outlined ' + n + ', the API has ' + want);
  // Every outline lies on the page image.
  const img = await item.first().locator('img.review-page').boundingBox();
  let inside = n > 0;
  for (let i = 0; i < n; i++) {
    const b = await boxes.nth(i).boundingBox();
    if (!b || b.x < img.x - 1 || b.y < img.y - 1 || b.x + b.width > img.x + img.width + 1 ||
        b.y + b.height > img.y + img.height + 1 || b.width < 2 || b.height < 2) inside = false;
  }
  ok(inside, 'the outlines lie on the page image');
  const gate = await item.first().locator('.gate').textContent();
  ok(/Text-like ink read: \d+%; \d+ regions? outlined in red produced no words\./.test(gate),
    'the share read and the regions are said in words', gate);
  await item.first().scrollIntoViewIfNeeded();
  await shot(page, 'review-unread');
  ok(errors.length === 0, 'no page errors', errors.join('\n'));
} catch (e) {
  ok(false, 'unread review flow', e.stack);
} finally {
  await browser.close();
}
end();
