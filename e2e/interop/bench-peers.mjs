// Times the peers of Fachwerk's BPMN import on one file: bpmn-moddle `fromXML` (the parser of
// bpmn-js / Camunda Modeler) and bpmnlint with `bpmnlint:recommended` (parse + lint).
//
// and bpmn-js-differ (`diff(oldDefinitions, newDefinitions)`) on pairs of versions.
//
//   NODE_PATH=.tools/node/node_modules node e2e/interop/bench-peers.mjs FILE.bpmn [runs=7] [warmup=2] \
//       [--differ NAME OLD.bpmn NEW.bpmn [differRuns=5] [differWarmup=1]]...
//
// FILE may be `-` to run only the differ jobs.
//
// Prints JSON: { file, bytes, runs, warmup, moddleFromXmlMs: {median, min, max},
// bpmnlintMs: {median, min, max}, lintReports, "differ-NAME": {median, min, max, changes} or
// {error} } — medians of `runs` timed runs after `warmup` untimed ones. A fresh BpmnModdle and a
// fresh Linter are used for every run. The differ is timed on definitions parsed once
// (parsing is not part of the differ figure); an exception (e.g. a stack overflow on large
// diagrams) is reported as it happened, under `error`.

import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);

const argv = process.argv.slice(2);
const differAt = argv.indexOf('--differ');
const [file, runsArg, warmupArg] = differAt < 0 ? argv : argv.slice(0, differAt);
if (!file) {
  console.error('usage: node bench-peers.mjs FILE.bpmn [runs] [warmup] [--differ NAME OLD NEW [runs] [warmup]]...');
  process.exit(2);
}
// --differ groups: NAME OLD NEW [runs] [warmup]
const differJobs = [];
for (let i = differAt; i >= 0 && i < argv.length; ) {
  const next = argv.indexOf('--differ', i + 1);
  const group = argv.slice(i + 1, next < 0 ? argv.length : next);
  const [name, oldFile, newFile, r, w] = group;
  differJobs.push({ name, oldFile, newFile, runs: Math.max(1, Number(r ?? 5)), warmup: Math.max(0, Number(w ?? 1)) });
  i = next;
}
const runs = Math.max(1, Number(runsArg ?? 7));
const warmup = Math.max(0, Number(warmupArg ?? 2));

const { BpmnModdle } = await load('bpmn-moddle');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const xml = file === '-' ? '' : await readFile(file, 'utf8');

async function parse() {
  const { rootElement, warnings } = await new BpmnModdle().fromXML(xml, 'bpmn:Definitions');
  return { rootElement, warnings };
}

async function parseAndLint() {
  const { rootElement } = await parse();
  const linter = new Linter({ config: { extends: 'bpmnlint:recommended' }, resolver: new NodeResolver() });
  return linter.lint(rootElement);
}

async function time(fn, runs_ = runs, warmup_ = warmup) {
  const runs = runs_;
  const warmup = warmup_;
  for (let i = 0; i < warmup; i++) {
    await fn();
  }
  const samples = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const round = (v) => Math.round(v * 1000) / 1000;
  return {
    stats: { median: round(samples[Math.floor(samples.length / 2)]), min: round(samples[0]), max: round(samples[samples.length - 1]) },
    last
  };
}

// FILE "-": only the differ jobs (e.g. in a second node process with another --stack-size).
const skipFile = file === '-';
const moddle = skipFile ? null : await time(parse);
const lint = skipFile ? null : await time(parseAndLint);
const lintReports = skipFile ? 0 : Object.values(lint.last || {}).reduce((n, entries) => n + entries.length, 0);

const differResults = {};
if (differJobs.length) {
  const { diff } = await load('bpmn-js-differ');
  for (const job of differJobs) {
    const key = `differ-${job.name}`;
    try {
      const oldDefs = (await new BpmnModdle().fromXML(await readFile(job.oldFile, 'utf8'), 'bpmn:Definitions')).rootElement;
      const newDefs = (await new BpmnModdle().fromXML(await readFile(job.newFile, 'utf8'), 'bpmn:Definitions')).rootElement;
      const t = await time(async () => diff(oldDefs, newDefs), job.runs, job.warmup);
      const r = t.last;
      const changes = ['_added', '_removed', '_changed', '_layoutChanged']
        .reduce((n, k) => n + Object.keys(r[k] || {}).length, 0);
      differResults[key] = { ...t.stats, runs: job.runs, warmup: job.warmup, changes };
    } catch (e) {
      differResults[key] = { error: `${e && e.name}: ${e && e.message}` };
    }
  }
}

console.log(JSON.stringify({
  file,
  bytes: Buffer.byteLength(xml),
  runs,
  warmup,
  moddleWarnings: moddle ? moddle.last.warnings.length : undefined,
  moddleFromXmlMs: moddle ? moddle.stats : undefined,
  bpmnlintMs: lint ? lint.stats : undefined,
  lintReports,
  ...differResults
}, null, 2));
