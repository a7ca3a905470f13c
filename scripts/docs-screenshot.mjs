#!/usr/bin/env node
/**
 * Render a page of the API reference (docs/site, built by `npm run docs`) to
 * a PNG with headless Chromium, scrolled to one member:
 *
 *   node scripts/docs-screenshot.mjs [out.png] [Class.member]   (npm run docs:screenshot)
 *
 * Default: the reference of `Intracomm.Allreduce` (mpi4py's Comm.Allreduce;
 * in mpi4ts it is declared on Intracomm and Intercomm) into
 * docs/site/Intracomm.Allreduce.png. The browser is the system's
 * (`apt-get install chromium`; CHROMIUM=/path overrides), driven through
 * playwright-core, which downloads no browser of its own.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const site = path.join(root, 'docs', 'site');
const out = path.resolve(process.argv[2] ?? path.join(site, 'Intracomm.Allreduce.png'));
const [cls, member] = (process.argv[3] ?? 'Intracomm.Allreduce').split('.');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const page = path.join(site, 'classes', `mpi4ts.MPI.${cls}.html`);
if (!fs.existsSync(page)) {
  console.error(`docs-screenshot: ${path.relative(root, page)} does not exist; run \`npm run docs\` first`);
  process.exit(1);
}
if (!fs.existsSync(executablePath)) {
  console.error(`docs-screenshot: no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM)`);
  process.exit(1);
}

// TypeDoc gives a member the anchor of its lower-cased name; `Allreduce` and
// `allreduce` both exist, and the one declared first (the object form) keeps
// the plain anchor. Find the heading whose text is the exact name instead.
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const probe = await browser.newPage();
  await probe.goto(pathToFileURL(page).href, { waitUntil: 'load' });
  const id = await probe.evaluate((name) => [...document.querySelectorAll('h3.tsd-anchor-link')]
    .find((h) => h.querySelector('span')?.textContent === name)?.id ?? null, member);
  await probe.close();
  if (id === null) throw new Error(`no member ${member} on ${path.relative(root, page)}`);
  // TypeDoc's script shows the page (hidden until it has set up) and scrolls
  // to the location's hash itself; the side navigation fills in after.
  const tab = await browser.newPage({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });
  await tab.goto(`${pathToFileURL(page).href}#${id}`, { waitUntil: 'load' });
  await tab.waitForFunction(() => document.body.style.display === '' && document.querySelector('.site-menu .tsd-navigation a') !== null);
  await tab.waitForTimeout(300);
  await tab.screenshot({ path: out });
  console.log(`docs-screenshot: ${cls}.${member} -> ${path.relative(process.cwd(), out)}`);
} finally {
  await browser.close();
}
