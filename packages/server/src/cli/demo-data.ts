// The demo tenant of `hotline seed-demo` and examples/demo: a small shop that sells and
// supports in English and Chinese. Plain data; `demo-seed.ts` writes it.

/** The demo tenant. */
export const DEMO_TENANT_ID = 'ten_demo';
/** The demo's web chat site (the widget's `data-site-id`). */
export const DEMO_SITE_ID = 'site_demo';
/** The demo's business calendar. */
export const DEMO_CALENDAR_ID = 'cal_demo_hours';

/** A demo agent: who they are, what they can take, and their roles. */
export interface DemoAgent {
  id: string;
  name: string;
  email: string;
  skills: Record<string, number>;
  languages: string[];
  /** Concurrent web chats. */
  webchat: number;
  roles: string[];
}

/** A demo queue and its routing settings (`queue.settings`, read by the server's routing). */
export interface DemoQueue {
  id: string;
  name: string;
  description: string;
  language: string;
  serviceLevelSeconds: number;
  settings: {
    skills: Record<string, number>;
    languages: string[];
    strategy: 'longest_idle' | 'least_occupied' | 'round_robin' | 'best_skill';
    reservationTimeoutSeconds: number;
    ageingPerMinute?: number;
  };
}

/** A demo canned response. */
export interface DemoCannedResponse {
  shortcut: string;
  title: string;
  text: string;
  language: string;
  queueIds?: string[];
}

export const DEMO_TENANT = { id: DEMO_TENANT_ID, name: 'Demo Shop', timeZone: 'Asia/Singapore' } as const;

const salesSettings = (language: string) => ({
  skills: { sales: 1 },
  languages: [language],
  strategy: 'longest_idle' as const,
  reservationTimeoutSeconds: 30,
});
const supportSettings = (language: string) => ({
  skills: { support: 1 },
  languages: [language],
  strategy: 'least_occupied' as const,
  reservationTimeoutSeconds: 30,
  // A support chat waiting long climbs past newer ones.
  ageingPerMinute: 1,
});

export const DEMO_QUEUES: readonly DemoQueue[] = [
  {
    id: 'que_sales_en',
    name: 'Sales (English)',
    description: 'Questions before buying, in English.',
    language: 'en',
    serviceLevelSeconds: 20,
    settings: salesSettings('en'),
  },
  {
    id: 'que_sales_zh',
    name: 'Sales (中文)',
    description: 'Questions before buying, in Chinese.',
    language: 'zh',
    serviceLevelSeconds: 20,
    settings: salesSettings('zh'),
  },
  {
    id: 'que_support_en',
    name: 'Support (English)',
    description: 'Orders, delivery and returns, in English.',
    language: 'en',
    serviceLevelSeconds: 30,
    settings: supportSettings('en'),
  },
  {
    id: 'que_support_zh',
    name: 'Support (中文)',
    description: 'Orders, delivery and returns, in Chinese.',
    language: 'zh',
    serviceLevelSeconds: 30,
    settings: supportSettings('zh'),
  },
];

export const DEMO_AGENTS: readonly DemoAgent[] = [
  {
    id: 'agt_ana',
    name: 'Ana Lima',
    email: 'ana@example.com',
    skills: { sales: 7, support: 5 },
    languages: ['en'],
    webchat: 3,
    roles: ['agent'],
  },
  {
    id: 'agt_bo',
    name: 'Bo Wang',
    email: 'bo@example.com',
    skills: { support: 8 },
    languages: ['en', 'zh'],
    webchat: 2,
    roles: ['agent'],
  },
  {
    id: 'agt_chen',
    name: 'Chen Jing',
    email: 'chen@example.com',
    skills: { sales: 6, support: 6 },
    languages: ['zh'],
    webchat: 2,
    roles: ['agent'],
  },
  {
    // Watches queues and agents; no skills, so routing never offers them a chat.
    id: 'agt_sam',
    name: 'Sam Taylor',
    email: 'sam@example.com',
    skills: {},
    languages: ['en', 'zh'],
    webchat: 0,
    roles: ['supervisor'],
  },
];

