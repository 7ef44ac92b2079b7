// Starts the parser worker from the TypeScript sources (tests, `tsx`, an edited checkout): registers tsx in this
// thread, then loads the entry. Built copies (dist/cli, Lambda bundles) start their compiled parse-worker instead.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
