import { CustomerChat, type CustomerChatOptions } from '@hotline/client';
import type { ChatFactory, ChatPort } from './chat-port.js';

/** The real chat client; `satisfies` proves at compile time that it has what the widget uses. */
export const customerChat: ChatFactory = (settings) =>
  new CustomerChat(settings as unknown as CustomerChatOptions) satisfies ChatPort;
