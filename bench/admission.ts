// Admission throughput and latency against the baseline server: same run, same body (a real API
// server's AdmissionReview), same load generator (autocannon), compared as servers/harness.ts says.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createAdmissionHandler } from '../src/admission/handler.js';
import { decodeAdmissionReview } from '../src/admission/review.js';
import { DEFAULT_CONFIG } from '../src/config/load.js';
import { silentLogger } from '../src/logger.js';
import { compareServers } from './servers/harness.js';
import { writeBenchCertificates } from './servers/tls.js';
import { deploymentReview } from './fixtures.js';
import type { BenchResult } from './result.js';

/** pullguard's own answer to the benchmark body, for the baseline to send back unchanged. */
async function pullguardAnswer(body: string): Promise<unknown> {
  const handler = createAdmissionHandler({ config: () => DEFAULT_CONFIG, sources: {}, logger: silentLogger });
  const decoded = decodeAdmissionReview(JSON.parse(body));
  if (!decoded.ok) throw new Error(decoded.error);
  return (await handler.handle(decoded.request, 'validate')).response;
}

export async function runAdmissionBench(
  options: { instances?: number; rounds?: number; seconds?: number } = {},
): Promise<BenchResult[]> {
  const files = writeBenchCertificates();
  const ca = readFileSync(files.caFile, 'utf8');
  const body = deploymentReview();
  const answerFile = join(dirname(files.caFile), 'answer.json');
  writeFileSync(answerFile, JSON.stringify(await pullguardAnswer(body)));
  const result = await compareServers(
    { script: 'baseline.js', args: [files.certFile, files.keyFile, answerFile] },
    { script: 'pullguard.js', args: [files.certFile, files.keyFile] },
    { ca, body, ...options },
  );
  const base = result.reference;
  const ours = result.candidate;
  const detail =
    `baseline ${base.rps.toFixed(0)} req/s p50 ${base.p50.toFixed(1)} ms p99 ${base.p99.toFixed(1)} ms; ` +
    `pullguard ${ours.rps.toFixed(0)} req/s p50 ${ours.p50.toFixed(1)} ms p99 ${ours.p99.toFixed(1)} ms; ` +
    `errors ${ours.errors}; median of ${result.rounds} simultaneous rounds`;
  return [
    {
      name: 'admission throughput vs baseline',
      value: result.rpsRatio,
      unit: 'x',
      target: '>= 0.70',
      pass: result.rpsRatio >= 0.7 && ours.errors === 0,
      detail,
    },
    {
      name: 'admission p99 vs baseline',
      value: result.p99Ratio,
      unit: 'x',
      target: '< 2.0',
      pass: result.p99Ratio < 2,
      detail,
    },
  ];
}
