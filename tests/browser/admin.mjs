// admin.mjs: the administration screen's changes in headless Chromium,
// as an administrator: adds a category through the form (and sees a code
// refused in words), gives it an alias and a new name, adds a checklist
// item for it and removes it again (asked again in the page, never in a
// browser dialog), disables and enables a user, moves a user to another
// unit, and sees the units.  Screenshots go to OUT_DIR.
// Env: BASE_URL, OUT_DIR, ADMIN_USER, ADMIN_PASSWORD.
import { launch, ok, shot, signIn, end, WAIT } from './lib.mjs';

const BASE = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const ADMIN = process.env.ADMIN_USER || 'adm';
const ADMIN_PW = process.env.ADMIN_PASSWORD || '';

const { browser, page, errors } = await launch();
page.setDefaultTimeout(WAIT);

async function check(name, fn) {
  try {
    const r = await fn();
    return ok(r !== false, name, r === false ? 'condition false' : '');
  } catch (e) {
    return ok(false, name, e && e.message);
  }
}

// The text of the cells of the table row whose header cell is key.
function rowCells(table, key) {
  return page.$$eval(table + ' tbody tr', (rows, k) => {
    const r = rows.find((x) => x.querySelector('th').textContent === k);
    return r ? [...r.children].map((c) => c.textContent) : null;
  }, key);
}
async function statusOf(sel) {
  await page.waitForFunction((s) => {
    const p = document.querySelector(s + ' .status');
    return p && !/…$/.test(p.textContent);
  }, sel);
  return page.textContent(sel + ' .status');
}

const signed = await check('admin signs in', () => signIn(page, BASE, ADMIN, ADMIN_PW));
if (!signed) {
  await browser.close();
  end();
  process.exit(0);
}

await check('admin screen shows categories, units and the checklist', async () => {
  await page.evaluate(() => { location.hash = '#/admin'; });
  await page.waitForSelector('.rp-categories tbody tr');
  await page.waitForSelector('.rp-checklist tbody tr');
  await page.waitForSelector('.rp-units tbody tr');
  const basic = await rowCells('.rp-categories', 'BASIC');
  if (!basic || basic[2] !== '1') throw new Error('BASIC row: ' + JSON.stringify(basic));
  return /never change/.test(await page.textContent('section[aria-labelledby=admin-categories] .rp-note'));
});

await check('a lower-case code is refused in words before sending', async () => {
  await page.fill('#cat-code', 'x');
  await page.fill('#cat-name', 'Nothing');
  await page.click('.rp-addcat button[type=submit]');
  const t = await statusOf('.rp-addcat');
  return /2 to 16 capital letters/.test(t) && await page.isVisible('.rp-addcat .status.error');
});

await check('a taken code shows the server\'s words', async () => {
  await page.fill('#cat-code', 'basic');
  await page.fill('#cat-name', 'Again');
  await page.click('.rp-addcat button[type=submit]');
  await page.waitForFunction(() => /already/.test((document.querySelector('.rp-addcat .status') || {}).textContent || ''));
  return /'BASIC' is already the code of category BASIC/.test(await page.textContent('.rp-addcat .status'));
});

await check('admin adds a category through the form', async () => {
  await page.fill('#cat-code', 'UITEST');
  await page.fill('#cat-name', 'Browser test category');
  await page.click('.rp-addcat button[type=submit]');
  await page.waitForFunction(() => [...document.querySelectorAll('.rp-categories tbody th')]
    .some((t) => t.textContent === 'UITEST'));
  const cells = await rowCells('.rp-categories', 'UITEST');
  const msg = await page.textContent('.rp-addcat .status');
  if (!/catalogue number 8/.test(msg)) throw new Error(msg);
  // No document count: not the administrator's to see.
  return cells[1] === 'Browser test category' && cells[2] === '8' && cells[4] === 'not yours to count';
});

await check('admin gives the category an alias', async () => {
  await page.click('button[aria-label="Add an alias to UITEST"]');
  await page.waitForSelector('.rp-categories .rp-inline input');
  await page.keyboard.type('uitestalias');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /UITESTALIAS/.test(
    [...document.querySelectorAll('.rp-categories tbody tr')].find((r) => r.querySelector('th').textContent === 'UITEST')
      .children[3].textContent));
  return /now also means category UITEST/.test(await page.textContent('section[aria-labelledby=admin-categories] > .rp-form-status'));
});

