/**
 * The shop page's script: picks the language (`?lang=en|zh`, else the browser's) and the team
 * (`?topic=sales|support`, default sales), translates the page, and starts the Hotline widget
 * (loaded by its own <script> tag as window.Hotline) on the matching queue:
 * que_sales_en, que_sales_zh, que_support_en or que_support_zh, with click-to-call to the
 * same team when the demo has voice.
 */

const params = new URLSearchParams(location.search);
const browserChinese = (navigator.language || '').toLowerCase().startsWith('zh');
const lang = params.get('lang') === 'zh' || (params.get('lang') !== 'en' && browserChinese) ? 'zh' : 'en';
const topic = params.get('topic') === 'support' ? 'support' : 'sales';

const ZH = {
  brand: 'Demo 小店',
  navProducts: '商品',
  navHelp: '订单帮助',
  eyebrow: '新品上市 · 满 $50 包邮',
  headline: '好好做的日常好物。',
  lead: '对商品或订单有疑问？我们的团队在右下角的聊天里为您解答，中英文都可以。',
  teamLabel: '为您服务的是',
  productsTitle: '热销商品',
  p1: '极光台灯',
  p1Blurb: '暖光可调，亚麻灯罩。',
  p2: '云朵耳机',
  p2Blurb: '无线降噪，续航 30 小时。',
  p3: '陶土马克杯',
  p3Blurb: '手工上釉粗陶，350 毫升。',
  p4: '漂流双肩包',
  p4Blurb: '再生帆布，可放 15 英寸笔记本。',
  ask: '咨询此商品',
  perk1: '1–2 天发货',
  perk1Text: '3–5 天送达，全程可追踪。',
  perk2: '30 天退货',
  perk2Text: '全额退款，无需理由。',
  perk3: '真人客服',
  perk3Text: '中文或英文，随时聊。',
  powered: 'Hotline 演示',
  staff: '员工入口：',
};

const TEAMS = {
  en: { sales: 'Sales · English', support: 'Support · English' },
  zh: { sales: '销售 · 中文', support: '售后 · 中文' },
};

function translate() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  if (lang === 'zh') {
    for (const element of document.querySelectorAll('[data-i18n]')) {
      const text = ZH[element.dataset.i18n];
      if (text) element.textContent = text;
    }
    document.title = 'Demo 小店 · 好好做的日常好物';
  }
  document.getElementById('team-name').textContent = TEAMS[lang][topic];
  // Language links keep the team, the team link keeps the language.
  for (const link of document.querySelectorAll('a[data-keep]')) {
    const url = new URL(link.getAttribute('href'), location.href);
    const keep = link.dataset.keep;
    const value = keep === 'lang' ? lang : topic;
    if (keep === 'lang' || value !== 'sales') url.searchParams.set(keep, value);
    link.setAttribute('href', `${url.pathname}${url.search}`);
    if (link.hreflang) link.toggleAttribute('aria-current', link.hreflang === lang);
  }
}

function problem(message) {
  const box = document.getElementById('chat-problem');
  box.textContent = message;
  box.hidden = false;
}

async function startChat() {
  if (!window.Hotline) {
    problem('The chat is not available: its script did not load (run `npm start` at the repository root to build it).');
    return;
  }
  const response = await fetch('/demo/config', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`/demo/config answered ${response.status}`);
  const config = await response.json();
  const url = new URL(config.wsPath, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const chat = window.Hotline.init({
    url: url.href,
    siteId: config.siteId,
    locale: lang === 'zh' ? 'zh-CN' : 'en',
    queueId: `que_${topic}_${lang}`,
    colors: { accent: '#0f766e' },
    texts: {
      en: { welcome: 'Hi! Ask us anything about our products or your order.' },
      'zh-CN': { welcome: '您好！关于商品或订单的任何问题，都可以问我们。' },
    },
    prechat: {
      fields: [
        { name: 'name', required: false },
        { name: 'email', type: 'email', required: false },
      ],
    },
    attributes: { shop: 'demo', topic },
    // With the demo's Kamailio running: a call button in the widget header. The call goes to
    // the same team (`sip:support_zh@hotline.demo`…) and joins the open chat, if any. Its code
    // (hotline-widget-voice.js) loads on the first press only.
    ...(config.voice
      ? { voice: { wsUrl: config.voice.wsUrl, domain: config.voice.sipDomain, queue: `${topic}_${lang}` } }
      : {}),
  });
  for (const button of document.querySelectorAll('[data-testid="product-ask"]')) {
    button.addEventListener('click', () => {
      const product = button.closest('[data-product]')?.dataset.product;
      if (product) chat.setAttributes({ shop: 'demo', topic, product });
      chat.open();
    });
  }
}

translate();
startChat().catch((error) => problem(`The chat could not start: ${error.message}`));
