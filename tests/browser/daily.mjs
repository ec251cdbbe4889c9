// daily.mjs: what each role meets every day, in headless Chromium.
// Each role's landing screen (cards by what the role may do, none failing;
// the administrator never lands on a search); an edit in the viewer seen
// as a version and in the history; a customer made in the browser and a
// document uploaded for its account found by that account and filed
// under it, and one file given its own account and category; the request-access flow (refused, asked, approved on the
// manager's landing screen, opened); then a screenshot of every screen
// each role reaches from its menu.
// Env: BASE_URL, OUT_DIR, DOC_ID (a document of customer C-0001, managed
// by sta), UPLOAD_FILE (a scan printing NEW_ACCOUNT), NEW_ACCOUNT,
// PERFILE_FILE (a scan printing C-0002's account); users
// cle, sta, stb, mgr, aud, adm with password pass-NAME-123.
import { ok, launch, shot, end } from './lib.mjs';

const base = process.env.BASE_URL;
const WAIT = 90000; // the machine is busy: a minute and a half per wait
const DOC = process.env.DOC_ID;
const pw = (u) => 'pass-' + u + '-123';

async function signIn(page, user) {
  await page.goto(base + '/');
  await page.waitForSelector('#signin:not([hidden]), #who:not([hidden])', { timeout: WAIT });
  if (await page.isVisible('#who')) {
    await page.click('#signout');
    await page.waitForSelector('#signin:not([hidden])', { timeout: WAIT });
  }
  await page.fill('#name', user);
  await page.fill('#password', pw(user));
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#who:not([hidden])', { timeout: WAIT });
}

// Waits for every card of the landing screen to load (or fail).
async function homeLoaded(page) {
  await page.waitForSelector('.hm-card', { timeout: WAIT });
  await page.waitForFunction(() => [...document.querySelectorAll('.hm-card .hm-body')]
    .every((b) => !/^Loading…$/.test((b.querySelector('.status') || {}).textContent || '')), null, { timeout: WAIT });
}

async function cards(page) {
  return page.$$eval('.hm-card', (cs) => cs.map((c) => c.id.replace(/^home-/, '')));
}

async function cardErrors(page) {
  return page.$$eval('.hm-card .status.error, .status.error', (es) => es.map((e) => e.textContent));
}

const { browser, page, errors } = await launch();
const step = async (name, fn) => {
  try { return ok(await fn(), name); } catch (e) {
    ok(false, name, e.message);
    await shot(page, 'daily-failed-' + name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)).catch(() => {});
    return false;
  }
};

// ---- each role's landing screen ----
const want = {
  cle: ['batches', 'review', 'saved', 'recent', 'covers', 'my-grants'],
  sta: ['customers', 'saved', 'recent', 'my-deletions', 'my-grants'],
  mgr: ['approve-grants', 'approve-deletions', 'approve-disposals', 'incomplete', 'customers', 'saved', 'recent'],
  aud: ['saved', 'recent', 'audit', 'exports', 'my-grants'],
  adm: ['users', 'units', 'categories', 'retention'],
};
for (const [u, ids] of Object.entries(want)) {
  await step(u + ': lands on a home screen whose cards all load', async () => {
    await signIn(page, u);
    await homeLoaded(page);
    await shot(page, 'daily-home-' + u);
    const got = await cards(page);
    const missing = ids.filter((i) => !got.includes(i));
    const errs = await cardErrors(page);
    if (missing.length || errs.length) throw new Error('missing ' + missing.join(',') + '; errors: ' + errs.join(' | '));
    return (await page.title()) === 'dossier: home';
  });
}
await step('adm: no search anywhere on the landing screen, no search card', async () => {
  await signIn(page, 'adm');
  await homeLoaded(page);
  const got = await cards(page);
  return !(await page.isVisible('#home-q')) && !got.includes('saved') && !got.includes('recent') &&
    !(await page.isVisible('text=Search failed'));
});

