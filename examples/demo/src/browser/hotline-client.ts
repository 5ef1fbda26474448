// The browser bundle of @hotline/client, served as /static/hotline-client.js.
export * from '@hotline/client';
