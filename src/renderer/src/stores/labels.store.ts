import { create } from 'zustand';
import type { Label } from '../../../shared/domain';
import { outbox } from '../api';
import { plainError } from '../lib/errors';

interface LabelsState {
  labels: Label[];
  error: string | null;
  load(): Promise<void>;
  create(name: string, color: string): Promise<Label | null>;
}

/** Labels the creator groups posts with. */
export const useLabelsStore = create<LabelsState>((set, get) => ({
  labels: [],
  error: null,
  async load() {
    const result = await outbox().labels.list();
    if (result.ok) set({ labels: result.value, error: null });
    else set({ error: plainError(result.error) });
  },
  async create(name, color) {
    const result = await outbox().labels.create({ name, color });
    if (!result.ok) {
      set({ error: plainError(result.error) });
      return null;
    }
    set({ labels: [...get().labels, result.value], error: null });
    return result.value;
  },
}));