const weekday: [string, string][] = [['09:00', '18:00']];

/** Opening hours for SLA clocks (Singapore time). Chat queues stay open around the clock. */
export const DEMO_CALENDAR = {
  timeZone: 'Asia/Singapore',
  weekly: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: [['10:00', '14:00']], sun: [] },
  holidays: [
    { date: '01-01', yearly: true, name: "New Year's Day" },
    { date: '12-25', yearly: true, name: 'Christmas Day' },
  ],
};

const notifySam = { type: 'notify', target: { type: 'agent', id: 'agt_sam' } } as const;

/** SLA policies of the demo's tickets, on the demo calendar. */
export const DEMO_SLA_POLICIES = [
  {
    id: 'sla_vip',
    name: 'VIP customers',
    position: 0,
    conditions: { all: [{ field: 'tags', operator: 'includes', value: 'vip' }] },
    targets: {
      urgent: { first_reply: 15, resolution: 120 },
      high: { first_reply: 30, resolution: 240 },
      normal: { first_reply: 60, next_reply: 120, resolution: 480 },
      low: { first_reply: 120, resolution: 960 },
    },
    calendarId: DEMO_CALENDAR_ID,
    warnBeforeMs: 10 * 60_000,
    escalations: [{ metric: 'first_reply', on: 'breach', actions: [notifySam, { type: 'raise_priority' }] }],
  },
  {
    id: 'sla_standard',
    name: 'Standard',
    position: 10,
    targets: {
      urgent: { first_reply: 30, resolution: 240 },
      high: { first_reply: 60, next_reply: 120, resolution: 480 },
      normal: { first_reply: 240, next_reply: 480, resolution: 1440 },
      low: { first_reply: 480, resolution: 2880 },
    },
    calendarId: DEMO_CALENDAR_ID,
    warnBeforeMs: 30 * 60_000,
    escalations: [
      {
        metric: 'resolution',
        on: 'breach',
        actions: [{ ...notifySam, message: 'A ticket passed its resolution target.' }],
      },
    ],
  },
];

/** The demo's web chat site: sales in English unless the page picks another queue. */
export const DEMO_SITE = {
  siteId: DEMO_SITE_ID,
  queueId: 'que_sales_en',
  allowedQueueIds: DEMO_QUEUES.map((queue) => queue.id),
};

const SUPPORT_QUEUES = ['que_support_en', 'que_support_zh'];

export const DEMO_CANNED_RESPONSES: readonly DemoCannedResponse[] = [
  {
    shortcut: 'hello',
    title: 'Greeting',
    text: 'Hello! Thanks for contacting Demo Shop. How can I help you today?',
    language: 'en',
  },
  {
    shortcut: 'shipping',
    title: 'Shipping times',
    text: 'Orders ship within 1–2 business days, and delivery takes 3–5 days. You get a tracking link by email as soon as your parcel leaves.',
    language: 'en',
  },
  {
    shortcut: 'refund',
    title: 'Returns and refunds',
    text: 'You can return any item within 30 days for a full refund. Send me your order number and I will start the return for you.',
    language: 'en',
    queueIds: SUPPORT_QUEUES,
  },
  {
    shortcut: 'thanks',
    title: 'Closing',
    text: 'Thanks for chatting with us! Is there anything else I can help you with?',
    language: 'en',
  },
  { shortcut: 'hello', title: '问候', text: '您好！感谢联系 Demo Shop，请问有什么可以帮您？', language: 'zh' },
  {
    shortcut: 'shipping',
    title: '发货时间',
    text: '订单会在 1–2 个工作日内发货，配送需要 3–5 天。包裹发出后，您会收到带有物流跟踪链接的邮件。',
    language: 'zh',
  },
  {
    shortcut: 'refund',
    title: '退货与退款',
    text: '所有商品 30 天内均可退货并全额退款。请告诉我您的订单号，我来为您办理退货。',
    language: 'zh',
    queueIds: SUPPORT_QUEUES,
  },
  { shortcut: 'thanks', title: '结束语', text: '感谢您的咨询！还有其他可以帮您的吗？', language: 'zh' },
];
