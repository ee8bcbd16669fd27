import type { ComponentType } from 'react';
import type { PlatformId } from '../../../../shared/domain';
import { PinterestBoardPicker } from './PinterestBoardPicker';
import { TiktokOptions } from './TiktokOptions';
import type { PlatformSectionProps } from './types';

/** A platform's own composer section and the settings it handles (the generated fields skip them). */
export interface PlatformSection {
  Component: ComponentType<PlatformSectionProps>;
  keys: string[];
}

/** Sections that need more than generated fields (TikTok's creator info, Pinterest's boards). */
export const PLATFORM_SECTIONS: Partial<Record<PlatformId, PlatformSection>> = {
  tiktok: {
    Component: TiktokOptions,
    keys: ['postMode', 'privacyLevel', 'allowComments', 'allowDuet', 'allowStitch', 'discloseContent', 'brandedContent', 'yourBrand', 'aiGenerated', 'title', 'autoAddMusic'],
  },
  pinterest: { Component: PinterestBoardPicker, keys: ['boardId', 'boardName'] },
};

export type { PlatformSectionProps } from './types';
