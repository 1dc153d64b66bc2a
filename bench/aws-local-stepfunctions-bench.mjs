// Side-by-side benchmark: the same three state machines as EngineBenchmark.java, run by the npm
// package aws-local-stepfunctions (an in-process Amazon States Language interpreter for Node).
// Run by bench/run-engine.sh with Node 22 from bench/node/; not a test.
//
// Same policy as the Java benchmark: a transition is a state entered (the interpreter's
// StateEntered event-log entries, counted in one extra untimed run); a run is timed from
// constructing the StateMachine (which validates the definition) until run(input).result settles;
// warm-up runs first (at least N and at least 3 s), then measured runs; median, min and max are reported.
//
// Usage: node aws-local-stepfunctions-bench.mjs [--warmup N] [--runs N] [--java results.json]
//                                                [--json out.json] [--module DIR] [--only SHAPE]
// --only runs one shape (chain, map, parallel, tasks), to alternate it with the Java benchmark's.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const warmup = Number(option('--warmup', '5'));
const runs = Number(option('--runs', '20'));
const javaResults = option('--java', null);
const jsonOut = option('--json', null);
const only = option('--only', null);
const here = dirname(fileURLToPath(import.meta.url));
const moduleDir = resolve(option('--module', resolve(here, 'node')));

// Resolve the package from bench/node/ (where run-engine.sh installs it), not from this folder.
const require = createRequire(resolve(moduleDir, 'package.json'));
const entry = require.resolve('aws-local-stepfunctions');
const pkg = JSON.parse(readFileSync(resolve(dirname(entry), '..', 'package.json'), 'utf8'));
const { StateMachine } = await import(
  pathToFileURL(resolve(dirname(entry), 'main.node.esm.js')).href
);

// ------------------------------------------------------------------ shapes (as in the Java file)

function chain(length) {
  const states = {};
  for (let i = 0; i < length; i++) {
    states[`S${i}`] = i + 1 < length ? { Type: 'Pass', Next: `S${i + 1}` } : { Type: 'Pass', End: true };
  }
  return { StartAt: 'S0', States: states };
}

function map() {
  return {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 0,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Item',
          States: { Item: { Type: 'Pass', End: true } },
        },
        End: true,
      },
    },
  };
}

function parallel(branches) {
  const list = [];
  for (let i = 0; i < branches; i++) {
    list.push({ StartAt: `B${i}`, States: { [`B${i}`]: { Type: 'Pass', End: true } } });
  }
  return { StartAt: 'Fan', States: { Fan: { Type: 'Parallel', Branches: list, End: true } } };
}

// Task states answered by a local handler that returns the input at once (the Java side registers a
// handler for the same Resource).
function taskChain(length) {
  const states = {};
  for (let i = 0; i < length; i++) {
    states[`S${i}`] = {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:instant',
      ...(i + 1 < length ? { Next: `S${i + 1}` } : { End: true }),
    };
  }
  return { StartAt: 'S0', States: states };
}

function instantHandlers(length) {
  const handlers = {};
  for (let i = 0; i < length; i++) handlers[`S${i}`] = (input) => input;
  return { overrides: { taskResourceLocalHandlers: handlers } };
}

const shapes = [
  { key: 'chain', label: 'chain of 1,000 Pass states', definition: chain(1000), input: {} },
  {
    key: 'map',
    label: 'Map over 10,000 items (Pass processor)',
    definition: map(),
    input: { items: Array.from({ length: 10000 }, (_, i) => i) },
  },
  { key: 'parallel', label: 'Parallel of 100 branches (one Pass each)', definition: parallel(100), input: {} },
  {
    key: 'tasks',
    label: 'chain of 1,000 Task states (handler completes at once)',
    definition: taskChain(1000),
    input: {},
    options: instantHandlers(1000),
  },
];

// ------------------------------------------------------------------ measuring

async function countEntered(shape) {
  const execution = new StateMachine(shape.definition).run(shape.input, shape.options);
  let entered = 0;
  for await (const event of execution.eventLogs) {
    if (event.type === 'StateEntered') entered++;
  }
  await execution.result;
  return entered;
}

// Wall seconds, and the process's CPU milliseconds (user + system, all threads) over the run.
async function timedRun(shape) {
  const cpuBegin = process.cpuUsage();
  const begin = process.hrtime.bigint();
  const machine = new StateMachine(shape.definition);
  await machine.run(shape.input, shape.options).result;
  const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
  const cpu = process.cpuUsage(cpuBegin);
  return { seconds, cpuMillis: (cpu.user + cpu.system) / 1000 };
}

// The interpreter's best case: the machine constructed (and its definition validated) once, outside
// the timed section; only run(input).result is timed.
async function timedRunOnly(machine, shape) {
  const begin = process.hrtime.bigint();
  await machine.run(shape.input, shape.options).result;
  return Number(process.hrtime.bigint() - begin) / 1e9;
}

