import { describe, expect, it } from '@jest/globals';
import { nearestTag } from '../../../src/diagnose/nearest-tag.js';

describe('nearestTag', () => {
  it.each([
    ['2.1', ['1.9', '2.0', '2.0.3', '12.1'], '2.0'],
    ['1.27.3', ['1.26.0', '1.27.1', '1.27.2', 'latest'], '1.27.2'],
    ['v2', ['v1', 'v3', 'latest'], 'v3'],
    ['main', ['latest'], 'latest'],
  ])('%s among %j -> %s', (wanted, tags, nearest) => {
    expect(nearestTag(wanted, tags)).toBe(nearest);
  });

  it('never proposes the requested tag itself, and nothing from an empty list', () => {
    expect(nearestTag('1.0', ['1.0'])).toBeUndefined();
    expect(nearestTag('1.0', [])).toBeUndefined();
  });
});
