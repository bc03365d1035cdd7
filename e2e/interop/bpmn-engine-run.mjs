// Runs a Fachwerk BPMN export in the npm `bpmn-engine` (25.x) as an independent peer of the
// Probelauf (`fachwerk_shared::simulate`), with FEEL conditions evaluated by `@bpmn-io/feelin`.
//
//   NODE_PATH=.tools/node/node_modules node e2e/interop/bpmn-engine-run.mjs CASE.json
//
// CASE.json:
//   {
//     "bpmn": "/path/workflow.bpmn",
//     "variables": { "betragNetto": 12400, "fahrbahnBetroffen": true, … },   // numbers, not strings
//     "ports": { "<blockId>": ["ok", "reject", …] },      // port taken per visit of the block
//     "votes": { "<blockId>": [["approve", "veto"], …] },  // Mitzeichnung votes per visit, in order
//     "escalations": { "<hostBlockId>": [["<eskalationId>", …], …] }  // fired per host visit
//   }
//
// Prints one JSON document: { state, blocks, completed, caught, error }. `completed` lists the
// ids of all completed BPMN elements in order; `blocks` is the route in Fachwerk block ids: every
// `Block_*` element when it is entered (a Veraktung that fails is entered but never completes),
// an Eskalation boundary event when it fires; helper elements of the export (gateways, timers,
// send/receive helpers) are left out and multi-instance iterations count once. `caught` lists
// elements whose error was caught by a boundary event. `state` is completed | stalled | error.
//
// How the run is driven (see shared/TOOLCHAIN.md "Running exported BPMN in bpmn-engine"):
// * conditions: a `scripts` registry wraps the engine's JavaScripts and evaluates sequence-flow
//   conditions whose language mentions FEEL with feelin against the environment variables;
//   multi-instance completion conditions (FEEL) and FEEL `timeDate`s are resolved by a thin
//   `expressions` wrapper that delegates everything else to the engine's resolver;
// * user tasks, receive tasks and message catches are signalled asynchronously, the user task
//   decision goes into the variable `outcome` that the export's gateways test;
// * every timer is held; a timer fires only when the script says so (Rückfrage timeout,
//   Abruffrist, Zahlungsfrist, Eskalation) or when it is a Frist (a Frist always expires);
// * service and send tasks complete at once, except a Veraktung whose port is `fehler`: it
//   fails with the error code of the export's error boundary event.
// The run ends when the process ends or when nothing has happened for a while (stalled).

import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);

const input = JSON.parse(await readFile(process.argv[2], 'utf8'));
const source = await readFile(input.bpmn, 'utf8');
const { Engine } = require('bpmn-engine');
const { Timers } = await load('bpmn-elements');
const { evaluate } = await load('@bpmn-io/feelin');

const ports = input.ports ?? {};
const votes = input.votes ?? {};
const escalations = input.escalations ?? {};
const IDLE_MS = Number(process.env.BPMN_ENGINE_IDLE_MS ?? 2000);

// --- ids -------------------------------------------------------------------------------------

// Inverse of `fachwerk_shared::bpmn::escape_id`: `_<hex>_` → the character.
function unescapeId(s) {
  return s.replace(/_([0-9a-f]+)_/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)));
}

function blockOf(elementId) {
  if (elementId.startsWith('Block_')) return unescapeId(elementId.slice('Block_'.length));
  const m = /^Helper_([a-z]+)_(.*)$/.exec(elementId);
  return m ? unescapeId(m[2]) : null;
}

function helperKind(elementId) {
  const m = /^Helper_([a-z]+)_/.exec(elementId);
  return m ? m[1] : null;
}

const unxml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const bodies = (tag) => new Set([...source.matchAll(new RegExp(`<bpmn:${tag}[^>]*>([^<]*)</bpmn:${tag}>`, 'g'))].map((m) => unxml(m[1]).trim()));
const completionConditions = bodies('completionCondition');
const timeDates = bodies('timeDate');

// --- FEEL ------------------------------------------------------------------------------------

function feel(expression, variables) {
  return evaluate(expression, { ...variables }).value;
}

class FeelScripts {
  constructor(inner) {
    this.inner = inner;
    this.own = new Map();
  }
  register(def) {
    const cond = def.type === 'bpmn:SequenceFlow' && def.behaviour?.conditionExpression;
    if (cond && /feel/i.test(cond.language ?? '')) {
      const body = cond.body;
      const script = {
        execute(scope, callback) {
          try {
            callback(null, feel(body, scope.environment.variables) === true);
          } catch (err) {
            callback(err);
          }
        },
      };
      this.own.set(def.id, script);
      return script;
    }
    return this.inner.register(def);
  }
  getScript(language, ref) {
    return this.own.get(ref.id) ?? this.inner.getScript(language, ref);
  }
}

