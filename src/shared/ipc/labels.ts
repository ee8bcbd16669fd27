import { z } from 'zod';
import type { Label } from '../domain';
import { channel, noPayload } from './define';

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #4f46e5');
const name = z.string().trim().min(1, 'must not be empty').max(50);

/** Labels channels. */
export const labelsChannels = {
  'labels:list': channel(noPayload).returns<Label[]>(),
  'labels:create': channel(z.strictObject({ name, color })).returns<Label>(),
  'labels:update': channel(z.strictObject({ id: z.string().min(1), name: name.optional(), color: color.optional() })).returns<Label>(),
  'labels:delete': channel(z.strictObject({ id: z.string().min(1) })).returns<{ id: string }>(),
};
