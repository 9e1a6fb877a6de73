// Item 1: fuzzed admission input. Hostile AdmissionReviews and raw bodies go through the real app
// over loopback HTTP and straight into the admission handler; every answer must be a well-formed
// AdmissionReview or a 4xx, never a 500 and never a crash.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { createAdmissionHandler } from '../../../src/admission/handler.js';
import { decodeAdmissionReview, findUid } from '../../../src/admission/review.js';
import type { Logger } from '../../../src/logger.js';
import { createApp } from '../../../src/server/app.js';
import { createAdmissionMetrics } from '../../../src/server/metrics.js';
import { mutatedReview, rawBody } from '../../harden/admission-arbitraries.js';
import { judgeHttp, judgeReview } from '../../harden/answers.js';
import { FULL, recordFigure, Tally } from '../../harden/figures.js';
import { FUZZ_CONFIGS, fuzzSources } from '../../harden/fuzz-sources.js';

const HTTP_RUNS = FULL ? 20_000 : 600;
const DIRECT_RUNS = FULL ? 50_000 : 1500;

const errors: string[] = [];
const countingLogger: Logger = {
  info() {},
  debug() {},
  warn() {},
  error(object, message) {
    errors.push(`${message ?? ''} ${JSON.stringify(object).slice(0, 300)}`);
  },
};

const httpTally = new Tally();
const directTally = new Tally();
const faults: string[] = [];
const crashes: string[] = [];
const onCrash = (error: unknown) => crashes.push(String(error));

let server: Server;
let base: string;
const agent = new Agent({ connections: 4 });

beforeAll(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  let turn = 0;
  server = createServer(
    createApp({
      config: () => FUZZ_CONFIGS[turn++ % FUZZ_CONFIGS.length]!,
      sources: fuzzSources(),
      logger: countingLogger,
      metrics: createAdmissionMetrics(undefined, false),
      ready: () => true,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  await agent.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  const classes = new Set([...httpTally.rows(), ...directTally.rows()].map(([label]) => label));
  recordFigure({
    item: '1-fuzz',
    title: 'Fuzzed admission input',
    pass: faults.length === 0 && crashes.length === 0 && errors.length === 0,
    table: [
      ['answer', 'over HTTP', 'handler direct'],
      ...[...classes].map((label) => [label, httpTally.get(label), directTally.get(label)]),
      ['cases tried', httpTally.total, directTally.total],
      ['crashes / error logs', crashes.length, errors.length],
    ],
    notes: faults.slice(0, 5),
  });
});

async function post(path: string, body: string, contentType: string) {
  const answer = await request(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    dispatcher: agent,
  });
  return { status: answer.statusCode, text: await answer.body.text() };
}

function uidOf(text: string): string | undefined {
  try {
    return findUid(JSON.parse(text));
  } catch {
    return undefined;
  }
}

describe('fuzzed admission input', () => {
  it('answers every hostile body over HTTP with a well-formed review or a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        rawBody,
        fc.constantFrom('/validate', '/mutate'),
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'APPLICATION/JSON',
        ),
        async (body, path, contentType) => {
          const { status, text } = await post(path, body, contentType);
          const judged = judgeHttp(status, text, uidOf(body));
          httpTally.add(judged.label);
          if (judged.fault) faults.push(`${path} ${judged.fault}: ${body.slice(0, 200)}`);
          return judged.fault === undefined;
        },
      ),
      { numRuns: HTTP_RUNS, seed: FULL ? Date.now() : 1 },
    );
    expect(crashes).toEqual([]);
    expect(errors).toEqual([]);
  }, 600_000);

  it('never throws from the handler for any decodable review', async () => {
    const handlers = FUZZ_CONFIGS.map((config) =>
      createAdmissionHandler({ config: () => config, sources: fuzzSources(), logger: countingLogger }),
    );
    await fc.assert(
      fc.asyncProperty(
        mutatedReview,
        fc.nat(),
        fc.constantFrom('validate', 'mutate' as const),
        async (body, pick, mode) => {
          const decoded = decodeAdmissionReview(body);
          if (!decoded.ok) {
            directTally.add('refused by decode (400)');
            return true;
          }
          const handler = handlers[pick % handlers.length]!;
          const outcome = await handler.handle(decoded.request, mode as 'validate' | 'mutate');
          const judged = judgeReview(outcome.response, decoded.request.uid);
          directTally.add(judged.label);
          if (judged.fault) faults.push(`direct ${judged.fault}`);
          return judged.fault === undefined;
        },
      ),
      { numRuns: DIRECT_RUNS, seed: FULL ? Date.now() : 2 },
    );
  }, 600_000);
});
