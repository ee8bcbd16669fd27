import type { DomainHandlers } from '../handlers';
import type { LabelsService } from './labels.service';

/** `labels:*` channels. */
export function createLabelsHandlers(labels: LabelsService): DomainHandlers<'labels'> {
  return {
    'labels:list': () => labels.list(),
    'labels:create': (input) => labels.create(input),
    'labels:update': (input) => labels.update(input),
    'labels:delete': ({ id }) => labels.delete(id),
  };
}
