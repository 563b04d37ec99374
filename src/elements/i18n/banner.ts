import { msg, str } from '@lit/localize';
import { formatNumber } from './localize.js';

/** Labels of `<broadcast-banner>`, in the active locale (every property is read when it is used). */
const banner = {
  get label() { return msg('Announcements', { id: 'banner.label' }); },
  get defaultSender() { return msg('Announcement', { id: 'banner.defaultSender' }); },
  get browse() { return msg('Browse announcements', { id: 'banner.browse' }); },
  get newer() { return msg('Newer announcement', { id: 'banner.newer' }); },
  get older() { return msg('Older announcement', { id: 'banner.older' }); },
  get dismiss() { return msg('Dismiss announcement', { id: 'banner.dismiss' }); },
  /** The pager's count: "2 of 3". */
  count: (n: number, total: number) => {
    const [index, count] = [formatNumber(n), formatNumber(total)];
    return msg(str`${index} of ${count}`, { id: 'banner.count' });
  },
  /** The pager's count for screen readers: "Announcement 2 of 3". */
  countLabel: (n: number, total: number) => {
    const [index, count] = [formatNumber(n), formatNumber(total)];
    return msg(str`Announcement ${index} of ${count}`, { id: 'banner.countLabel' });
  },
  /** What the live region says when the user pages to another announcement: "2 of 3. Ops: text". */
  paged: (n: number, total: number, text: string) => {
    const [index, count] = [formatNumber(n), formatNumber(total)];
    return msg(str`${index} of ${count}. ${text}`, { id: 'banner.paged' });
  },
};

export type BannerStrings = typeof banner;

/** The banner's labels, in the active locale. */
export function bannerStrings(): BannerStrings {
  return banner;
}