await check('admin renames the category', async () => {
  await page.click('button[aria-label="Rename UITEST"]');
  await page.waitForSelector('.rp-categories .rp-inline input');
  await page.fill('.rp-categories .rp-inline input', 'Renamed in the browser');
  await page.click('.rp-categories .rp-inline button[type=submit]');
  await page.waitForFunction(() => [...document.querySelectorAll('.rp-categories tbody tr')]
    .some((r) => r.querySelector('th').textContent === 'UITEST' && r.children[1].textContent === 'Renamed in the browser'));
  return true;
});

await check('admin adds a checklist item for it through the form', async () => {
  await page.fill('#cl-label', 'Browser test item');
  await page.selectOption('#cl-category', 'UITEST');
  await page.fill('#cl-type', 'corporate');
  await page.fill('#cl-count', '2');
  await page.click('.rp-addcheck button[type=submit]');
  await page.waitForFunction(() => [...document.querySelectorAll('.rp-checklist tbody th')]
    .some((t) => t.textContent === 'Browser test item'));
  const cells = await rowCells('.rp-checklist', 'Browser test item');
  return cells[1] === 'corporate' && cells[2] === 'UITEST' && cells[4] === '2';
});

await check('admin screenshot after the changes', () => shot(page, 'admin-changes'));

await check('Remove asks again in the page; Escape keeps the item', async () => {
  const btn = 'button[aria-label="Remove checklist item Browser test item"]';
  await page.click(btn);
  await page.waitForSelector('.rp-checklist .rp-confirm-yes');
  await shot(page, 'admin-confirm');
  await page.keyboard.press('Escape');
  await page.waitForSelector(btn);
  return await page.evaluate((s) => document.activeElement === document.querySelector(s), btn);
});

await check('admin removes the checklist item after confirming', async () => {
  await page.click('button[aria-label="Remove checklist item Browser test item"]');
  await page.click('.rp-checklist .rp-confirm-yes');
  await page.waitForFunction(() => ![...document.querySelectorAll('.rp-checklist tbody th')]
    .some((t) => t.textContent === 'Browser test item'));
  const t = await page.textContent('section[aria-labelledby=admin-checklist] > .rp-form-status');
  return /Checklist item removed/.test(t);
});

await check('units show their users; customers and documents are not the administrator\'s to count', async () => {
  const north = await rowCells('.rp-units', 'north');
  return north !== null && north[1] === 'not yours to count' && north[2] === '0' &&
    north[3] === 'not yours to count';
});

await check('admin disables a user after confirming', async () => {
  await page.click('button[aria-label="Disable mgr"]');
  await page.click('.rp-users .rp-confirm-yes');
  await page.waitForSelector('button[aria-label="Enable mgr"]');
  const cells = await rowCells('.rp-users', 'mgr');
  return cells[6] === 'disabled';
});

await check('admin enables the user again', async () => {
  await page.click('button[aria-label="Enable mgr"]');
  await page.waitForSelector('button[aria-label="Disable mgr"]');
  const cells = await rowCells('.rp-users', 'mgr');
  return cells[6] === 'active';
});

await check('admin moves a user to another unit', async () => {
  await page.click('button[aria-label="Change cle"]');
  await page.waitForSelector('#admin-change-unit');
  await page.fill('#admin-change-unit', 'south');
  await page.click('.rp-changeuser button[type=submit]');
  await page.waitForFunction(() => !document.querySelector('.rp-changeuser'));
  const cells = await rowCells('.rp-users', 'cle');
  const units = await rowCells('.rp-units', 'south');
  return cells[2] === 'south' && units !== null && units[2] === '1';
});

await check('admin screenshot at the end', () => shot(page, 'admin-end'));

await check('no object or markup shown as text', async () => {
  const t = await page.textContent('.rp-admin');
  return !/\[object |undefined|<[a-z]/.test(t);
});

ok(errors.length === 0, 'no script errors and no browser dialogs', errors.join(' | '));
await browser.close();
end();
process.exit(0);
