// The mutating webhook's hook into the prediction ledger: it records, on each admitted pod (or pod
// template), what admission expects each container's pull to do, so the watcher can later join
// the kubelet's outcome with it.

import type { PatchExtension } from '../admission/handler.js';
import { evaluate } from '../core/engine.js';
import { predictionPatch } from './prediction-annotation.js';

export const recordPrediction: PatchExtension = ({
  object,
  workload,
  previous,
  operation,
  facts,
  config,
}) => {
  // Every finding counts for the prediction, not only the patches the mutate pass reports.
  const { findings } = evaluate({
    workload,
    operation,
    ...(previous ? { previous } : {}),
    facts,
    config,
    mode: 'audit',
  });
  return predictionPatch(object, workload, facts, findings, { operation, ...(previous ? { previous } : {}) });
};
