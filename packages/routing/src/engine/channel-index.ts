import { CHANNELS, type Channel } from '@hotline/core';

/** Channels as small integers, so per-channel state lives in arrays instead of maps. */
export const CHANNEL_COUNT = CHANNELS.length;

const INDEX = new Map<Channel, number>(CHANNELS.map((channel, i) => [channel, i]));

/** The array index of a channel. */
export function channelIndex(channel: Channel): number {
  return INDEX.get(channel) as number;
}

/** The channel at an array index. */
export function channelAt(index: number): Channel {
  return CHANNELS[index] as Channel;
}
