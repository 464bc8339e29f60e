// The copy and share buttons of a partner's overview page, used as partner staff would, in
// headless Chromium: by keyboard, over http (as the adviser hosts the packs) and from disk (an
// unzipped pack, offline).
//
//   usage: node copy.mjs BUILD_DIR PUPPETEER_CORE_DIR
// Every partner folder under BUILD_DIR with statements (social/*.txt) is tried.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [root, puppeteerDir] = process.argv.slice(2);
const require = createRequire(path.join(puppeteerDir, 'package.json'));
const puppeteer = require(puppeteerDir);
const packs = [];
const walk = (d) => {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const p = path.join(d, e.name);
    const overview = ['LEESMIJ.html', 'README.html'].find((f) => fs.existsSync(path.join(p, f)));
    if (overview && fs.existsSync(path.join(p, 'social'))) packs.push([p, overview]);
    else walk(p);
  }
};
walk(root);
if (packs.length === 0) { console.log('FAIL: no packs with statements'); process.exit(1); }
const seen = new Set();
const failures = [];
const fail = (m) => { failures.push(m); console.log('FAIL: ' + m); };

// A static server for the pack, on a free port of 127.0.0.1 (a secure context for the
// clipboard, like https on the adviser's host).
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '');
  const file = path.join(root, rel);
  if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404); res.end(); return;
  }
  res.writeHead(200, { 'content-type': file.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8' });
  res.end(fs.readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run'],
});
try {
  await browser.defaultBrowserContext().overridePermissions(origin, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
  const opened = [];
  // The targets themselves: a new tab's address is read when checked (it may still be
  // about:blank when the tab is created).
  browser.on('targetcreated', (t) => opened.push(t));
  for (const [dir, overview] of packs) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`); });
  await page.goto(`${origin}/${path.relative(root, dir).split(path.sep).map(encodeURIComponent).join('/')}/${overview}`, { waitUntil: 'load' });

  const posts = await page.$$eval('.actions', (all) => all.map((a) => ({
    hidden: a.hidden,
    visible: a.getBoundingClientRect().height > 0,
    txt: a.nextElementSibling.querySelector('a').getAttribute('href'),
    platform: a.getAttribute('aria-label'),
    share: a.querySelector('a.button:not([data-mastodon])')?.href ?? null,
    open: a.querySelector('button[data-open]')?.getAttribute('data-open') ?? null,
    mastodon: !!a.querySelector('a[data-mastodon]'),
  })));
  if (posts.length === 0) fail(`${dir}: no copy buttons on the overview page`);
  for (const [i, p] of posts.entries()) {
    if (p.hidden || !p.visible) fail(`${p.platform}: buttons not shown`);
    const want = fs.readFileSync(path.join(dir, p.txt), 'utf8').replace(/\n$/, '');
    // The copy button, by keyboard: Tab to it, Enter.
    await page.evaluate(() => navigator.clipboard.writeText('-'));
    const buttons = await page.$$('.actions');
    const copyButton = await buttons[i].$('button[data-text]');
    await copyButton.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((el) => el.querySelector('.status').textContent.length > 0, {}, buttons[i]);
    const got = await page.evaluate(() => navigator.clipboard.readText());
    if (got !== want) fail(`${p.platform}: clipboard ${JSON.stringify(got)} is not the .txt ${JSON.stringify(want)}`);
    const status = await buttons[i].$eval('.status', (s) => s.textContent);
    const expected = await buttons[i].evaluate((a) => a.getAttribute('data-copied'));
    if (status !== expected) fail(`${p.platform}: status "${status}"`);
    // A share intent carries exactly the text.
    if (p.share) {
      const text = new URL(p.share).searchParams.get('text');
      if (text !== want) fail(`${p.platform}: intent text ${JSON.stringify(text)}`);
    }
    // Copy and open: copies, and opens the platform in a new tab.
    if (p.open) {
      await page.evaluate(() => navigator.clipboard.writeText('-'));
      const before = opened.length;
      const b = await buttons[i].$('button[data-open]');
      await b.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction((el) => el.querySelector('.status').textContent.length > 0, {}, buttons[i]);
      // Waits for the tab (up to 10 s: a loaded machine is slow to open one), not a fixed time.
      const site = p.open.split('?')[0];
      const urls = () => opened.slice(before).map((t) => t.url());
      for (let waited = 0; waited < 10000 && !urls().some((u) => u.startsWith(site)); waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!urls().some((u) => u.startsWith(site))) fail(`${p.platform}: ${p.open} not opened (${urls()})`);
      await page.bringToFront();
      const got2 = await page.evaluate(() => navigator.clipboard.readText());
      if (got2 !== want) fail(`${p.platform}: copy-and-open copied ${JSON.stringify(got2)}`);
    }
    // Mastodon: the reader's own server.
    if (p.mastodon) {
      const input = await buttons[i].$('input.instance');
      await input.click({ clickCount: 3 });
      await page.keyboard.type('social.example.nl');
      const href = await buttons[i].$eval('a[data-mastodon]', (a) => a.href);
      const u = new URL(href);
      if (u.host !== 'social.example.nl' || u.pathname !== '/share' || u.searchParams.get('text') !== want) fail(`mastodon: ${href}`);
    }
    seen.add(p.platform.split(': ').pop());
  }
  if (errors.length) fail(`${dir}: errors: ` + errors.join('; '));
  await page.close();
  console.log(`ok ${path.relative(root, dir)}: ${posts.length} statements`);
  }
  console.log('platforms tried: ' + [...seen].sort().join(', '));
  const [dir, overview] = packs[0];

  // From disk, offline: the buttons show and copying reports success or says what to do.
  const disk = await browser.newPage();
  await disk.goto(pathToFileURL(path.join(dir, overview)).href, { waitUntil: 'load' });
  const shown = await disk.$$eval('.actions', (all) => all.every((a) => !a.hidden));
  if (!shown) fail('from disk: buttons not shown');
  await disk.focus('.actions button[data-text]');
  await disk.keyboard.press('Enter');
  await disk.waitForFunction(() => document.querySelector('.actions .status').textContent.length > 0);
  const s = await disk.$eval('.actions', (a) => [a.querySelector('.status').textContent, a.getAttribute('data-copied'), a.getAttribute('data-failed')]);
  if (s[0] !== s[1] && s[0] !== s[2]) fail(`from disk: status "${s[0]}"`);
  console.log(`from disk: ${s[0] === s[1] ? 'copied' : 'told to copy by hand'}`);
} finally {
  await browser.close();
  server.close();
}
if (failures.length) { process.exit(1); }
console.log('OK');
