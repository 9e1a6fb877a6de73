import { parseImageReference } from '../../image/reference.js';
import type { Rule } from '../rule.js';

/** The kubelet parses with distribution/reference; what it refuses ends as InvalidImageName. */
export const imageReferenceInvalid: Rule = {
  id: 'image-reference-invalid',
  check({ container, image, ref }) {
    if (ref !== undefined) return undefined;
    if (typeof container.image !== 'string') {
      return { detail: 'image is missing or not a string; the API server requires one', certain: true };
    }
    if (image.trim() !== image) {
      return {
        detail: 'image has leading or trailing whitespace, which the API server rejects',
        certain: true,
      };
    }
    const parsed = parseImageReference(image);
    const reason = parsed.ok ? 'invalid reference format' : parsed.error;
    return { detail: `${reason}; the kubelet would report InvalidImageName`, certain: true };
  },
};