// Warm up for at least `warmup` runs and at least 3 seconds, like the Java benchmark.
async function warm(run) {
  const until = process.hrtime.bigint() + 3_000_000_000n;
  for (let i = 0; i < warmup || process.hrtime.bigint() < until; i++) await run();
}

// The npm tool's mean CPU time per execution over Cairn's; "n/a" for Java results without them.
const cpuRatio = (r, java) =>
  java.meanCpuMillis > 0 ? `${(r.meanCpuMillis / java.meanCpuMillis).toFixed(1)}x` : 'n/a';

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const fmt = (x) => Math.round(x).toLocaleString('en-US');

console.log(`# aws-local-stepfunctions ${pkg.version} on Node ${process.version}`);
console.log();
console.log(`- CPU: ${os.cpus()[0]?.model ?? 'unknown'}, cores: ${os.availableParallelism()}`);
console.log(`- date: ${new Date().toISOString()}`);
console.log(`- policy: ${warmup} warm-up runs, then ${runs} measured runs per row`);
console.log();

const results = [];
for (const shape of shapes.filter((s) => only === null || s.key === only)) {
  const transitions = await countEntered(shape);
  await warm(() => timedRun(shape));
  const perSecond = [];
  const millis = [];
  const cpuMillis = [];
  for (let i = 0; i < runs; i++) {
    const { seconds, cpuMillis: cpu } = await timedRun(shape);
    perSecond.push(transitions / seconds);
    millis.push(seconds * 1000);
    cpuMillis.push(cpu);
  }
  const machine = new StateMachine(shape.definition);
  await warm(() => timedRunOnly(machine, shape));
  const runOnly = [];
  for (let i = 0; i < runs; i++) runOnly.push(transitions / (await timedRunOnly(machine, shape)));
  const row = {
    shape: shape.key,
    runOnlyMedian: median(runOnly),
    label: shape.label,
    transitions,
    median: median(perSecond),
    min: Math.min(...perSecond),
    max: Math.max(...perSecond),
    medianMillis: median(millis),
    meanCpuMillis: cpuMillis.reduce((a, b) => a + b, 0) / cpuMillis.length,
  };
  results.push(row);
  console.error(`${shape.label}: median ${fmt(row.median)} transitions/s`);
}

console.log('## Throughput (state transitions per second)');
console.log();
console.log(
  '| shape | transitions per execution | median transitions/s | min | max | median ms per execution | mean CPU ms per execution | median transitions/s, run only |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  console.log(
    `| ${r.label} | ${fmt(r.transitions)} | ${fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} | ${r.medianMillis.toFixed(2)} | ${r.meanCpuMillis.toFixed(2)} | ${fmt(r.runOnlyMedian)} |`,
  );
}
console.log();
console.log(
  '"run only": the StateMachine constructed once (validation included there), only run() timed.',
);
console.log();

if (jsonOut) {
  mkdirSync(dirname(resolve(jsonOut)), { recursive: true });
  writeFileSync(jsonOut, JSON.stringify({ node: process.version, version: pkg.version, results }, null, 2));
}

if (javaResults) {
  const java = JSON.parse(readFileSync(javaResults, 'utf8'));
  console.log('## Cairn versus aws-local-stepfunctions (medians, transitions/s)');
  console.log();
  console.log(
    '| shape | Cairn memory-only | Cairn durable | aws-local-stepfunctions | ratio memory-only | ratio durable | ratio durable, CPU time | npm run only | ratio memory-only / npm run only |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    const memory = java.throughput.find((t) => t.shape === r.shape && t.mode === 'MEMORY');
    const durable = java.throughput.find((t) => t.shape === r.shape && t.mode === 'DURABLE');
    if (!memory || !durable) continue;
    if (memory.transitions !== r.transitions) {
      console.error(
        `warning: ${r.shape}: Cairn counted ${memory.transitions} transitions, aws-local-stepfunctions ${r.transitions}`,
      );
    }
    console.log(
      `| ${r.label} | ${fmt(memory.median)} | ${fmt(durable.median)} | ${fmt(r.median)} | ${(memory.median / r.median).toFixed(1)}x | ${(durable.median / r.median).toFixed(1)}x | ${cpuRatio(r, durable)} | ${fmt(r.runOnlyMedian)} | ${(memory.median / r.runOnlyMedian).toFixed(2)}x |`,
    );
  }
  console.log();
  console.log(
    'Ratios are Cairn / aws-local-stepfunctions. "ratio durable, CPU time": the npm tool\'s mean CPU ms per execution over Cairn durable\'s (both the whole process\'s CPU time over the timed section), steadier than wall time on a loaded machine. "npm run only" leaves out the validation that the other columns include (Cairn\'s Engine.start always parses and validates).',
  );
  console.log();
}
