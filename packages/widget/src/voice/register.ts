/**
 * The entry of `dist/hotline-widget-voice.js`: it hands the voice module to the main bundle
 * on the `Hotline` global, like the extras file.
 */
import { voice } from './voice.js';

const global = globalThis as { Hotline?: Record<string, unknown> };
global.Hotline ??= {};
global.Hotline.__voice = voice;
