/**
 * An existing Express 5 app that embeds Hotline: the host keeps its own routes and body
 * parser; Hotline answers `/api/v1/*`, `/openapi.json`, `/healthz`, `/readyz`, `/metrics`
 * and the web chat's paths, and takes the web chat's WebSocket upgrades on the same port.
 */
import {
  type App,
  type AppOptions,
  attachedApp,
  closeServer,
  createExampleHotline,
  PRODUCTS,
} from '@hotline/example-embedding-kit';
import express from 'express';

/** Starts the host app with Hotline mounted in it. */
export async function startApp(options: AppOptions): Promise<App> {
  const hotline = createExampleHotline(options);
  const app = express();

  // The host's own API. Its JSON parser is mounted on the host's routes only: a global
  // `express.json()` would read Hotline's request bodies before Hotline sees them.
  const shop = express.Router();
  shop.use(express.json());
  shop.get('/products', (_req, res) => {
    res.json(PRODUCTS);
  });
  shop.post('/orders', (req, res) => {
    res.status(201).json({ orderId: 'ord_1', items: req.body.items ?? [] });
  });
  app.use('/shop', shop);

  // Everything else goes to Hotline, which answers 404 for paths it does not serve.
  app.use((req, res) => hotline.handler(req, res));

  await hotline.start();
  const server = app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return attachedApp(server, hotline, closeServer(server));
}
