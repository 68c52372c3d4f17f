// Takes the README's screenshots from a running AppHost, and fails when a page does not show what its
// screenshot claims. Debian's chromium, driven by puppeteer-core (which downloads no browser of its own):
// the dashboard is a Blazor Server app that `chromium --screenshot` captures blank.
//
// node screenshots.mjs --login URL --prometheus URL --nodes cache-0,cache-1,cache-2 --expr PROMQL --out DIR [--profile DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const options = parseArguments(process.argv.slice(2));
const nodes = options.nodes.split(',').filter(Boolean);
const dashboard = new URL(options.login).origin;
const outFolder = path.resolve(options.out);
fs.mkdirSync(outFolder, { recursive: true });

// Every wait is bounded; the dashboard needs a few seconds per page on two busy cores.
const PAGE_TIMEOUT = 60_000;

// The flags that work on this kind of machine: without the background-networking ones chromium keeps
// trying hosts the closed network refuses. A fresh profile each run, so no old login or cache leaks in.
const profile = options.profile ?? fs.mkdtempSync(path.join(os.tmpdir(), 'aspirecache-chromium-'));
const browser = await puppeteer.launch({
  executablePath: options.chromium ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`,
  ],
  defaultViewport: { width: 1280, height: 720, deviceScaleFactor: 1 },
});

let failed = false;
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT);

  // The login URL carries the token; the dashboard answers with a cookie and the resources page.
  await page.goto(options.login, { waitUntil: 'domcontentloaded' });
  await resources(page);
  await traceAcrossNodes(page);
  await prometheusHitRatio(page);
} catch (error) {
  failed = true;
  console.error(`screenshots: ${error.message}`);
} finally {
  await browser.close();
  if (!options.profile) {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);

async function resources(page) {
  const wanted = [...nodes, 'loadgen', 'demobackend', 'prometheus'];
  await page.goto(`${dashboard}/`, { waitUntil: 'domcontentloaded' });
  // A resource's row says "Running" once it started, "Running (Unhealthy)" until its health check passes.
  const notRunning = await waitFor(page, 'every resource Running and healthy on the resources page', (names) => {
    const rows = [...document.querySelectorAll('[role="row"], tr')];
    const stateOf = (name) => {
      const row = rows.find((r) => r.innerText.split(/\s+/).includes(name));
      return row ? row.innerText.replace(/\s+/g, ' ') : 'no row';
    };
    const bad = names.map((n) => [n, stateOf(n)]).filter(([, s]) => !/\bRunning\b/.test(s) || /Unhealthy|Starting|Waiting/.test(s));
    return bad.length === 0 ? true : null;
  }, wanted);
  if (notRunning !== true) {
    throw new Error('the resources page does not show every resource running');
  }
  const text = await page.evaluate(() => document.body.innerText);
  for (const name of wanted) {
    assert(text.includes(name), `the resources page does not name ${name}`);
  }
  assert(text.includes('Running'), 'the resources page does not say Running');
  await shoot(page, 'dashboard-resources.png');
}

async function traceAcrossNodes(page) {
  // Traces that reached the backend are loads; one that also spans two nodes went through a
  // non-owner to the owner, which loaded the key: the path the README's diagram shows.
  await page.goto(`${dashboard}/traces/resource/demobackend`, { waitUntil: 'domcontentloaded' });
  const href = await waitFor(page, 'a trace with spans of two cache nodes and demobackend in /traces', (names) => {
    for (const link of document.querySelectorAll('a[href*="/traces/detail/"]')) {
      const row = link.closest('[role="row"], tr') ?? link.parentElement;
      const text = row.innerText;
      const nodesInRow = names.filter((n) => text.includes(n));
      if (nodesInRow.length >= 2 && text.includes('demobackend')) {
        return link.href;
      }
    }
    return null;
  }, nodes);
  await page.goto(href, { waitUntil: 'domcontentloaded' });
  const shown = await waitFor(page, 'the trace detail page listing spans of two nodes and demobackend', (names) => {
    const text = document.body.innerText;
    const nodesShown = names.filter((n) => text.includes(n));
    return nodesShown.length >= 2 && text.includes('demobackend') ? nodesShown : null;
  }, nodes);
  console.log(`screenshots: trace ${href} spans ${shown.join(', ')} and demobackend`);
  await shoot(page, 'trace-across-nodes.png');
}

async function prometheusHitRatio(page) {
  const graph = new URL('/graph', options.prometheus);
  graph.searchParams.set('g0.expr', options.expr);
  graph.searchParams.set('g0.tab', '0');
  graph.searchParams.set('g0.range_input', '5m');
  await page.goto(graph.href, { waitUntil: 'domcontentloaded' });
  // The graph tab draws a legend entry per series once the query answered with data.
  await waitFor(page, 'a series in Prometheus\'s graph of the hit ratio', () => {
    const text = document.body.innerText;
    if (/Empty query result|No datapoints found|Error executing query/i.test(text)) {
      return null;
    }
    return document.querySelector('.graph-legend .legend-item, .legend-item') ? true : null;
  });
  await shoot(page, 'prometheus-hit-ratio.png');
}

// Polls fn in the page until it returns something other than null; names what it waited for on timeout.
async function waitFor(page, what, fn, ...args) {
  try {
    const handle = await page.waitForFunction(fn, { timeout: PAGE_TIMEOUT, polling: 500 }, ...args);
    return await handle.jsonValue();
  } catch (error) {
    const file = path.join(outFolder, `failed-${Date.now()}.png`);
    await page.screenshot({ path: file }).catch(() => {});
    throw new Error(`${what}: not within ${PAGE_TIMEOUT / 1000} s on ${page.url()} (${error.message}; page as it was: ${file})`);
  }
}

async function shoot(page, name) {
  // Blazor re-renders a moment after the data arrives; wait for the page to be idle, not a fixed time.
  await page.waitForNetworkIdle({ idleTime: 500, timeout: 10_000 }).catch(() => {});
  const file = path.join(outFolder, name);
  await page.screenshot({ path: file });
  console.log(`screenshots: ${file} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function parseArguments(argv) {
  const result = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
      throw new Error(`usage: screenshots.mjs --login URL --prometheus URL --nodes a,b --expr PROMQL --out DIR [--profile DIR] [--chromium PATH] (at '${argv[i]}')`);
    }
    result[argv[i].slice(2)] = argv[i + 1];
  }
  for (const required of ['login', 'prometheus', 'nodes', 'expr', 'out']) {
    if (!result[required]) {
      throw new Error(`screenshots.mjs: --${required} is required`);
    }
  }
  return result;
}
