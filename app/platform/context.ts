export interface RequestContext {
  requestId: string;
  ip: string;
  /** This request may see the developer mailbox (see devMailboxAllowed). */
  devMailbox: boolean;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- augmentation needs the interface form
  interface AppLoadContext extends RequestContext {}
}

declare module "@remix-run/server-runtime" {
  interface Future {
    v3_singleFetch: true;
  }
}
