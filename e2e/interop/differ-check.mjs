// Runs bpmn-js-differ on pairs of BPMN files and prints what it reports, for the peer check of
// Fachwerk's semantic diff (e2e/tests/bpmn_differ_peer.rs).
//
//   NODE_PATH=.tools/node/node_modules node e2e/interop/differ-check.mjs SPEC.json
//
// SPEC.json: [{ "name": "...", "old": "old.bpmn", "new": "new.bpmn" }, ...]
// Prints JSON: [{ name, added: [ids], removed: [ids], changed: [ids], layoutChanged: [ids],
//   lanes: { old: { laneId: [flowNodeRef ids] }, new: {...} } } | { name, error }]
// — `diff(oldDefinitions, newDefinitions)` after bpmn-moddle `fromXML` of both files.

import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);

const [specFile] = process.argv.slice(2);
if (!specFile) {
  console.error('usage: node differ-check.mjs SPEC.json');
  process.exit(2);
}
const spec = JSON.parse(await readFile(specFile, 'utf8'));
const { BpmnModdle } = await load('bpmn-moddle');
const { diff } = await load('bpmn-js-differ');

async function parse(file) {
  const { rootElement, warnings } = await new BpmnModdle().fromXML(await readFile(file, 'utf8'), 'bpmn:Definitions');
  if (warnings.length) {
    throw new Error(`${file}: bpmn-moddle warnings: ${warnings.map((w) => w.message).join('; ')}`);
  }
  return rootElement;
}

function lanes(defs) {
  const out = {};
  for (const root of defs.rootElements || []) {
    for (const set of root.laneSets || []) {
      for (const lane of set.lanes || []) {
        out[lane.id] = (lane.flowNodeRef || []).map((n) => n.id);
      }
    }
  }
  return out;
}

const results = [];
for (const pair of spec) {
  try {
    const oldDefs = await parse(pair.old);
    const newDefs = await parse(pair.new);
    const r = diff(oldDefs, newDefs);
    results.push({
      name: pair.name,
      added: Object.keys(r._added).sort(),
      removed: Object.keys(r._removed).sort(),
      changed: Object.keys(r._changed).sort(),
      layoutChanged: Object.keys(r._layoutChanged).sort(),
      lanes: { old: lanes(oldDefs), new: lanes(newDefs) }
    });
  } catch (e) {
    results.push({ name: pair.name, error: `${e && e.name}: ${e && e.message}` });
  }
}
console.log(JSON.stringify(results));
