import { en, type Messages } from './en.js';
import { zhCN } from './zh-cn.js';

/** The locales built in; any other is added by giving its texts in the `texts` option. */
export const BUILT_IN_LOCALES: Readonly<Record<string, Messages>> = { en, 'zh-CN': zhCN };