const baseExpressions = new Engine().environment.expressions;
const expressions = {
  resolveExpression(expression, context, fnContext) {
    if (typeof expression === 'string') {
      const e = expression.trim();
      if (completionConditions.has(e)) {
        nextVote(blockOf(context?.content?.id ?? '') ?? '');
        return feel(e, context?.environment?.variables ?? env?.variables ?? {}) === true;
      }
      // FEEL dates (`field + duration("P1D")`): the timer is driven by this script anyway.
      if (timeDates.has(e)) return new Date(Date.now() + 86_400_000).toISOString();
    }
    return baseExpressions.resolveExpression(expression, context, fnContext);
  },
  isExpression: (t) => baseExpressions.isExpression(t),
  hasExpression: (t) => baseExpressions.hasExpression(t),
};

// --- held timers -----------------------------------------------------------------------------

const held = new Map();
let seq = 0;
const timers = new Timers({
  setTimeout(fn, _delay, ...args) {
    const handle = ++seq;
    held.set(handle, () => fn(...args));
    return handle;
  },
  clearTimeout(handle) {
    held.delete(handle);
  },
});

// Fires the held timer(s) of an element. Timers longer than ~24.8 days never reach
// `setTimeout` (bpmn-elements' MAX_DELAY), so the reference's own callback is called.
function fire(elementId) {
  let fired = false;
  for (const ref of timers.executing) {
    if (ref.owner?.id !== elementId) continue;
    timers.clearTimeout(ref);
    fired = true;
    ref.callback(...(ref.args ?? []));
  }
  return fired;
}

// --- decisions -------------------------------------------------------------------------------

const visits = new Map();
const visitOf = (block) => visits.get(block) ?? 0;
const portOf = (block) => (ports[block] ?? [])[visitOf(block) - 1];
const later = (f) => setImmediate(f);

let env = null; // the running process environment (shared variables)
const setVar = (name, value) => {
  if (env) env.variables[name] = value;
};

// Mitzeichnung (multi-instance user task): the iterations are signalled one per tick, at most
// as many as the script has votes. The engine evaluates the completion condition once per
// completed iteration; that evaluation consumes the next vote and updates `approvals`/`vetos`.
const mi = new Map(); // block → { k: votes consumed, signalled, approvals, vetos }

function voteList(block) {
  return (votes[block] ?? [])[visitOf(block) - 1] ?? [];
}

function nextVote(block) {
  const st = mi.get(block);
  if (!st) return;
  const vote = voteList(block)[st.k++];
  if (vote === 'veto') st.vetos++;
  else if (vote === 'approve') st.approvals++;
  setVar('approvals', st.approvals);
  setVar('vetos', st.vetos);
}

function signalIteration(block, api) {
  const st = mi.get(block);
  if (st.signalled === 0) setVar('outcome', portOf(block));
  if (st.signalled >= voteList(block).length) return;
  st.signalled++;
  later(() => later(() => api.signal()));
}

const escalated = new Set(); // "host#visit" already handled

function onWait(api) {
  const id = api.id;
  env = api.environment ?? env;
  const block = blockOf(id);
  const kind = helperKind(id);
  if (api.content?.isMultiInstance && mi.has(block)) {
    signalIteration(block, api);
    return;
  }
  if (id.startsWith('Block_') && api.type === 'bpmn:UserTask') {
    const key = `${block}#${visitOf(block)}`;
    const fired = (escalations[block] ?? [])[visitOf(block) - 1] ?? [];
    let interrupted = false;
    if (!escalated.has(key)) {
      escalated.add(key);
      for (const e of fired) {
        const el = `Block_${e}`;
        if (interrupting.has(el)) interrupted = true;
      }
      // Non-interrupting first, then the interrupting one.
      const order = [...fired].sort((a, b) => Number(interrupting.has(`Block_${a}`)) - Number(interrupting.has(`Block_${b}`)));
      for (const e of order) later(() => fire(`Block_${e}`));
    }
    if (interrupted) return;
    later(() =>
      later(() => {
        setVar('outcome', portOf(block));
        api.signal({ outcome: portOf(block) });
      })
    );
    return;
  }
  if (kind === 'reply' && portOf(block) !== 'reply') return;
  if (kind === 'abruf' && portOf(block) !== 'zugestellt') return;
  if (kind === 'payment' && portOf(block) !== 'bezahlt') return;
  later(() => api.signal());
}

