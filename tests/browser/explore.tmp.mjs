import { launch, shot } from './lib.mjs';
import { readFileSync } from 'fs';
const base = process.env.BASE_URL;
const pws = Object.fromEntries(readFileSync(process.env.LOGINS, 'utf8').trim().split('\n').map((l) => l.split(' ')));
const users = (process.env.USERS || 'clerk,staff,manager,auditor,admin').split(',');
for (const u of users) {
  const { browser, page, errors } = await launch();
  await page.goto(base + '/');
  await page.waitForSelector('#name');
  await page.fill('#name', u); await page.fill('#password', pws[u]);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#whoname', { state: 'visible' });
  await page.waitForTimeout(2500);
  await shot(page, u + '-home');
  const screens = await page.$$eval('#menu a', (as) => as.map((a) => a.dataset.screen));
  for (const h of screens.concat((process.env.HASHES || '').split(' ').filter(Boolean))) {
    await page.goto(base + '/#/' + h);
    await page.waitForTimeout(2500);
    await shot(page, u + '-' + h.replace(/[^a-z0-9]+/gi, '_'));
  }
  console.log(u, errors.join('; '));
  await browser.close();
}