// ---- words read unsurely, marked where they are seen ----
await step('the viewer frames and counts the words read with low confidence, as the API has them', async () => {
  await signIn(page, 'sta');
  await page.goto(base + '/#/doc/' + DOC);
  await page.waitForSelector('.dv-ocr', { timeout: WAIT });
  await page.waitForTimeout(500);
  const n = await page.evaluate(async (id) => {
    const d = await (await fetch('/api/documents/' + id)).json();
    const below = typeof d.unsure_below === 'number' ? d.unsure_below : 60;
    return (d.pages[0].words || []).filter((w) => w[5] < below).length;
  }, DOC);
  const boxes = await page.locator('.dv-unsurebox').count();
  const under = await page.locator('.dv-ocr .dv-unsure').count();
  const note = n ? await page.textContent('.dv-unsurenote') : '';
  const head = n ? await page.textContent('.dv-unsurecount') : '';
  if (boxes !== n || (n && under < 1) || (n && !note.startsWith(n + ' word')) || (n && !head.includes(n + ' uncertain')))
    throw new Error('API ' + n + ', boxes ' + boxes + ', underlined ' + under + ', note "' + note + '", head "' + head + '"');
  return true;
});

// ---- an edit in the viewer, seen in the history ----
await step('sta edits the title and date in the viewer with a reason', async () => {
  await signIn(page, 'sta');
  await page.goto(base + '/#/doc/' + DOC);
  await page.waitForSelector('#ed-title', { timeout: WAIT });
  await shot(page, 'daily-viewer-before-edit');
  await page.fill('#ed-title', 'Repayment letter, corrected');
  await page.fill('#ed-date', '2024-02-29');
  await page.click('.dv-editform button[type=submit]');
  await page.waitForSelector('text=Say why', { timeout: WAIT });
  await page.fill('#ed-reason', 'title and date checked against the paper');
  await page.click('.dv-editform button[type=submit]');
  await page.waitForSelector('h2.dv-title:has-text("Repayment letter, corrected")', { timeout: WAIT });
  return true;
});
await step('the new version shows with its reason and the old values, and in the history', async () => {
  const v = page.locator('.dv-versions li').first();
  await v.waitFor({ timeout: WAIT });
  const text = await v.textContent();
  await page.waitForSelector('.dv-history td:has-text("edit")', { timeout: WAIT });
  await page.locator('.dv-versions').scrollIntoViewIfNeeded();
  await shot(page, 'daily-viewer-after-edit');
  if (!/Version 2/.test(text) || !/title and date checked against the paper/.test(text) || !/2024-02-29/.test(text))
    throw new Error(text);
  return (await page.textContent('.dv-meta')).includes('2024-02-29');
});

// ---- a search saved under its results, on the landing screen ----
await step('sta saves a search; the landing screen shows it with what it finds now', async () => {
  await page.goto(base + '/#/search?q=' + encodeURIComponent('customer:C-0001'));
  await page.waitForSelector('.hits li', { timeout: WAIT });
  const n = await page.locator('.hits li').count();
  await page.fill('#sv-name', 'Ada\'s papers');
  await page.click('.sv-save button[type=submit]');
  await page.waitForSelector('.sv-save .status:has-text("it is on your home screen")', { timeout: WAIT });
  await page.goto(base + '/#/home');
  await homeLoaded(page);
  const li = page.locator('#home-saved li:has-text("Ada\'s papers")');
  await li.waitFor({ timeout: WAIT });
  const count = (await li.locator('.hm-count').textContent()).trim();
  await shot(page, 'daily-home-saved');
  if (count !== String(n)) throw new Error('card says ' + count + ', the search found ' + n);
  return n > 0;
});