function onTimer(api) {
  const id = api.id;
  const block = blockOf(id);
  const kind = helperKind(id);
  const shouldFire =
    (kind === 'timeout' && portOf(block) === 'timeout') ||
    (kind === 'abruffrist' && portOf(block) === 'nichtAbgerufen') ||
    (kind === 'paydeadline' && portOf(block) === 'nichtBezahlt') ||
    fristen.has(id);
  if (shouldFire) later(() => later(() => fire(id)));
}

// Element facts from the XML: interrupting boundary timers (Eskalation), Frist catch events.
const interrupting = new Set(
  [...source.matchAll(/<bpmn:boundaryEvent id="(Block_[^"]+)"[^>]*cancelActivity="true"/g)].map((m) => m[1])
);
const boundaries = new Set([...source.matchAll(/<bpmn:boundaryEvent id="(Block_[^"]+)"/g)].map((m) => m[1]));
const fristen = new Set([...source.matchAll(/<bpmn:intermediateCatchEvent id="(Block_[^"]+)"/g)].map((m) => m[1]));

function FwService(activity) {
  this.execute = (_message, callback) => {
    const block = blockOf(activity.id);
    if (activity.id.startsWith('Block_') && portOf(block) === 'fehler') {
      const err = new Error('xdomea-Übernahme fehlgeschlagen (Probelauf)');
      err.code = 'FVDaten.ImportBestaetigen.0630';
      return later(() => callback(err));
    }
    later(() => callback(null, {}));
  };
}

// --- run -------------------------------------------------------------------------------------

const completed = [];
const blocks = [];
const caught = [];
let error = null;
let idle = null;
let finished = false;

function finish(state) {
  if (finished) return;
  finished = true;
  clearTimeout(idle);
  process.stdout.write(JSON.stringify({ state, blocks, completed, caught, error }) + '\n');
  process.exit(0);
}

function poke() {
  clearTimeout(idle);
  idle = setTimeout(() => finish('stalled'), IDLE_MS);
}

const engine = new Engine({
  name: 'fachwerk-peer',
  source,
  scripts: new FeelScripts(new Engine().options.scripts),
  expressions,
  timers,
  settings: { enableDummyService: true },
  extensions: {
    fachwerk(activity) {
      if (['bpmn:ServiceTask', 'bpmn:SendTask'].includes(activity.type)) activity.behaviour.Service = FwService;
    },
  },
});

const listener = new (await import('node:events')).EventEmitter();
if (process.env.BPMN_ENGINE_DEBUG) {
  for (const ev of ['activity.start', 'activity.wait', 'activity.timer', 'activity.end', 'activity.leave', 'activity.error']) {
    listener.on(ev, (api) => {
      const c = api.content ?? {};
      const owners = timers.executing.map((r) => r.owner?.id).join(',');
      process.stderr.write(`${ev} ${api.id} ${api.type} mi=${c.isMultiInstance} root=${c.isRootScope} timers=[${owners}]\n`);
    });
  }
}
// Dead-path discards can keep the engine busy for a while without other events.
for (const ev of ['activity.enter', 'activity.leave', 'activity.discard', 'flow.take', 'flow.discard', 'flow.looped', 'process.start']) {
  listener.on(ev, () => poke());
}
listener.on('activity.start', (api) => {
  poke();
  env = api.environment ?? env;
  const content = api.content ?? {};
  if (!api.id.startsWith('Block_') || boundaries.has(api.id)) return;
  if (content.isMultiInstance && content.isRootScope === false) return;
  const block = blockOf(api.id);
  visits.set(block, visitOf(block) + 1);
  blocks.push(block);
  if (content.isMultiInstance) {
    mi.set(block, { k: 0, signalled: 0, approvals: 0, vetos: 0 });
    setVar('approvals', 0);
    setVar('vetos', 0);
  }
});
listener.on('activity.end', (api) => {
  poke();
  const content = api.content ?? {};
  if (content.isMultiInstance && content.isRootScope === false) return;
  completed.push(api.id);
  // An Eskalation (boundary event) counts when it fires; other blocks when they are entered.
  if (boundaries.has(api.id)) blocks.push(blockOf(api.id));
});
listener.on('activity.wait', (api) => {
  poke();
  onWait(api);
});
listener.on('activity.timer', (api) => {
  poke();
  onTimer(api);
});
listener.on('activity.error', (api) => {
  poke();
  caught.push(api.id);
});

engine.once('end', () => later(() => finish('completed')));
engine.once('error', (err) => {
  error = String(err?.message ?? err);
  finish('error');
});

poke();
engine.execute({ listener, variables: { ...(input.variables ?? {}) } }).catch((err) => {
  error = String(err?.message ?? err);
  finish('error');
});
