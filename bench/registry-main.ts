// Runs the registry benchmark alone: node dist-bench/bench/registry-main.js
import { runRegistryBench } from './registry.js';

const result = await runRegistryBench();
console.log(JSON.stringify(result));
