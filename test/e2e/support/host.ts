// Whether this machine can host the real-cluster testbed: Linux, root, and Go to build the
// Kubernetes binaries. Returns the reason it cannot, or undefined.

import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function testbedUnsupportedReason(): string | undefined {
  if (process.platform !== 'linux') return `the testbed needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'the testbed needs root (network bridge, containerd, kubelet)';
  if (!onPath('go')) return 'the testbed needs `go` on PATH to build the Kubernetes binaries';
  return undefined;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
