// Runs a list of Node scripts, each in its own worker thread, one after
// another, from the current folder; prints one JSON result per job.
//
// A worker thread starts in a few milliseconds where a new `node` process
// takes a few hundred, which is what keeps a run over every packet of a
// snapshot within a test's time. In a worker, process.exit() ends the
// worker only and gives its exit code; process.argv is the job's.
// Input (stdin): [{"script": "scripts/validation/x.mjs", "args": ["WP-1"]}, ...]
// Output (the file named by the first argument): [{"code": 0, "stdout": "...", "stderr": "..."}, ...]
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const TIMEOUT_MS = Number(process.env.PARITY_JOB_TIMEOUT_MS || 60000);
const jobs = JSON.parse(readFileSync(0, 'utf8'));

function collect(stream) {
  const parts = [];
  stream.on('data', (chunk) => parts.push(Buffer.from(chunk)));
  return () => Buffer.concat(parts).toString('utf8');
}

function inProcess(job) {
  const done = spawnSync(process.execPath, [job.script, ...job.args], { encoding: 'utf8', timeout: TIMEOUT_MS });
  return {
    code: done.status === null ? 124 : done.status,
    stdout: done.stdout || '',
    stderr: (done.stderr || '') + (done.error ? `\n${done.error}` : ''),
    crashed: false,
    timed_out: done.status === null,
  };
}

function run(job) {
  return new Promise((resolve) => {
    let worker;
    try {
      worker = new Worker(path.resolve(job.script), { argv: job.args, stdout: true, stderr: true });
    } catch (error) {
      resolve(inProcess(job));
      return;
    }
    const out = collect(worker.stdout);
    const err = collect(worker.stderr);
    let crash = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; worker.terminate(); }, TIMEOUT_MS);
    worker.on('error', (error) => { crash = String((error && error.stack) || error); });
    worker.on('exit', (code) => {
      clearTimeout(timer);
      if (/ERR_WORKER_UNSUPPORTED_OPERATION/.test(crash) || /is not supported in workers/.test(out() + err())) {
        // process.chdir() and friends exist only in a real process (a
        // script may catch the error and print it before exiting)
        resolve(inProcess(job));
        return;
      }
      // let the last chunks of output arrive before reading them
      setImmediate(() => resolve({
        code: timedOut ? 124 : (crash ? 1 : code),
        stdout: out(),
        stderr: err() + (crash ? `\n${crash}` : '') + (timedOut ? `\ntimed out after ${TIMEOUT_MS} ms` : ''),
        crashed: Boolean(crash),
        timed_out: timedOut,
      }));
    });
  });
}

// Jobs marked "parallel" (per-packet runs of read-only validators) run
// PARITY_PARALLEL at a time; the others one by one, before them.
const PARALLEL = Math.max(1, Number(process.env.PARITY_PARALLEL || 1));
const results = new Array(jobs.length);
const serial = jobs.map((job, index) => index).filter((index) => !jobs[index].parallel);
const parallel = jobs.map((job, index) => index).filter((index) => jobs[index].parallel);
for (const index of serial) results[index] = await run(jobs[index]);
let next = 0;
async function lane() {
  while (next < parallel.length) {
    const index = parallel[next++];
    results[index] = await run(jobs[index]);
  }
}
await Promise.all(Array.from({ length: PARALLEL }, lane));
// A file, not stdout: a validator's child process may write to the
// harness's own stdout (execSync with stdio 'inherit').
writeFileSync(process.argv[2], JSON.stringify(results));
