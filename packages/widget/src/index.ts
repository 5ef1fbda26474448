export { init } from './init.js';
export { en } from './i18n/en.js';
export { zhCN } from './i18n/zh-cn.js';
export { BUILT_IN_LOCALES } from './i18n/locales.js';
export { contrastRatio, readableTextOn } from './theme/contrast.js';
export { PALETTES } from './theme/palette.js';
export { TAG } from './element.js';

export type { ChatMessageView } from './chat-port.js';
export type { Messages } from './i18n/en.js';
export type { LocalizedText, Texts } from './i18n/translator.js';
export type { AttributeValue, ClientSettings, PrechatField, WidgetOptions } from './options.js';
export type { ThemeColors } from './theme/palette.js';
export type { WidgetApi, WidgetEvents } from './widget.js';
export type { WidgetVoiceOptions } from './voice/voice-types.js';