// ---- a customer made in the browser, a document uploaded for it ----
await step('cle adds a customer with an account on the Customers screen', async () => {
  await signIn(page, 'cle');
  await page.click('#menu a[data-screen=customers]');
  await page.waitForSelector('details.cu-add', { timeout: WAIT });
  await page.click('details.cu-add summary');
  await page.fill('#cu-number', 'C-0300');
  await page.fill('#cu-name', 'Grace Hopper');
  await page.fill('#cu-type', 'individual');
  await page.fill('#cu-unit', 'north');
  await page.fill('#cu-manager', 'sta');
  await page.fill('#cu-accounts', process.env.NEW_ACCOUNT);
  await page.click('.cu-form button[type=submit]');
  await page.waitForSelector('text=customer C-0300 added', { timeout: WAIT });
  await shot(page, 'daily-customer-added');
  return true;
});
await step('cle uploads a scan for that account and a category at the scan station', async () => {
  await page.click('#menu a[data-screen=review]');
  await page.waitForSelector('.upload input[type=file]', { state: 'attached', timeout: WAIT });
  // An unknown category is refused before anything is read.
  await page.fill('#up-cat', 'NOPE');
  await page.setInputFiles('.upload input[type=file]', [process.env.UPLOAD_FILE]);
  await page.waitForSelector('.upload .status.error:has-text("unknown category")', { timeout: WAIT });
  await page.fill('#up-acc', process.env.NEW_ACCOUNT);
  await page.fill('#up-cat', 'CREDIT');
  await page.setInputFiles('.upload input[type=file]', [process.env.UPLOAD_FILE]);
  await page.waitForSelector('.batch .docthumb', { timeout: 3 * WAIT });
  await page.waitForFunction(() => !/…$/.test((document.querySelector('.batch .status') || {}).textContent || '…'),
    null, { timeout: 3 * WAIT });
  await page.waitForSelector('.upload .status:has-text("read; 1 document filed.")', { timeout: WAIT });
  await shot(page, 'daily-upload-done');
  return !/ingesting/.test(await page.textContent('.upload .status'));
});
await step('the same scan again: archived before, not counted as a document', async () => {
  await page.setInputFiles('.upload input[type=file]', [process.env.UPLOAD_FILE]);
  await page.waitForSelector('.upload .status:has-text("read; 0 documents filed, 1 file archived before.")',
    { timeout: 3 * WAIT });
  await shot(page, 'daily-upload-duplicate');
  return (await page.locator('.batch .flag:has-text("archived before")').count()) >= 1;
});
await step('the document is found by its account and filed under the new customer', async () => {
  await page.goto(base + '/#/search?q=' + encodeURIComponent('account:' + process.env.NEW_ACCOUNT));
  await page.waitForSelector('.hits li', { timeout: WAIT });
  const meta = await page.textContent('.hits li .meta');
  await shot(page, 'daily-found-by-account');
  if (!meta.includes('Grace Hopper') || !meta.includes('CREDIT')) throw new Error(meta);
  await page.click('.hits li a');
  await page.waitForSelector('.dv-sub a', { timeout: WAIT });
  return (await page.textContent('.dv-sub')).includes('C-0300');
});
await step('the customer list finds it by part of the account', async () => {
  await page.goto(base + '/#/customers?q=' + encodeURIComponent(process.env.NEW_ACCOUNT.slice(-6)));
  await page.waitForSelector('.cu-table tbody tr', { timeout: WAIT });
  const cells = await page.$$eval('.cu-table tbody tr:first-child td', (tds) => tds.map((t) => t.textContent));
  await shot(page, 'daily-customers-found');
  if (cells[0] !== 'Grace Hopper' || cells[6] !== '1') throw new Error(JSON.stringify(cells));
  return true;
});

