// Checks executable BPMN exports with Camunda's own tooling: bpmn-moddle extended by the
// vendor's moddle descriptor (camunda-bpmn-moddle for Camunda 7, zeebe-bpmn-moddle for
// Camunda 8) must parse without a single warning, and bpmnlint-plugin-camunda-compat with the
// config of the target version must report no error (a fresh Linter per file).
//
//   NODE_PATH=.tools/node/node_modules node e2e/interop/camunda-check.mjs camunda7|camunda8 a.bpmn …
//
// Prints one JSON document; exits 1 if any file has a warning or a lint error, 2 on usage errors.

import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

async function load(name) {
  return import(pathToFileURL(require.resolve(name)).href);
}

const [engine, ...files] = process.argv.slice(2);
const targets = {
  camunda7: { descriptor: ['camunda', 'camunda-bpmn-moddle/resources/camunda.json'], configs: ['camunda-platform-7-24'] },
  camunda8: { descriptor: ['zeebe', 'zeebe-bpmn-moddle/resources/zeebe.json'], configs: ['camunda-cloud-8-8', 'camunda-cloud-8-10'] }
};
const target = targets[engine];
if (!target || files.length === 0) {
  console.error('usage: node camunda-check.mjs camunda7|camunda8 FILE.bpmn…');
  process.exit(2);
}

const { BpmnModdle } = await load('bpmn-moddle');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const descriptor = require(target.descriptor[1]);

const results = [];
let failed = false;

for (const file of files) {
  const result = { file, moddleWarnings: [], lint: [], error: null };
  try {
    const xml = await readFile(file, 'utf8');
    const moddle = new BpmnModdle({ [target.descriptor[0]]: descriptor });
    const { rootElement, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions');
    result.moddleWarnings = warnings.map((w) => ({ message: w.message, element: w.element?.id ?? null }));
    for (const config of target.configs) {
      const linter = new Linter({
        config: { extends: `plugin:camunda-compat/${config}` },
        resolver: new NodeResolver()
      });
      const reports = await linter.lint(rootElement);
      for (const [rule, entries] of Object.entries(reports)) {
        for (const entry of entries) {
          result.lint.push({ config, rule, id: entry.id ?? null, message: entry.message, category: entry.category ?? null });
        }
      }
    }
  } catch (e) {
    result.error = String(e && e.stack || e);
  }
  const errors = result.lint.filter((l) => l.category === 'error');
  if (result.error || result.moddleWarnings.length || errors.length) {
    failed = true;
  }
  results.push(result);
}

console.log(JSON.stringify({ engine, failed, results }, null, 2));
process.exit(failed ? 1 : 0);
