#!/usr/bin/env node
// Opens a rendered model report (src/report/html.h) in headless Chromium and checks what a
// reader gets: the page loads nothing but itself, each expected section is there, is not
// data-empty and draws its data (lines with at least two points, heatmap cells or bars of
// positive size; tables with rows for summary, logs and alarms), no script or console error,
// no "NaN"/"undefined" text, chart text at least 11 px, no horizontal overflow at 1280 px; then
// saves a full-page screenshot.
//
// Usage: node tests/report/report_browser.mjs --html FILE [--screenshot OUT.png]
//          [--expect-sections summary,performance,drift,distributions,quality,operations,logs,alarms]
// Exit: 0 all checks pass, 1 a check failed (each failure on its own line), 77 skipped
// (no /usr/bin/chromium or no playwright-core), 2 bad usage.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const kChromium = '/usr/bin/chromium';
const kAllSections = ['summary', 'performance', 'drift', 'distributions', 'quality', 'operations',
  'logs', 'alarms'];
const kTableSections = new Set(['summary', 'logs', 'alarms']);

function Usage(message) {
  console.error(`report_browser: ${message}`);
  console.error('usage: node tests/report/report_browser.mjs --html FILE [--screenshot OUT.png] ' +
                '[--expect-sections a,b,...]');
  process.exit(2);
}

function ParseArgs(argv) {
  const args = { html: null, screenshot: null, sections: kAllSections };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) Usage(`${argv[i]} needs a value`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--html': args.html = value(); break;
      case '--screenshot': args.screenshot = value(); break;
      case '--expect-sections':
        args.sections = value().split(',').map((s) => s.trim()).filter((s) => s.length > 0);
        break;
      default: Usage(`unknown argument ${argv[i]}`);
    }
  }
  if (!args.html) Usage('--html is required');
  return args;
}

// Runs in the page: one message per problem found in the sections.
function CheckSections({ sections, tableSections }) {
  const problems = [];
  const pointsIn = (d) => (d.match(/-?\d*\.?\d+(?:e-?\d+)?/gi) || []).length / 2;
  for (const id of sections) {
    const s = document.getElementById(id);
    if (!s || s.tagName !== 'SECTION') {
      problems.push(`section #${id}: missing`);
      continue;
    }
    if (!s.querySelector('h2')) problems.push(`section #${id}: no <h2> heading`);
    if (s.getAttribute('data-empty') === 'true') {
      problems.push(`section #${id}: data-empty="true" (${s.textContent.trim().slice(0, 120)})`);
      continue;
    }
    if (tableSections.includes(id)) {
      const rows = s.querySelectorAll('table tbody tr').length;
      if (rows === 0) problems.push(`section #${id}: no table rows`);
      continue;
    }
    const lines = [...s.querySelectorAll('svg path.series')]
      .filter((p) => pointsIn(p.getAttribute('d') || '') >= 2 && p.getTotalLength() > 0).length;
    const shapes = [...s.querySelectorAll('svg rect.cell, svg rect.bar')].filter((r) => {
      const b = r.getBBox();
      return b.width > 0 && b.height > 0;
    }).length;
    if (lines === 0 && shapes === 0) {
      problems.push(`section #${id}: no drawn data (path.series with 2+ points, rect.cell or ` +
                    'rect.bar of positive size)');
    }
  }
  return problems;
}

// Runs in the page: readability and layout problems.
function CheckLayout() {
  const problems = [];
  const small = [];
  for (const t of document.querySelectorAll('svg text')) {
    const ctm = t.getScreenCTM();
    if (!ctm || t.getClientRects().length === 0) continue;
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
    if (px < 10.95) small.push(`"${t.textContent.slice(0, 30)}" ${px.toFixed(1)}px`);
  }
  if (small.length > 0) {
    problems.push(`${small.length} chart labels under 11px, e.g. ${small.slice(0, 3).join(', ')}`);
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) {
    problems.push(`the page scrolls sideways: ${doc.scrollWidth}px wide in a ${doc.clientWidth}px window`);
  }
  const text = document.body.innerText;
  for (const bad of [/\bNaN\b/, /\bundefined\b/, /\bnan\b/, /(^|[^\w])-?inf\b/i, /\[object Object\]/]) {
    const m = text.match(bad);
    if (m) problems.push(`page text contains "${m[0].trim()}"`);
  }
  return problems;
}

async function Main() {
  const args = ParseArgs(process.argv.slice(2));
  if (!existsSync(kChromium)) {
    console.log(`report_browser: skipped, ${kChromium} not found`);
    return 77;
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    console.log(`report_browser: skipped, playwright-core not available (${e.message.split('\n')[0]})`);
    return 77;
  }
  const file = resolve(args.html);
  if (!existsSync(file)) {
    console.error(`report_browser: FAILED: ${file} does not exist`);
    return 1;
  }
  const fileUrl = pathToFileURL(file).href;

  const failures = [];
  const browser = await chromium.launch({
    executablePath: kChromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const foreign = [];
    page.on('request', (r) => {
      const url = r.url();
      if (url !== fileUrl && !url.startsWith('data:')) foreign.push(`${r.method()} ${url}`);
    });
    // Nothing may leave the machine even if the page asked.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      return url === fileUrl || url.startsWith('data:') ? route.continue() : route.abort();
    });
    const consoleErrors = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));

    const started = Date.now();
    const response = await page.goto(fileUrl, { waitUntil: 'load', timeout: 60000 });
    if (!response || !response.ok()) failures.push(`could not load ${fileUrl}`);
    const loadMs = Date.now() - started;

    for (const r of foreign) failures.push(`network request other than the file itself: ${r}`);
    failures.push(...await page.evaluate(CheckSections, {
      sections: args.sections,
      tableSections: [...kTableSections],
    }));
    failures.push(...await page.evaluate(CheckLayout));
    for (const e of consoleErrors) failures.push(`console error: ${e}`);

    if (args.screenshot) {
      await page.screenshot({ path: args.screenshot, fullPage: true });
    }
    const counts = await page.evaluate(() => ({
      series: document.querySelectorAll('path.series').length,
      cells: document.querySelectorAll('rect.cell').length,
      bars: document.querySelectorAll('rect.bar').length,
      rows: document.querySelectorAll('table tbody tr').length,
    }));
    console.log(`report_browser: loaded in ${loadMs} ms; ${counts.series} series, ${counts.cells} ` +
                `heatmap cells, ${counts.bars} bars, ${counts.rows} table rows` +
                (args.screenshot ? `; screenshot ${args.screenshot}` : ''));
  } finally {
    await browser.close();
  }
  if (failures.length > 0) {
    for (const f of failures) console.error(`report_browser: FAILED: ${f}`);
    return 1;
  }
  console.log(`report_browser: OK (${args.sections.length} sections checked)`);
  return 0;
}

Main().then((code) => process.exit(code), (e) => {
  console.error(`report_browser: FAILED: ${e.stack || e}`);
  process.exit(1);
});
