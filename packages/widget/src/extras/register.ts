/**
 * The entry of `dist/hotline-widget-extras.js`: it hands the extras to the main bundle on
 * the `Hotline` global, the one name the widget takes on the page. It may run before the
 * main bundle (two `<script async>` tags of the page): `iife.ts` keeps what it finds.
 */
import { extras } from './extras.js';

const global = globalThis as { Hotline?: Record<string, unknown> };
global.Hotline ??= {};
global.Hotline.__extras = extras;
