// Checks BPMN files with the real consumers: bpmn-moddle (the parser of bpmn-js and Camunda
// Modeler) and bpmnlint's recommended rules.
//
//   NODE_PATH=.tools/node/node_modules node e2e/interop/bpmn-check.mjs a.bpmn b.bpmn …
//
// For every file: parse with bpmn-moddle `fromXML` and fail on ANY import warning, then lint
// with `bpmnlint:recommended` using a fresh Linter per file (a reused Linter keeps state in
// no-duplicate-sequence-flows). Prints one JSON document with the results; exits 1 if any
// file has a warning or a lint report of any severity (warnings included), 2 on usage errors.
//
// No recommended rule is disabled.
//
// The packages are ESM (bpmn-moddle) and CommonJS (bpmnlint); ESM imports ignore NODE_PATH,
// so they are resolved through require.resolve, which honours it.

import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

async function load(name) {
  return import(pathToFileURL(require.resolve(name)).href);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bpmn-check.mjs FILE.bpmn…');
  process.exit(2);
}

const { BpmnModdle } = await load('bpmn-moddle');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');

const results = [];
let failed = false;

for (const file of files) {
  const result = { file, moddleWarnings: [], lint: [], error: null };
  try {
    const xml = await readFile(file, 'utf8');
    const moddle = new BpmnModdle();
    const { rootElement, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions');
    result.moddleWarnings = warnings.map((w) => ({ message: w.message, element: w.element?.id ?? null }));

    const linter = new Linter({
      config: { extends: 'bpmnlint:recommended' },
      resolver: new NodeResolver()
    });
    const reports = await linter.lint(rootElement);
    for (const [rule, entries] of Object.entries(reports)) {
      for (const entry of entries) {
        result.lint.push({ rule, id: entry.id ?? null, message: entry.message, category: entry.category ?? null });
      }
    }
  } catch (e) {
    result.error = String(e && e.stack || e);
  }
  if (result.error || result.moddleWarnings.length || result.lint.length) {
    failed = true;
  }
  result.ok = !(result.error || result.moddleWarnings.length || result.lint.length);
  results.push(result);
}

console.log(JSON.stringify({ ok: !failed, files: results }, null, 2));
process.exit(failed ? 1 : 0);