await step('cle sets one file\'s own account and category before uploading it', async () => {
  // The scan prints ACC-2024-100002; the file's own account wins.
  await page.click('#menu a[data-screen=review]');
  await page.waitForSelector('.upload input[type=file]', { state: 'attached', timeout: WAIT });
  await page.fill('#up-acc', process.env.NEW_ACCOUNT);
  await page.fill('#up-cat', 'CREDIT');
  await page.check('#up-perfile');
  await page.setInputFiles('.upload input[type=file]', [process.env.PERFILE_FILE]);
  await page.waitForSelector('#up-file-acc-0', { timeout: WAIT });
  if (await page.inputValue('#up-file-acc-0') !== process.env.NEW_ACCOUNT) throw new Error('not prefilled with the batch\'s account');
  await page.fill('#up-file-cat-0', 'COMPLAINT');
  await shot(page, 'daily-upload-perfile');
  await page.click('.upload-files button:has-text("Upload 1 file")');
  await page.waitForSelector('.upload .status:has-text("read; 1 document filed.")', { timeout: 3 * WAIT });
  await page.goto(base + '/#/search?q=' + encodeURIComponent('account:' + process.env.NEW_ACCOUNT + ' category:COMPLAINT'));
  await page.waitForSelector('.hits li', { timeout: WAIT });
  return (await page.locator('.hits li').count()) === 1;
});
// ---- request access ----
await step('stb, out of scope, is refused once and offered a request', async () => {
  await signIn(page, 'stb');
  await page.goto(base + '/#/doc/' + DOC);
  await page.waitForSelector('.access-form', { timeout: WAIT });
  const msg = await page.textContent('.status.error');
  await shot(page, 'daily-access-refused');
  if (/\)\)/.test(msg)) throw new Error('doubled parenthesis: ' + msg);
  return /You may not open this document: /.test(msg);
});
await step('stb asks for access with a reason', async () => {
  await page.click('.access-form button[type=submit]');
  await page.waitForSelector('.access .status.error', { timeout: WAIT });
  await page.fill('#access-reason', 'complaint 2024-117 names this letter');
  await page.click('.access-form button[type=submit]');
  await page.waitForSelector('text=a manager decides', { timeout: WAIT });
  await shot(page, 'daily-access-requested');
  await page.goto(base + '/#/home');
  await page.waitForSelector('#home-my-grants .hm-requested', { timeout: WAIT });
  return true;
});
await step('mgr approves it on the landing screen', async () => {
  await signIn(page, 'mgr');
  await homeLoaded(page);
  const card = page.locator('#home-approve-grants');
  await card.locator('text=stb').waitFor({ timeout: WAIT });
  await shot(page, 'daily-access-waiting');
  await card.locator('button:has-text("Approve")').click();
  await card.locator('.hm-done').waitFor({ timeout: WAIT });
  return true;
});
await step('stb sees it approved and opens the document', async () => {
  await signIn(page, 'stb');
  await homeLoaded(page);
  await page.waitForSelector('#home-my-grants .hm-approved', { timeout: WAIT });
  await shot(page, 'daily-access-approved');
  await page.goto(base + '/#/doc/' + DOC);
  await page.waitForSelector('h2.dv-title', { timeout: WAIT });
  return (await page.textContent('h2.dv-title')).includes('Repayment letter, corrected');
});

// ---- every screen of every role ----
for (const u of Object.keys(want)) {
  await step(u + ': every screen of the menu shows without an error', async () => {
    await signIn(page, u);
    const screens = await page.$$eval('#menu a', (as) => as.map((a) => a.dataset.screen));
    const bad = [];
    for (const s of screens) {
      await page.goto(base + '/#/' + s);
      await page.waitForTimeout(300);
      await page.waitForFunction(() => !/…$/.test((document.querySelector('#view .status') || {}).textContent || ''),
        null, { timeout: WAIT }).catch(() => {});
      await page.waitForTimeout(700);
      await shot(page, 'daily-' + u + '-' + s);
      const errs = await page.$$eval('#view .status.error', (es) => es.map((e) => e.textContent));
      if (errs.length) bad.push(s + ': ' + errs.join(' | '));
    }
    for (const extra of ['doc/' + DOC, 'customer/C-0001', 'search?q=letter']) {
      await page.goto(base + '/#/' + extra);
      await page.waitForTimeout(1500);
      await shot(page, 'daily-' + u + '-' + extra.replace(/[^a-z0-9]+/gi, '-'));
    }
    if (bad.length) throw new Error(bad.join('\n'));
    return screens.length > 0;
  });
}

ok(errors.length === 0, 'no script errors or dialogs', errors.join('\n'));
await browser.close();
end();
