// `npm run manifests`: writes manifests/base/webhooks.yaml from the generator; `--check` exits 1 when
// the checked-in file differs instead of writing it.

import { readFile, writeFile } from 'node:fs/promises';
import { renderWebhooksFromConfig } from './render.js';

const CONFIG = 'manifests/base/config.yaml';
const OUTPUT = 'manifests/base/webhooks.yaml';

const rendered = await renderWebhooksFromConfig(CONFIG);
if (process.argv.includes('--check')) {
  const current = await readFile(OUTPUT, 'utf8').catch(() => '');
  if (current !== rendered) {
    process.stderr.write(`${OUTPUT} is out of date: run npm run manifests\n`);
    process.exitCode = 1;
  }
} else {
  await writeFile(OUTPUT, rendered);
  process.stdout.write(`wrote ${OUTPUT}\n`);
}
