import { outbox, shell } from '../api';

type Api = ReturnType<typeof outbox>;

/** Settings → Backups: the backups the engine keeps, and what to do with them. */
export const backupsApi = {
  list: () => outbox().backups.list(),
  create: () => outbox().backups.create(),
  restore: (id: string) => outbox().backups.restore({ id }),
  setMirror: (folder: Parameters<Api['backups']['setMirror']>[0]['folder']) => outbox().backups.setMirror({ folder }),
  /** Calls `listener` whenever settings change (a backup or the mirror folder). */
  onSettingsChanged: (listener: () => void) => outbox().on('settings:changed', () => listener()),
};

/** Settings → Your data: export and bulk import. */
export const transferApi = {
  export: (input: Parameters<Api['transfer']['export']>[0]) => outbox().transfer.export(input),
  importPreview: (input: Parameters<Api['transfer']['importPreview']>[0]) => outbox().transfer.importPreview(input),
  importCommit: (input: Parameters<Api['transfer']['importCommit']>[0]) => outbox().transfer.importCommit(input),
  /** The path of a picked file in the desktop app; '' in a browser (the harness). */
  pathForFile: (file: File) => shell()?.pathForFile(file) ?? '',
};

/** The recovery screen, shown when a damaged database stops the engine. */
export const recoveryApi = {
  status: () => outbox().recovery.status(),
  restore: (id: string) => outbox().recovery.restore({ id }),
  startFresh: () => outbox().recovery.startFresh({ confirm: true }),
};
