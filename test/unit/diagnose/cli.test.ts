// The command's exit codes and output formats, with the cluster and registry faked.

import { describe, expect, it } from '@jest/globals';
import { diagnoseCommand, type DiagnoseIO } from '../../../src/cli/diagnose.js';
import { ERRORS, failedPullEvents, fakeCluster, fakeInspector, pod, type ClusterFixture } from './fakes.js';

async function run(args: string[], fixture: ClusterFixture) {
  const out: string[] = [];
  const err: string[] = [];
  let code = -1;
  const io: DiagnoseIO = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    setExitCode: (c) => (code = c),
  };
  const command = diagnoseCommand({
    io,
    sources: {
      cluster: () => ({ cluster: fakeCluster(fixture), namespace: 'shop' }),
      inspector: () => fakeInspector({ manifests: {} }),
    },
  }).exitOverride();
  await command.parseAsync(args, { from: 'user' });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const image = 'registry.corp.example/team/api:2.1';
const broken = {
  pods: [pod({ image, reason: 'ErrImagePull' })],
  events: failedPullEvents('web', image, ERRORS.notFound(image)),
};

describe('pullguard diagnose', () => {
  it('exits 0 for a pod whose images are pulled', async () => {
    const result = await run(['web'], { pods: [pod({ image })] });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('diagnosis: The image');
  });

  it('exits 1 and prints the diagnosis and fix for a failing pod, as JSON too', async () => {
    const text = await run(['web', '-n', 'shop'], broken);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/diagnosis: The tag "2.1" does not exist/);
    const json = await run(['web', '-o', 'json'], broken);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as {
      problems: number;
      pods: Array<{ containers: Array<{ cause: string }> }>;
    };
    expect(parsed.problems).toBe(1);
    expect(parsed.pods[0]?.containers[0]?.cause).toBe('image-not-found');
  });

  it('exits 2 with one stderr line when the pod cannot be read', async () => {
    const result = await run(['ghost'], broken);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'pullguard diagnose: cannot read pod shop/ghost: 404: pods "ghost" not found\n',
    );
    expect(result.stdout).toBe('');
  });

  it('--all diagnoses only pods with an image problem', async () => {
    const result = await run(['--all', '-o', 'json'], {
      ...broken,
      pods: [...broken.pods, pod({ name: 'fine', image })],
    });
    const parsed = JSON.parse(result.stdout) as { pods: Array<{ name: string }> };
    expect(parsed.pods.map((p) => p.name)).toEqual(['web']);
    expect(result.code).toBe(1);
  });

  it('refuses bad usage with exit 2', async () => {
    expect((await run([], broken)).code).toBe(2);
    expect((await run(['web', '--all'], broken)).code).toBe(2);
    expect((await run(['web', '-o', 'yaml'], broken)).stderr).toMatch(/--output must be text or json/);
  });
});
