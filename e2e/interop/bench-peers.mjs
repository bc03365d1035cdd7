// Times the peers of Fachwerk's BPMN import on one file: bpmn-moddle `fromXML` (the parser of
// bpmn-js / Camunda Modeler) and bpmnlint with `bpmnlint:recommended` (parse + lint).
//
//   NODE_PATH=.tools/node/node_modules node e2e/interop/bench-peers.mjs FILE.bpmn [runs=7] [warmup=2]
//
// Prints JSON: { file, bytes, runs, warmup, moddleFromXmlMs: {median, min, max},
// bpmnlintMs: {median, min, max}, lintReports } — medians of `runs` timed runs after `warmup`
// untimed ones. A fresh BpmnModdle and a fresh Linter are used for every run.

import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);

const [file, runsArg, warmupArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench-peers.mjs FILE.bpmn [runs] [warmup]');
  process.exit(2);
}
const runs = Math.max(1, Number(runsArg ?? 7));
const warmup = Math.max(0, Number(warmupArg ?? 2));

const { BpmnModdle } = await load('bpmn-moddle');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const xml = await readFile(file, 'utf8');

async function parse() {
  const { rootElement, warnings } = await new BpmnModdle().fromXML(xml, 'bpmn:Definitions');
  return { rootElement, warnings };
}

async function parseAndLint() {
  const { rootElement } = await parse();
  const linter = new Linter({ config: { extends: 'bpmnlint:recommended' }, resolver: new NodeResolver() });
  return linter.lint(rootElement);
}

async function time(fn) {
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

const moddle = await time(parse);
const lint = await time(parseAndLint);
const lintReports = Object.values(lint.last || {}).reduce((n, entries) => n + entries.length, 0);

console.log(JSON.stringify({
  file,
  bytes: Buffer.byteLength(xml),
  runs,
  warmup,
  moddleWarnings: moddle.last.warnings.length,
  moddleFromXmlMs: moddle.stats,
  bpmnlintMs: lint.stats,
  lintReports
}, null, 2));
