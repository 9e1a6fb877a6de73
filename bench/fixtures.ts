// AdmissionReview bodies exactly as a real kube-apiserver (v1.33) sent them to a webhook, captured
// in the testbed: `kubectl apply -f bench/fixtures/deployment.yaml` (client-side apply) and one
// Pod its ReplicaSet then created. They carry what hand-written bodies miss: the API server's
// defaults, managedFields, the last-applied annotation, the projected token volume.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled benches run from .bench/bench; the fixtures stay in the source tree.
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'fixtures');

interface Review {
  request: { uid: string; object: { spec: Record<string, unknown> } };
}

function read(file: string): Review {
  return JSON.parse(readFileSync(join(fixtures, file), 'utf8')) as Review;
}

/** The Deployment (3 containers, 2 init containers) as sent on CREATE. */
export function deploymentReview(uid = 'bench'): string {
  const review = read('deployment-create-review.json');
  review.request.uid = uid;
  return JSON.stringify(review);
}

/** The Pod (the same 5 containers) as sent on CREATE, its images replaced in spec order, init first. */
export function podReview(images: readonly string[], uid = 'bench'): string {
  const review = read('pod-create-review.json');
  review.request.uid = uid;
  const spec = review.request.object.spec as {
    initContainers: { image: string }[];
    containers: { image: string }[];
  };
  const all = [...spec.initContainers, ...spec.containers];
  if (images.length !== all.length) throw new Error(`the Pod fixture has ${all.length} containers`);
  all.forEach((container, i) => (container.image = images[i] as string));
  return JSON.stringify(review);
}
